// The settings form's long lists (time zones, languages, citation styles): a box above
// each narrows its list as the writer types part of a name, in any order and case, with
// or without accents, "_" or "/". Enter or the down arrow moves to the narrowed list,
// whose first match is already chosen. Without this script each list is an ordinary
// select and the form works the same.
"use strict";

(function () {
  const LISTED_AT_ONCE = 8;

  function words(text) {
    return text
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "")
      .toLocaleLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, " ")
      .trim();
  }

  function searchable(select) {
    const all = Array.from(select.options);
    const keys = all.map((o) => " " + words(o.value + " " + o.text));

    const box = document.createElement("input");
    box.type = "search";
    box.id = select.id + "-find";
    box.autocomplete = "off";
    box.spellcheck = false;
    box.setAttribute("aria-controls", select.id);
    box.setAttribute("aria-describedby", select.id + "-found");
    const label = document.createElement("label");
    label.htmlFor = box.id;
    label.className = "find";
    label.textContent = select.dataset.filter;
    const found = document.createElement("p");
    found.id = select.id + "-found";
    found.className = "hint found";
    found.setAttribute("role", "status");
    const wrap = document.createElement("div");
    wrap.className = "choice-find";
    wrap.append(label, box, found);
    select.before(wrap);

    function show(options, chosen) {
      select.replaceChildren(...options);
      const keep = options.find((o) => o.value === chosen);
      if (keep) keep.selected = true;
      else if (options.length) options[0].selected = true;
    }

    function narrow() {
      const chosen = select.value;
      const wanted = words(box.value).split(" ").filter(Boolean);
      if (!wanted.length) {
        show(all, chosen);
        select.size = 0;
        found.textContent = "";
        return;
      }
      // A word matches the start of a word of the option: "par" finds Paris, not Sparta.
      const hits = all.filter((o, i) => wanted.every((w) => keys[i].includes(" " + w)));
      if (!hits.length) {
        show(all, chosen);
        select.size = 0;
        found.textContent = "Nothing matches \u201c" + box.value.trim() + "\u201d; the list is unchanged.";
        return;
      }
      show(hits, chosen);
      select.size = hits.length > 1 ? Math.min(hits.length, LISTED_AT_ONCE) : 0;
      found.textContent = hits.length === 1
        ? "1 match: " + hits[0].text
        : hits.length + " matches; the first is chosen, the down arrow goes through them.";
    }

    box.addEventListener("input", narrow);
    box.addEventListener("search", narrow);
    box.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === "ArrowDown") {
        event.preventDefault(); // Enter here picks; it does not send the form
        select.focus();
      }
    });
  }

  document.querySelectorAll("select[data-filter]").forEach(searchable);
})();
