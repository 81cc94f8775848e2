// Masthead footnotes. Wide screens: each note stands in the margin beside its mark (a
// sidenote), copied from the note list at the end of the post. Narrow screens: a tap on
// the mark opens the note in place, Escape closes it. Without this script a mark is a
// plain link to its note in the list, and that still works.
(function () {
  "use strict";
  const body = document.querySelector(".post-body");
  const list = body && body.querySelector("section.footnotes");
  if (!list) return;
  const wide = window.matchMedia("(min-width: 76rem)");
  const GAP = 12; // px between two sidenotes
  const notes = [];

  body.querySelectorAll("a.footnote-ref").forEach(function (ref, i) {
    const source = document.getElementById(decodeURIComponent(ref.hash.slice(1)));
    if (!source || !list.contains(source)) return;
    const note = document.createElement("span");
    note.className = "fn-note";
    note.id = "fn-note-" + (i + 1);
    note.setAttribute("role", "note");
    source.childNodes.forEach(function (child) { note.appendChild(child.cloneNode(true)); });
    note.querySelectorAll(".footnote-back").forEach(function (el) { el.remove(); });
    note.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
    const number = document.createElement("span");
    number.className = "fn-note-number";
    number.textContent = ref.textContent.trim();
    const first = note.firstElementChild;
    (first && first.tagName === "P" ? first : note).prepend(number);
    ref.after(note);
    ref.setAttribute("aria-controls", note.id);
    notes.push({ref: ref, note: note});
  });
  if (!notes.length) return;

  function open(n, yes) {
    n.note.classList.toggle("is-open", yes);
    n.ref.setAttribute("aria-expanded", String(yes));
  }

  // The mark is a link on wide screens (its note is in view beside it) and a button
  // that shows or hides its note on narrow ones.
  function mode() {
    for (const n of notes) {
      if (wide.matches) {
        n.ref.removeAttribute("role");
        n.ref.removeAttribute("aria-expanded");
        n.note.classList.remove("is-open");
      } else {
        n.ref.setAttribute("role", "button");
        open(n, n.note.classList.contains("is-open"));
      }
    }
    place();
  }

  // Each sidenote at the height of its mark, or just below the one before it.
  function place() {
    let floor = -Infinity;
    for (const n of notes) {
      if (!wide.matches) { n.note.style.top = ""; continue; }
      const origin = n.note.offsetParent ? n.note.offsetParent.getBoundingClientRect().top : 0;
      const top = Math.max(n.ref.getBoundingClientRect().top - origin, floor);
      n.note.style.top = top + "px";
      floor = top + n.note.offsetHeight + GAP;
    }
  }

  let pending = false;
  function later() {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; place(); });
  }

  notes.forEach(function (n) {
    n.ref.addEventListener("click", function (ev) {
      ev.preventDefault();
      if (wide.matches) {
        notes.forEach(function (m) { m.note.classList.toggle("is-current", m === n); });
      } else {
        open(n, !n.note.classList.contains("is-open"));
      }
    });
    n.ref.addEventListener("keydown", function (ev) {
      if (ev.key === " " && !wide.matches) { ev.preventDefault(); n.ref.click(); }
    });
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") return;
    for (const n of notes) {
      if (!n.note.classList.contains("is-open")) continue;
      const inside = n.note.contains(document.activeElement) || n.ref === document.activeElement;
      open(n, false);
      if (inside) n.ref.focus();
    }
  });
  wide.addEventListener("change", mode);
  window.addEventListener("load", later);
  if (document.fonts) document.fonts.ready.then(later);
  if (window.ResizeObserver) new ResizeObserver(later).observe(body);
  mode();
})();
