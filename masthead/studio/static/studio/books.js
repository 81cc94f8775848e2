// A book's page: chapters dragged to a new place with the mouse (the Move up / Move down
// buttons do the same from the keyboard, and without this script), and a build followed
// until it ends, when the part of the page with the downloads is fetched again.
"use strict";
(function () {
  const list = document.getElementById("chapter-list");
  const form = document.getElementById("drag-move");
  if (list && form) {
    const rows = () => Array.from(list.querySelectorAll("li[data-post]"));
    let dragged = null;
    let home = null; // where the row was, to put it back if the drag is abandoned
    rows().forEach((li) => li.setAttribute("draggable", "true"));
    list.addEventListener("dragstart", (event) => {
      const li = event.target.closest && event.target.closest("li[data-post]");
      if (!li) return;
      dragged = li;
      home = li.nextElementSibling;
      li.classList.add("dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", li.dataset.post);
    });
    list.addEventListener("dragover", (event) => {
      if (!dragged) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = "move";
      const over = event.target.closest && event.target.closest("li[data-post]");
      if (!over || over === dragged) return;
      const box = over.getBoundingClientRect();
      if (event.clientY > box.top + box.height / 2) over.after(dragged);
      else over.before(dragged);
    });
    list.addEventListener("drop", (event) => {
      if (!dragged) return;
      event.preventDefault();
      const li = dragged;
      const to = rows().indexOf(li) + 1;
      if (to !== Number(li.dataset.position)) {
        form.elements.post.value = li.dataset.post;
        form.elements.to.value = String(to);
        form.submit();
      }
    });
    list.addEventListener("dragend", (event) => {
      if (!dragged) return;
      dragged.classList.remove("dragging");
      if (event.dataTransfer.dropEffect === "none") list.insertBefore(dragged, home);
      dragged = null;
    });
  }

  const state = document.getElementById("build-state");
  if (!state || !state.hasAttribute("data-running")) return;
  async function refresh() {
    // The build is over: its files and sizes as the page now shows them.
    const response = await fetch(location.pathname, {credentials: "same-origin"});
    const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const id of ["build-state", "downloads"]) {
      const now = fresh.getElementById(id);
      const old = document.getElementById(id);
      if (now && old) old.replaceWith(document.adoptNode(now));
    }
  }
  async function poll() {
    let data;
    try {
      const response = await fetch(state.dataset.url, {headers: {Accept: "application/json"}});
      if (!response.ok) return setTimeout(poll, 5000);
      data = await response.json();
    } catch (e) {
      return setTimeout(poll, 5000);
    }
    state.dataset.state = data.state;
    if (state.textContent !== data.words) state.textContent = data.words;
    if (data.running) return setTimeout(poll, 1000);
    try { await refresh(); } catch (e) { /* the sentence above already says it */ }
  }
  setTimeout(poll, 500);
})();
