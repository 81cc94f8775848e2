// Images into the text: pasted, dropped on it, or chosen with the toolbar's Image button.
// Each asks for its description, uploads with its progress shown, and puts
// ![description](/media/...) where it was dropped or where the cursor was.
"use strict";

(function () {
  const editor = window.mastheadEditor;
  const dialog = document.getElementById("image-dialog");
  if (!editor || !dialog || typeof dialog.showModal !== "function") return;
  const { body, edit, token } = editor;
  const alt = document.getElementById("image-alt");
  const problem = document.getElementById("image-error");
  const thumb = document.getElementById("image-thumb");
  const row = document.getElementById("image-progress-row");
  const bar = document.getElementById("image-progress");
  const progressText = document.getElementById("image-progress-text");
  const uploadButton = document.getElementById("image-upload");
  const chooser = document.getElementById("image-file");
  const queue = []; // images waiting for the dialog: {file, at}
  let current = null;
  let request = null;

  const images = (list) => [...(list || [])].filter((f) => f.type.startsWith("image/"));

  function ask(file, at) {
    queue.push({ file, at });
    if (!current) next();
  }

  function next() {
    current = queue.shift() || null;
    if (!current) return;
    problem.textContent = "";
    row.hidden = true;
    bar.value = 0;
    alt.value = "";
    alt.disabled = false;
    uploadButton.disabled = false;
    document.getElementById("image-name").textContent = current.file.name;
    thumb.hidden = true;
    if (current.file.size < 8 << 20) {
      const reader = new FileReader();
      const shown = current;
      reader.onload = () => {
        if (current === shown) {
          thumb.src = reader.result;
          thumb.hidden = false;
        }
      };
      reader.readAsDataURL(current.file);
    }
    dialog.showModal();
    alt.focus();
  }

  function finish() {
    current = null;
    request = null;
    if (dialog.open) dialog.close();
    if (queue.length) next();
    else body.focus();
  }

  // A paragraph of its own, at the point: blank lines around it unless already there.
  function insert(markdown, at) {
    const v = body.value;
    at = Math.max(0, Math.min(at, v.length));
    const before = v.slice(0, at), after = v.slice(at);
    const lead = before === "" || before.endsWith("\n\n") ? "" : before.endsWith("\n") ? "\n" : "\n\n";
    const tail = after === "" ? "\n" : after.startsWith("\n\n") ? "" : after.startsWith("\n") ? "\n" : "\n\n";
    const text = lead + markdown + tail;
    edit(at, at, text, at + text.length);
    return at + text.length;
  }

  function upload() {
    const description = alt.value.trim();
    if (!description) {
      problem.textContent = "Describe the image first: what would a reader who cannot see it need to know?";
      alt.focus();
      return;
    }
    problem.textContent = "";
    const data = new FormData();
    data.append("image", current.file);
    data.append("alt", description);
    request = new XMLHttpRequest();
    const xhr = request;
    xhr.open("POST", dialog.dataset.upload);
    xhr.setRequestHeader("X-CSRFToken", token);
    xhr.setRequestHeader("Accept", "application/json");
    row.hidden = false;
    alt.disabled = true;
    uploadButton.disabled = true;
    progressText.textContent = "Uploading…";
    xhr.upload.addEventListener("progress", (event) => {
      if (!event.lengthComputable) return;
      const percent = Math.round((100 * event.loaded) / event.total);
      bar.value = percent;
      progressText.textContent = percent < 100 ? "Uploading: " + percent + " %" : "Making its sizes…";
    });
    xhr.addEventListener("load", () => {
      if (request !== xhr) return;
      let json = {};
      try {
        json = JSON.parse(xhr.responseText);
      } catch (e) {
        json = {};
      }
      if (xhr.status === 200 && json.markdown) {
        // The dialog closes first: while it is open the text box is inert, and an edit
        // made there would not reach the browser's undo.
        dialog.close();
        const at = current.at;
        const end = insert(json.markdown, at);
        // The points of images still waiting move with the text inserted before them.
        for (const item of queue) if (item.at !== null && item.at >= at) item.at += end - at;
        editor.say("Image added.");
        finish();
        return;
      }
      failed(json.error || (xhr.status === 401 ? "log in again" : "the server could not take it"));
    });
    xhr.addEventListener("error", () => failed("it did not reach the server (check the connection)"));
    xhr.send(data);
  }

  function failed(reason) {
    request = null;
    row.hidden = true;
    alt.disabled = false;
    uploadButton.disabled = false;
    problem.textContent = "The upload failed: " + reason + ".";
  }

  document.getElementById("image-form").addEventListener("submit", (event) => {
    event.preventDefault(); // the dialog stays open until the image is in the text
    if (current && !request) upload();
  });
  function cancel() {
    if (request) request.abort();
    finish();
  }
  document.getElementById("image-cancel").addEventListener("click", cancel);
  dialog.addEventListener("cancel", (event) => { // Escape
    event.preventDefault();
    cancel();
  });

  chooser.addEventListener("change", () => {
    for (const file of images(chooser.files)) ask(file, body.selectionStart);
    chooser.value = "";
  });

  body.addEventListener("paste", (event) => {
    const files = images(event.clipboardData && event.clipboardData.files);
    if (!files.length) return;
    event.preventDefault();
    for (const file of files) ask(file, body.selectionStart);
  });

  // Where in the text a point on the screen falls: a copy of the text box's text laid
  // out the same way, asked with caretRangeFromPoint (a textarea cannot be asked).
  function offsetAt(x, y) {
    const style = getComputedStyle(body);
    const box = body.getBoundingClientRect();
    const mirror = document.createElement("div");
    for (const name of ["fontFamily", "fontSize", "fontWeight", "fontStyle", "lineHeight",
      "letterSpacing", "wordSpacing", "tabSize", "textIndent", "paddingTop", "paddingRight",
      "paddingBottom", "paddingLeft", "borderTopWidth", "borderRightWidth",
      "borderBottomWidth", "borderLeftWidth", "borderStyle", "boxSizing"]) {
      mirror.style[name] = style[name];
    }
    const scrollbar = body.offsetWidth - body.clientWidth -
      parseFloat(style.borderLeftWidth) - parseFloat(style.borderRightWidth);
    Object.assign(mirror.style, {
      position: "fixed", left: box.left + "px", top: box.top + "px", margin: "0",
      width: box.width - scrollbar + "px", height: box.height + "px", overflow: "hidden",
      whiteSpace: "pre-wrap", overflowWrap: "break-word", opacity: "0", zIndex: "2147483647",
    });
    mirror.textContent = body.value + "\n";
    document.body.append(mirror);
    mirror.scrollTop = body.scrollTop;
    let at = null;
    if (document.caretRangeFromPoint) {
      const range = document.caretRangeFromPoint(x, y);
      if (range && range.startContainer === mirror.firstChild) at = range.startOffset;
    } else if (document.caretPositionFromPoint) {
      const pos = document.caretPositionFromPoint(x, y);
      if (pos && pos.offsetNode === mirror.firstChild) at = pos.offset;
    }
    mirror.remove();
    return at === null ? body.selectionStart : Math.min(at, body.value.length);
  }

  body.addEventListener("dragover", (event) => {
    if (!event.dataTransfer || ![...event.dataTransfer.types].includes("Files")) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = "copy";
    body.classList.add("dropping");
  });
  body.addEventListener("dragleave", () => body.classList.remove("dropping"));
  body.addEventListener("drop", (event) => {
    body.classList.remove("dropping");
    const files = images(event.dataTransfer && event.dataTransfer.files);
    if (!files.length) return;
    event.preventDefault();
    const at = offsetAt(event.clientX, event.clientY);
    for (const file of files) ask(file, at);
  });
})();
