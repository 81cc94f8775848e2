// The editor: live preview and autosave. Everything works without this script (the
// form posts as usual); with it, a closed tab or a crash loses at most a few seconds.
// It also gives the editor's other scripts (editor_toolbar.js, editor_images.js) one way
// to change the text, window.mastheadEditor.edit, which the browser's undo can undo.
"use strict";

(function () {
  const form = document.getElementById("editor");
  if (!form) return;
  const body = form.querySelector("#body");
  const preview = document.getElementById("preview");
  const state = document.getElementById("save-state");
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const AUTOSAVE_MS = 3000;
  let dirty = false;
  let saving = false;
  let previewTimer = null;

  function post(url, data) {
    return fetch(url, {
      method: "POST",
      body: data,
      headers: { "X-CSRFToken": token, Accept: "application/json" },
      credentials: "same-origin",
    });
  }

  const notes = document.getElementById("preview-notes");
  const postId = () => (form.getAttribute("action").match(/\/posts\/(\d+)\//) || [])[1] || "";

  function note(className, text, link) {
    const p = document.createElement("p");
    p.className = className;
    p.setAttribute("role", "status");
    p.textContent = text;
    if (link) {
      const a = document.createElement("a");
      a.href = link;
      a.target = "_blank";
      a.rel = "noopener";
      a.textContent = "Sources";
      p.append(a);
    }
    return p;
  }

  // The preview is the theme's own page (see views/preview.py), in a frame where no
  // script runs. The first answer becomes the frame's document; later ones replace its
  // body, so the reader's place in a long preview is kept.
  function show(html) {
    const doc = preview.contentDocument;
    if (doc && doc.getElementById("main")) {
      const fresh = new DOMParser().parseFromString(html, "text/html");
      doc.body.replaceWith(doc.adoptNode(fresh.body));
    } else {
      preview.srcdoc = html;
    }
  }

  // In the preview, a note's or a heading's link jumps within it (scrolled to here: the
  // frame's links resolve against the editor's address, so following "#fn-1" would load
  // the editor into the frame); any other link opens in a tab of its own.
  preview.addEventListener("load", () => {
    const doc = preview.contentDocument;
    if (!doc) return;
    doc.addEventListener("click", (event) => {
      const link = event.target.closest && event.target.closest("a[href]");
      if (!link) return;
      event.preventDefault();
      const href = link.getAttribute("href");
      if (href.startsWith("#")) {
        const target = doc.getElementById(decodeURIComponent(href.slice(1)));
        if (target) target.scrollIntoView({ block: "start" });
      } else {
        window.open(link.href, "_blank", "noopener");
      }
    });
  });

  async function refreshPreview() {
    const data = new FormData();
    data.append("body", body.value);
    data.append("title", form.querySelector("#title").value);
    data.append("post", postId());
    try {
      const res = await post(form.dataset.preview, data);
      const json = await res.json();
      if (json.error) {
        // The last preview stays; the problem is said above it.
        notes.replaceChildren(note("error", json.error));
        return;
      }
      notes.replaceChildren();
      show(json.document);
      if (json.problems && json.problems.length) {
        // A citation of a key no source has is marked where it stands (by the server),
        // and said once above the text, with the page where sources are added.
        const p = note("error", "Not ready to publish: " + json.problems.join("; ") + ". ",
                       json.sources);
        p.id = "preview-problems";
        notes.append(p);
      }
    } catch (e) {
      /* offline: keep the last preview */
    }
  }

  // One change to the text, as one step the browser's undo (Ctrl+Z) takes back:
  // execCommand("insertText") goes through the browser's own editing, which keeps the
  // undo stack; setRangeText (where that is missing) changes the text without it.
  function edit(start, end, text, selStart, selEnd) {
    body.focus();
    body.setSelectionRange(start, end);
    let done = false;
    try {
      done = document.execCommand("insertText", false, text);
    } catch (e) {
      done = false;
    }
    if (!done) {
      body.setRangeText(text, start, end, "end");
      body.dispatchEvent(new Event("input", { bubbles: true }));
    }
    const a = selStart === undefined ? start + text.length : selStart;
    body.setSelectionRange(a, selEnd === undefined ? a : selEnd);
  }

  function say(text) {
    state.textContent = text;
  }

  window.mastheadEditor = { form, body, token, edit, say, refreshPreview };

  async function autosave() {
    if (!dirty || saving || !form.querySelector("#title").value.trim()) return;
    saving = true;
    dirty = false;
    const data = new FormData(form);
    data.delete("action");
    try {
      let url = form.dataset.autosave;
      if (!url) {
        // A new post: the first autosave creates the draft.
        const res = await post(form.dataset.create, data);
        const json = await res.json();
        if (!res.ok) throw new Error(json.error || res.statusText);
        form.setAttribute("action", json.url);
        form.dataset.autosave = json.url + "autosave/";
        form.querySelector("#slug").value = json.slug;
        history.replaceState(null, "", json.url);
        url = form.dataset.autosave;
      }
      const res = await post(url, data);
      const json = await res.json();
      if (!res.ok) throw new Error(json.error || res.statusText);
      state.textContent = "Autosaved at " + new Date(json.saved_at).toLocaleTimeString();
      state.dataset.revision = json.revision;
    } catch (e) {
      dirty = true;
      state.textContent = "Not saved yet: " + e.message;
    } finally {
      saving = false;
    }
  }

  form.addEventListener("input", (event) => {
    dirty = true;
    state.textContent = "Unsaved changes";
    if (event.target === body || event.target.id === "title") {
      clearTimeout(previewTimer);
      previewTimer = setTimeout(refreshPreview, 300);
    }
  });
  form.addEventListener("submit", () => { dirty = false; });
  setInterval(autosave, AUTOSAVE_MS);
  window.addEventListener("beforeunload", (event) => {
    if (dirty) event.preventDefault();
  });
  // Insert a citation at the cursor (the tool shows only when this script runs).
  // (The toolbar's Cite button shows it.)
  const cite = document.getElementById("cite-tool");
  if (cite) {
    document.getElementById("cite-insert").addEventListener("click", () => {
      const key = document.getElementById("cite-key").value;
      edit(body.selectionStart, body.selectionEnd, "[@" + key + "]");
      cite.hidden = true;
      const button = document.querySelector("[data-do=cite]");
      if (button) button.setAttribute("aria-expanded", "false");
    });
  }

  refreshPreview();
})();
