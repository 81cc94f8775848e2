// The Email page: "Copy" puts a DNS record's value on the clipboard.
"use strict";
document.addEventListener("click", (event) => {
  const button = event.target.closest("button[data-copy]");
  if (!button) return;
  const value = document.getElementById(button.dataset.copy).textContent;
  const done = () => { button.textContent = "Copied"; setTimeout(() => { button.textContent = "Copy"; }, 2000); };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(value).then(done, () => select(button));
  } else {
    select(button);
  }
});
function select(button) {
  const range = document.createRange();
  range.selectNodeContents(document.getElementById(button.dataset.copy));
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  button.textContent = "Selected: press Ctrl+C";
}
