-- Formats Masthead's citation clusters with Pandoc's own citeproc.
--
-- Input: a Markdown document whose metadata names the bibliography (CSL-JSON) and
-- `nocite: "@*"` (so every reference is loaded once). Each top-level Div is a batch:
-- posts that Masthead grouped because they cite disjoint sources by disjoint authors,
-- so one citeproc run over the batch gives each post exactly what a run of its own
-- would (see masthead/content/citations.py). Each paragraph in a batch is a cluster.
--
-- Output: one JSON line per batch on stdout:
--   {"batch": id, "clusters": [html-or-false...], "entries": [[refid, html]...],
--    "refs_class": "...", "notes": [bool...]}
-- Pandoc itself writes to /dev/null.

local csl = nil
local link_citations = true

local function html(blocks)
  return pandoc.write(pandoc.Pandoc(blocks), "html", { wrap_text = "wrap-none" })
end

local function inline_html(inlines)
  local out = html({ pandoc.Plain(inlines) })
  return (out:gsub("\n$", ""))
end

function Pandoc(doc)
  if doc.meta["masthead-csl"] then
    csl = pandoc.utils.stringify(doc.meta["masthead-csl"])
  end
  local lang = doc.meta["lang"] and pandoc.utils.stringify(doc.meta["lang"]) or nil
  local refs = {}
  for _, r in ipairs(pandoc.utils.references(doc)) do
    refs[r.id] = r
  end

  for _, batch in ipairs(doc.blocks) do
    if batch.t == "Div" then
      local cited, seen = {}, {}
      batch:walk({
        Cite = function(c)
          for _, ci in ipairs(c.citations) do
            if refs[ci.id] and not seen[ci.id] then
              seen[ci.id] = true
              table.insert(cited, refs[ci.id])
            end
          end
        end,
      })
      local meta = { references = cited, ["link-citations"] = link_citations }
      if csl then meta.csl = csl end
      if lang then meta.lang = lang end
      local paras = {}
      for _, b in ipairs(batch.content) do
        table.insert(paras, b)
      end
      local result = pandoc.utils.citeproc(pandoc.Pandoc(paras, pandoc.Meta(meta)))

      local clusters, notes, entries = {}, {}, {}
      local refs_class = "references csl-bib-body"
      for i, b in ipairs(result.blocks) do
        if b.t == "Div" and b.identifier == "refs" then
          refs_class = table.concat(b.classes, " ")
          for _, entry in ipairs(b.content) do
            if entry.t == "Div" then
              local id = entry.identifier:gsub("^ref%-", "")
              local blocks = {}
              for _, eb in ipairs(entry.content) do
                if eb.t == "Para" then eb = pandoc.Plain(eb.content) end
                table.insert(blocks, eb)
              end
              table.insert(entries, { id, html(blocks) })
            end
          end
        elseif i <= #paras then
          local cite, note = nil, false
          if b.t == "Para" or b.t == "Plain" then
            b:walk({
              Cite = function(c)
                if not cite then cite = c end
              end,
            })
            -- In a note style, a cluster in the text becomes a footnote.
            if not cite then
              b:walk({
                Note = function(n)
                  note = true
                  cite = n
                end,
              })
            end
          end
          if cite == nil then
            table.insert(clusters, false)
          elseif note then
            local inner = {}
            for _, nb in ipairs(cite.content) do
              for _, il in ipairs(nb.content or {}) do table.insert(inner, il) end
            end
            table.insert(clusters, inline_html(inner))
          else
            table.insert(clusters, inline_html({ cite }))
          end
          table.insert(notes, note)
        end
      end
      io.stdout:write(pandoc.json.encode({
        batch = batch.identifier,
        clusters = clusters,
        notes = notes,
        entries = entries,
        refs_class = refs_class,
      }) .. "\n")
    end
  end
  return pandoc.Pandoc({})
end
