-- Formats Masthead's citation clusters with Pandoc's own citeproc.
--
-- Input: a Markdown document whose metadata may name a CSL style and a language. Each
-- top-level Div is a batch of posts that may share one citeproc run (see
-- masthead/render/citeproc.py), with a `bib` attribute naming its CSL-JSON file; each
-- paragraph in a batch is one citation cluster.
--
-- Output, on stdout, for each batch: a line "@@batch ID", then one HTML document in
-- which cluster N is `<div id="cN" data-note="0|1">...</div>` (false clusters, where
-- Pandoc found no citation, are empty) followed by the bibliography div `refs`.
-- Writing each batch once, rather than each cluster, is what keeps this fast.

local function cluster_div(n, block)
  local cite, note = nil, false
  if block.t == "Para" or block.t == "Plain" then
    block:walk({
      Cite = function(c)
        if not cite then cite = c end
      end,
    })
  end
  local content = {}
  if cite then
    -- In a note style, citeproc puts the citation's text inside a Note.
    local inner = nil
    cite:walk({
      Note = function(nt)
        if not inner then inner = nt end
      end,
    })
    if inner then
      note = true
      for _, nb in ipairs(inner.content) do
        if nb.content then
          for _, il in ipairs(nb.content) do table.insert(content, il) end
        end
      end
      content = { pandoc.Plain(content) }
    else
      content = { pandoc.Plain({ cite }) }
    end
  end
  return pandoc.Div(content, pandoc.Attr("c" .. n, {}, { ["data-note"] = note and "1" or "0" }))
end

function Pandoc(doc)
  local csl = doc.meta["masthead-csl"] and pandoc.utils.stringify(doc.meta["masthead-csl"]) or nil
  local lang = doc.meta["lang"] and pandoc.utils.stringify(doc.meta["lang"]) or nil

  for _, batch in ipairs(doc.blocks) do
    if batch.t == "Div" then
      -- Each batch names its own bibliography file, holding just the sources it
      -- cites, in the order it first cites them: citeproc reads only those (handing
      -- Lua tables of references to citeproc cost more than reading the file).
      local meta = { bibliography = batch.attributes["bib"], ["link-citations"] = true }
      if csl then meta.csl = csl end
      if lang then meta.lang = lang end
      local paras = {}
      for _, b in ipairs(batch.content) do table.insert(paras, b) end
      local result = pandoc.utils.citeproc(pandoc.Pandoc(paras, pandoc.Meta(meta)))

      local out = {}
      for i, b in ipairs(result.blocks) do
        if b.t == "Div" and b.identifier == "refs" then
          -- Entries as Plain, as Pandoc's own HTML writer shows them.
          b = b:walk({
            Div = function(d)
              if d.classes:includes("csl-entry") then
                local blocks = {}
                for _, eb in ipairs(d.content) do
                  if eb.t == "Para" then eb = pandoc.Plain(eb.content) end
                  table.insert(blocks, eb)
                end
                d.content = blocks
                return d
              end
            end,
          })
          table.insert(out, b)
        elseif i <= #paras then
          table.insert(out, cluster_div(i - 1, b))
        end
      end
      io.stdout:write("@@batch " .. batch.identifier .. "\n")
      io.stdout:write(pandoc.write(pandoc.Pandoc(out), "html", { wrap_text = "wrap-none" }))
      io.stdout:write("\n")
    end
  end
  return pandoc.Pandoc({})
end
