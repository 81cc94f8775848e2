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
    if (source && list.contains(source)) {
      notes.push({ref: ref, source: source, id: "fn-note-" + (i + 1), note: null});
    }
  });
  if (!notes.length) return;

  // A note's copy beside its mark, made when first needed (on a phone: when opened).
  function build(n) {
    if (n.note) return n.note;
    const note = n.note = document.createElement("span");
    note.className = "fn-note";
    note.id = n.id;
    note.setAttribute("role", "note");
    n.source.childNodes.forEach(function (child) { note.appendChild(child.cloneNode(true)); });
    note.querySelectorAll(".footnote-back").forEach(function (el) { el.remove(); });
    note.querySelectorAll("[id]").forEach(function (el) { el.removeAttribute("id"); });
    const number = document.createElement("span");
    number.className = "fn-note-number";
    number.textContent = n.ref.textContent.trim();
    const first = note.firstElementChild;
    (first && first.tagName === "P" ? first : note).prepend(number);
    n.ref.after(note);
    n.ref.setAttribute("aria-controls", note.id);
    return note;
  }

  function isOpen(n) {
    return !!n.note && n.note.classList.contains("is-open");
  }

  function open(n, yes) {
    if (yes || n.note) build(n).classList.toggle("is-open", yes);
    n.ref.setAttribute("aria-expanded", String(yes));
  }

  // The mark is a link on wide screens (its note is in view beside it) and a button
  // that shows or hides its note on narrow ones.
  function mode() {
    for (const n of notes) {
      if (wide.matches) {
        n.ref.removeAttribute("role");
        n.ref.removeAttribute("aria-expanded");
        build(n).classList.remove("is-open");
      } else {
        n.ref.setAttribute("role", "button");
        open(n, isOpen(n));
      }
    }
    if (wide.matches) { follow(); later(); }
  }

  // Sidenotes follow the text as it reflows (fonts arriving, pictures, a resized
  // window); a narrow screen has none to place, and nothing is watched for it.
  let following = false;
  function follow() {
    if (following) return;
    following = true;
    window.addEventListener("load", later);
    if (document.fonts) document.fonts.ready.then(later);
    if (window.ResizeObserver) new ResizeObserver(later).observe(body);
  }

  // Each sidenote at the height of its mark, or just below the one before it. Every
  // position is read before any is written, so the page is laid out once.
  function place() {
    if (!wide.matches) return;  // the stylesheet lays notes out in the text
    const seen = notes.map(function (n) {
      const parent = n.note.offsetParent;
      return {mark: n.ref.getBoundingClientRect().top,
              origin: parent ? parent.getBoundingClientRect().top : 0,
              height: n.note.offsetHeight};
    });
    let floor = -Infinity;
    notes.forEach(function (n, i) {
      const top = Math.max(seen[i].mark - seen[i].origin, floor);
      n.note.style.top = top + "px";
      floor = top + seen[i].height + GAP;
    });
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
        open(n, !isOpen(n));
      }
    });
    n.ref.addEventListener("keydown", function (ev) {
      if (ev.key === " " && !wide.matches) { ev.preventDefault(); n.ref.click(); }
    });
  });
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "Escape") return;
    for (const n of notes) {
      if (!isOpen(n)) continue;
      const inside = n.note.contains(document.activeElement) || n.ref === document.activeElement;
      open(n, false);
      if (inside) n.ref.focus();
    }
  });
  wide.addEventListener("change", mode);
  mode();
})();
