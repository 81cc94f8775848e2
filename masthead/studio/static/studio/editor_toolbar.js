// The editor's toolbar and shortcuts: each button writes the Markdown for what it names
// (the text stays plain Markdown, readable without the toolbar), as one change that
// Ctrl+Z undoes; the word count and reading time; a monospace setting; focus mode.
"use strict";

(function () {
  const editor = window.mastheadEditor;
  const toolbar = document.getElementById("toolbar");
  if (!editor || !toolbar) return;
  const { body, edit } = editor;
  const WORDS_PER_MINUTE = 230; // a steady reader of essays
  const MONO_KEY = "masthead.editor.monospace";

  // Bold, italic: wrap the selection (spaces at its edges stay outside), or unwrap it.
  function wrap(mark) {
    let s = body.selectionStart, e = body.selectionEnd;
    const v = body.value;
    while (s < e && /\s/.test(v[s])) s++;
    while (e > s && /\s/.test(v[e - 1])) e--;
    const n = mark.length;
    const single = (i) => mark.length > 1 || v[i] !== "*"; // "*" inside "**" is bold's
    if (v.slice(s - n, s) === mark && v.slice(e, e + n) === mark && single(s - n - 1)) {
      edit(s - n, e + n, v.slice(s, e), s - n, e - n);
    } else if (e - s > 2 * n && v.slice(s, s + n) === mark && v.slice(e - n, e) === mark) {
      edit(s, e, v.slice(s + n, e - n), s, e - 2 * n);
    } else {
      edit(s, e, mark + v.slice(s, e) + mark, s + n, e + n);
    }
  }

  function link() {
    const s = body.selectionStart, e = body.selectionEnd;
    const selected = body.value.slice(s, e);
    if (/^https?:\/\/\S+$/.test(selected)) {
      // An address was selected: it becomes the link; the cursor waits for the words.
      edit(s, e, "[](" + selected + ")", s + 1);
    } else {
      // The words were selected: "https://" is selected for the address to replace it.
      const text = "[" + selected + "](https://)";
      const at = s + selected.length + 3;
      edit(s, e, text, at, at + "https://".length);
    }
  }

  // The whole lines the selection touches.
  function lines() {
    const v = body.value;
    const start = v.lastIndexOf("\n", body.selectionStart - 1) + 1;
    let end = v.indexOf("\n", Math.max(body.selectionEnd - (body.selectionEnd > body.selectionStart && v[body.selectionEnd - 1] === "\n" ? 1 : 0), start));
    if (end < 0) end = v.length;
    return { start, end, lines: v.slice(start, end).split("\n") };
  }

  function replaceLines(block, out, select) {
    const text = out.join("\n");
    if (select) edit(block.start, block.end, text, block.start + select[0], block.start + select[1]);
    else edit(block.start, block.end, text, block.start, block.start + text.length);
  }

  // Heading: "## " on the line; again "### "; a third time, a plain paragraph again.
  function heading() {
    const block = lines();
    const level = (block.lines[0].match(/^(#{1,6}) /) || ["", ""])[1].length;
    const prefix = level === 0 || level === 1 ? "## " : level === 2 ? "### " : "";
    const out = block.lines.map((l) => (l.trim() ? prefix + l.replace(/^#{1,6} /, "") : l));
    if (block.lines.length === 1) {
      const at = out[0].length;
      replaceLines(block, out, [at, at]);
    } else {
      replaceLines(block, out);
    }
  }

  function prefixed(prefix, re, placeholder, after) {
    const block = lines();
    const all = block.lines.every((l) => re.test(l) || !l.trim());
    if (all && block.lines.some((l) => l.trim())) {
      replaceLines(block, block.lines.map((l) => l.replace(re, "")));
      return;
    }
    if (block.lines.length === 1 && !block.lines[0].trim()) {
      const text = prefix + placeholder + (after || "");
      edit(block.start, block.end, text, block.start + prefix.length,
           block.start + prefix.length + placeholder.length);
      return;
    }
    const out = block.lines.map((l) => (l.trim() ? prefix + l : l));
    if (after) {
      // The attribution line, its placeholder selected for the name.
      const text = out.join("\n") + after;
      const at = text.length - "Name".length;
      edit(block.start, block.end, text, block.start + at, block.start + text.length);
    } else {
      replaceLines(block, out);
    }
  }

  // A quotation with a line for who said it ("> — Name": see render/markdown.py).
  function quote() {
    prefixed("> ", /^> ?/, "Quoted words", "\n>\n> — Name");
  }

  function list() {
    prefixed("- ", /^[-*+] /, "");
  }

  // A footnote: [^n] here (n the next number free), its note at the end of the text, and
  // the cursor in the note. Both in one change, so one undo takes both back.
  function footnote() {
    const v = body.value;
    let n = 0;
    for (const m of v.matchAll(/\[\^(\d+)\]/g)) n = Math.max(n, Number(m[1]));
    n += 1;
    const s = body.selectionStart, e = body.selectionEnd;
    const rest = v.slice(e).replace(/\s+$/, "");
    const mark = "[^" + n + "]";
    const text = mark + rest + "\n\n" + mark + ": ";
    edit(s, v.length, text, s + text.length);
    body.scrollTop = body.scrollHeight;
  }

  function cite(button) {
    const tool = document.getElementById("cite-tool");
    if (!tool) return;
    tool.hidden = !tool.hidden;
    button.setAttribute("aria-expanded", String(!tool.hidden));
    if (!tool.hidden) document.getElementById("cite-key").focus();
  }

  function setMonospace(on) {
    body.classList.toggle("mono", on);
    toolbar.querySelector("[data-do=monospace]").setAttribute("aria-pressed", String(on));
    try {
      if (on) localStorage.setItem(MONO_KEY, "1");
      else localStorage.removeItem(MONO_KEY);
    } catch (e) {
      /* storage refused (private window): the setting lasts for this page */
    }
  }

  function setFocus(on) {
    document.body.classList.toggle("focus-writing", on);
    toolbar.querySelector("[data-do=focus]").setAttribute("aria-pressed", String(on));
    if (on) editor.say("Focus mode: press Escape to leave it.");
    body.focus();
  }

  const actions = {
    bold: () => wrap("**"),
    italic: () => wrap("*"),
    link,
    heading,
    quote,
    list,
    footnote,
    cite,
    image: () => document.getElementById("image-file").click(),
    monospace: () => setMonospace(!body.classList.contains("mono")),
    focus: () => setFocus(!document.body.classList.contains("focus-writing")),
  };

  const buttons = [...toolbar.querySelectorAll("button")];
  toolbar.hidden = false;
  toolbar.addEventListener("click", (event) => {
    const button = event.target.closest("button[data-do]");
    if (button) actions[button.dataset.do](button);
  });
  // One stop for Tab; the arrow keys move along the toolbar.
  buttons.forEach((b, i) => { b.tabIndex = i === 0 ? 0 : -1; });
  toolbar.addEventListener("keydown", (event) => {
    const i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    const next = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: buttons.length - 1 }[event.key];
    if (next === undefined) return;
    event.preventDefault();
    const to = buttons[(next + buttons.length) % buttons.length];
    buttons.forEach((b) => { b.tabIndex = b === to ? 0 : -1; });
    to.focus();
  });

  body.addEventListener("keydown", (event) => {
    if (!(event.ctrlKey || event.metaKey) || event.altKey || event.shiftKey) return;
    const action = { b: "bold", i: "italic", k: "link" }[event.key.toLowerCase()];
    if (!action) return;
    event.preventDefault();
    actions[action]();
  });
  document.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && document.body.classList.contains("focus-writing") &&
        !document.querySelector("dialog[open]")) {
      setFocus(false);
      editor.say("");
    }
  });

  // Words and reading time, as the writer types. Markup, addresses and citation keys
  // are not words; in Chinese and Japanese each character counts as one.
  const count = document.getElementById("word-count");
  function words(text) {
    const prose = text
      .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
      .replace(/\[(?:-?@|\^)[^\]]*\]:?/g, " ")
      .replace(/<[^>]*>/g, " ");
    const cjk = (prose.match(/[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]/g) || []).length;
    const rest = prose.replace(/[\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff]/g, " ");
    return cjk + (rest.match(/[\p{L}\p{N}][\p{L}\p{N}\p{M}'’.-]*/gu) || []).length;
  }
  function recount() {
    const n = words(body.value);
    const minutes = Math.ceil(n / WORDS_PER_MINUTE);
    count.textContent = (n === 1 ? "1 word" : n.toLocaleString() + " words") + " · " +
      (n === 0 ? "nothing to read yet" : minutes <= 1 ? "about a minute to read"
        : "about " + minutes + " minutes to read");
  }
  count.hidden = false;
  recount();
  body.addEventListener("input", recount);

  let remembered = false;
  try {
    remembered = localStorage.getItem(MONO_KEY) === "1";
  } catch (e) {
    remembered = false;
  }
  if (remembered) setMonospace(true);
})();
