// The Email page: "Copy" puts a DNS record's value on the clipboard (or selects it, for
// Ctrl+C, where the browser gives no clipboard), and says which it did beside the button.
"use strict";
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const value = document.getElementById(button.dataset.copy);
  const said = button.parentElement.querySelector("[data-copied]");
  const say = (text) => { said.textContent = text; setTimeout(() => { said.textContent = ""; }, 4000); };
  const select = () => {
    const range = document.createRange();
    range.selectNodeContents(value);
    const selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
    say("Selected: press Ctrl+C");
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(value.textContent).then(() => say("Copied"), select);
  } else {
    select();
  }
});
