// Masthead static search: loads the index shards a query needs, ranks with BM25.
// The index format is described in masthead/sitegen/search_index.py.
(function () {
  "use strict";
  const form = document.querySelector(".search-form");
  if (!form) return;
  const input = document.getElementById("search-input");
  const status = document.getElementById("search-status");
  const list = document.getElementById("search-results");
  const base = form.dataset.index;
  // The page's words in the site's language (search.html's data-words); English if absent.
  const words = Object.assign({
    lang: document.documentElement.lang || "en",
    searching: "Searching…",
    results: {one: "%(num)s result for “%(query)s”", other: "%(num)s results for “%(query)s”"},
    none: "No results for “%(query)s”",
    unavailable: "Search is unavailable: %(reason)s",
  }, form.dataset.words ? JSON.parse(form.dataset.words) : {});
  function say(text, values) {
    return text.replace(/%\((\w+)\)s/g, function (_, name) { return values[name]; });
  }
  function resultsFor(n, query) {
    let category = "other";
    try { category = new Intl.PluralRules(words.lang).select(n); } catch (e) { /* an unknown tag */ }
    const forms = words.results;
    let shown = String(n);
    try { shown = n.toLocaleString(words.lang); } catch (e) { /* an unknown tag */ }
    return say(forms[category] || forms.other, {num: shown, query: query});
  }
  const cache = new Map();
  let meta = null;

  function fetchJSON(url) {
    if (!cache.has(url)) {
      cache.set(url, fetch(url, url.endsWith("meta.json") ? {cache: "no-cache"} : {}).then(function (r) {
        if (r.status === 404) return null;
        if (!r.ok) throw new Error(url + ": " + r.status);
        return r.json();
      }));
    }
    return cache.get(url);
  }
  function fold(s) {
    return s.toLowerCase().normalize("NFKD").replace(/\p{M}/gu, "");
  }
  function terms(s) {
    return (fold(s).match(/[\p{L}\p{N}_]+/gu) || []).filter(function (t) { return t.length <= 40; });
  }
  function hex(prefix) {
    return Array.from(new TextEncoder().encode(prefix), function (b) {
      return b.toString(16).padStart(2, "0");
    }).join("");
  }
  async function postings(term, isPrefix) {
    // All segments' postings for a term (or, for the last word typed, its completions),
    // leaving out documents a later segment replaced.
    const out = new Map();
    if (term.length < 1) return out;
    const deleted = new Set(meta.deleted);
    const name = hex(Array.from(term).slice(0, meta.prefix).join(""));
    for (const seg of meta.segments) {
      const shard = await fetchJSON(base + seg.name + "/t/" + name + ".json");
      if (!shard) continue;
      for (const [t, list] of Object.entries(shard)) {
        if (t === term || (isPrefix && t.startsWith(term) && term.length >= 2)) {
          const factor = t === term ? 1 : 0.6;
          for (let i = 0; i < list.length; i += 2) {
            if (deleted.has(list[i])) continue;
            out.set(list[i], Math.max(out.get(list[i]) || 0, list[i + 1] * factor));
          }
        }
      }
    }
    return out;
  }
  async function search(query) {
    meta = meta || await fetchJSON(base + "meta.json");
    const words = terms(query);
    if (!words.length) return [];
    const n = meta.docs;
    const scores = new Map();
    const hits = new Map();
    for (let i = 0; i < words.length; i++) {
      const p = await postings(words[i], i === words.length - 1);
      const idf = Math.log(1 + (n - p.size + 0.5) / (p.size + 0.5));
      for (const [doc, w] of p) {
        scores.set(doc, (scores.get(doc) || 0) + idf * w / 100);
        hits.set(doc, (hits.get(doc) || 0) + 1);
      }
    }
    let ranked = Array.from(scores.entries());
    const all = ranked.filter(function (e) { return hits.get(e[0]) === words.length; });
    if (all.length) ranked = all;
    ranked.sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
    return ranked.slice(0, 20);
  }
  async function describe(doc) {
    for (const seg of meta.segments) {
      if (doc >= seg.first && doc < seg.first + seg.count) {
        const k = doc - seg.first;
        const docs = await fetchJSON(base + seg.name + "/d/" + Math.floor(k / meta.chunk) + ".json");
        return docs ? docs[k % meta.chunk] : null;
      }
    }
    return null;
  }
  function root() {
    return base.replace(/search\/$/, "");
  }
  async function run(query) {
    list.textContent = "";
    if (!query.trim()) { status.textContent = ""; return; }
    status.textContent = words.searching;
    try {
      const ranked = await search(query);
      const docs = await Promise.all(ranked.map(function (e) { return describe(e[0]); }));
      list.textContent = "";
      for (const d of docs) {
        if (!d) continue;
        const li = document.createElement("li");
        const h = document.createElement("h2");
        h.className = "card-title";
        const a = document.createElement("a");
        a.href = root() + d[0].replace(/^\//, "");
        a.textContent = d[1];
        h.appendChild(a);
        li.appendChild(h);
        if (d[2]) {
          const m = document.createElement("p");
          m.className = "meta";
          m.textContent = d[2];
          li.appendChild(m);
        }
        const p = document.createElement("p");
        p.className = "excerpt";
        p.textContent = d[3];
        li.appendChild(p);
        list.appendChild(li);
      }
      status.textContent = docs.length ? resultsFor(docs.length, query) : say(words.none, {query: query});
    } catch (err) {
      status.textContent = say(words.unavailable, {reason: err.message});
    }
  }
  let timer = null;
  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(function () { run(input.value); }, 150);
  });
  form.addEventListener("submit", function (ev) {
    ev.preventDefault();
    const url = new URL(window.location.href);
    url.searchParams.set("q", input.value);
    history.replaceState(null, "", url);
    run(input.value);
  });
  const q = new URLSearchParams(window.location.search).get("q");
  if (q) { input.value = q; run(q); }
})();
