// The editor: live preview and autosave. Everything works without this script (the
// form posts as usual); with it, a closed tab or a crash loses at most a few seconds.
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

  async function refreshPreview() {
    const data = new FormData();
    data.append("body", body.value);
    try {
      const res = await post(form.dataset.preview, data);
      const json = await res.json();
      if (json.error) {
        preview.replaceChildren();
        const p = document.createElement("p");
        p.className = "error";
        p.textContent = json.error;
        preview.append(p);
      } else {
        // Rendered and sanitised by the site's own pipeline; the CSP forbids scripts.
        // A citation of a key no source has is marked where it stands (by the server),
        // and said once above the text, with the page where sources are added.
        preview.innerHTML = json.html;
        if (json.problems && json.problems.length) {
          const p = document.createElement("p");
          p.className = "error";
          p.id = "preview-problems";
          p.setAttribute("role", "status");
          p.textContent = "Not ready to publish: " + json.problems.join("; ") + ". ";
          const a = document.createElement("a");
          a.href = json.sources;
          a.target = "_blank";
          a.rel = "noopener";
          a.textContent = "Sources";
          p.append(a);
          preview.prepend(p);
        }
      }
    } catch (e) {
      /* offline: keep the last preview */
    }
  }

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
        form.action = json.url;
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
    if (event.target === body) {
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
  const cite = document.getElementById("cite-tool");
  if (cite) {
    cite.hidden = false;
    document.getElementById("cite-insert").addEventListener("click", () => {
      const key = document.getElementById("cite-key").value;
      const text = "[@" + key + "]";
      const start = body.selectionStart, end = body.selectionEnd;
      body.setRangeText(text, start, end, "end");
      body.focus();
      body.dispatchEvent(new Event("input", { bubbles: true }));
    });
  }

  // Upload an image and insert its <img> (with srcset) at the cursor.
  const imageTool = document.getElementById("image-tool");
  if (imageTool) {
    imageTool.hidden = false;
    document.getElementById("image-insert").addEventListener("click", async () => {
      const file = document.getElementById("image-file").files[0];
      const alt = document.getElementById("image-alt").value.trim();
      if (!file || !alt) {
        state.textContent = "Choose an image and describe it first.";
        return;
      }
      const data = new FormData();
      data.append("image", file);
      data.append("alt", alt);
      state.textContent = "Uploading…";
      const res = await post(imageTool.dataset.upload, data);
      const json = await res.json();
      if (!res.ok) {
        state.textContent = "Upload failed: " + json.error;
        return;
      }
      body.setRangeText("\n" + json.html + "\n", body.selectionStart, body.selectionEnd, "end");
      body.dispatchEvent(new Event("input", { bubbles: true }));
      state.textContent = "Image added.";
    });
  }

  refreshPreview();
})();
