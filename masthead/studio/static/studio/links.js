// The settings' lists of links (support links): rows of label and address, with a
// button to add a row and one to remove each. Without this script the form shows an
// empty row more, and emptying a row's two fields removes that link.
"use strict";

(function () {
  function renumber(list) {
    const name = list.dataset.links;
    list.querySelectorAll(".link-row").forEach((row, i) => {
      const n = i + 1;
      const [labelBox, urlBox] = row.querySelectorAll("input");
      const [labelFor, urlFor] = row.querySelectorAll("label");
      labelBox.id = n === 1 ? "s-" + name : "s-" + name + "-label-" + n;
      urlBox.id = "s-" + name + "-url-" + n;
      labelFor.htmlFor = labelBox.id;
      urlFor.htmlFor = urlBox.id;
      labelFor.textContent = "Label of link " + n;
      urlFor.textContent = "Address of link " + n;
      row.querySelector("button.remove-link").textContent = "Remove link " + n;
    });
  }

  function removable(list, row) {
    const remove = document.createElement("button");
    remove.type = "button";
    remove.className = "remove-link";
    remove.addEventListener("click", () => {
      const next = row.nextElementSibling || row.previousElementSibling;
      if (list.querySelectorAll(".link-row").length === 1) {
        row.querySelectorAll("input").forEach((box) => { box.value = ""; });
      } else {
        row.remove();
      }
      renumber(list);
      const focus = next && next.isConnected ? next : list.querySelector(".link-row");
      focus.querySelector("input").focus();
    });
    row.append(remove);
  }

  function links(list) {
    const rows = Array.from(list.querySelectorAll(".link-row"));
    // The empty row the server adds for writers without this script: the Add button
    // takes its place, unless it is the only row.
    const last = rows[rows.length - 1];
    if (rows.length > 1 && Array.from(last.querySelectorAll("input")).every((b) => !b.value)) {
      last.remove();
    }
    const blank = last.cloneNode(true);
    blank.querySelectorAll("input").forEach((box) => {
      box.value = "";
      box.removeAttribute("aria-invalid");
    });
    list.querySelectorAll(".link-row").forEach((row) => removable(list, row));
    const add = document.createElement("button");
    add.type = "button";
    add.className = "add-link";
    add.textContent = "Add a link";
    add.addEventListener("click", () => {
      const row = blank.cloneNode(true);
      list.append(row);
      removable(list, row);
      renumber(list);
      row.querySelector("input").focus();
    });
    list.after(add);
    const hint = add.nextElementSibling;
    if (hint && hint.classList.contains("hint")) hint.hidden = true;
    renumber(list);
  }

  document.querySelectorAll("ol.link-rows[data-links]").forEach(links);
})();
