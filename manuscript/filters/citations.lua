--[[
citations.lua: citeproc (what `--citeproc` does), with its result kept between renders.

Runs where `--citeproc` would: after the filters that read the manuscript (crossref.lua has
taken the `@fig-` references out), before reference-status.lua. Between two renders of an edited
manuscript the citations rarely change, and formatting them is a tenth of a render. With a cache
folder (metadata `citation-cache`, set by the renderer), the formatted citations and the
reference list are kept there, named by a hash of everything citeproc reads: the citations in
order (keys, modes, prefixes, suffixes, note numbers, whether in a footnote), the document's
metadata (bibliography, style, language, link options, inline references), the text of the
bibliography and style files, and pandoc's version.

An entry is written only when putting it in place gives exactly what citeproc gave (checked when
it is made) and citeproc warned of nothing, so an unknown key fails every render, not only the
first. A damaged entry is never used: citeproc runs again. A document without a `#refs` div, or
with a style or bibliography this filter cannot read as a file, always runs citeproc.
]]

package.path = pandoc.path.directory(PANDOC_SCRIPT_FILE) .. '/?.lua;' .. package.path
local common = require('common')

-- Every Cite of the document, in order, each with whether it stands in a footnote; `visit`
-- may return a replacement. The same traversal serves collecting and replacing.
local function each_cite(doc, visit)
  local function in_text(cite) return visit(cite, false), false end
  local function in_note(cite) return visit(cite, true), false end
  return doc:walk{
    traverse = 'topdown',
    Note = function(note) return note:walk{ traverse = 'topdown', Cite = in_note }, false end,
    Cite = in_text,
  }
end

-- The `#refs` div, searched through Divs alone (as common.fill_divs does): a walk of the whole
-- document would cost more than reading the cache. Elsewhere it is not found: no cache then.
local function refs_div(blocks)
  for _, block in ipairs(blocks) do
    if block.t == 'Div' then
      if block.identifier == 'refs' then return block end
      local found = refs_div(block.content)
      if found then return found end
    end
  end
end

-- The files citeproc reads, as text (nil when one is not a readable local file).
local function source_files(meta)
  local texts = {}
  for _, field in ipairs{ 'bibliography', 'csl', 'citation-abbreviations' } do
    for _, item in ipairs(common.list(meta[field])) do
      local path = pandoc.utils.stringify(item)
      local text = common.read_file(path)
      if not text then return nil end
      texts[#texts + 1] = field .. '\0' .. path .. '\0' .. text
    end
  end
  return texts
end

local function cache_key(doc)
  local files = source_files(doc.meta)
  if not files or not refs_div(doc.blocks) then return nil end
  local cites = pandoc.Inlines{}
  each_cite(doc, function(cite, noted)
    cites:insert(noted and pandoc.Note{ pandoc.Plain{ cite } } or cite)
  end)
  local parts = { tostring(PANDOC_VERSION), pandoc.write(pandoc.Pandoc({}, doc.meta), 'json'),
    pandoc.write(pandoc.Pandoc{ pandoc.Plain(cites) }, 'json'), table.unpack(files) }
  return pandoc.utils.sha1(table.concat(parts, '\0'))
end

-- The document as citeproc leaves it, from the kept part: each Cite's formatted text, and the
-- reference list in place of the `#refs` div. Nil when the part does not fit the document.
local function put_in_place(doc, kept)
  local texts, list = kept.blocks[1], kept.blocks[2]
  if not (texts and list and texts.t == 'Div' and list.t == 'Div') then return nil end
  local index, fits = 0, true
  doc = each_cite(doc, function(cite)
    index = index + 1
    local text = texts.content[index]
    if not text then fits = false; return nil end
    cite.content = text.content
    return cite
  end)
  if not fits or index ~= #texts.content then return nil end
  doc.blocks = common.fill_divs(doc.blocks, function(div)
    if div.identifier == 'refs' then return list end
  end)
  return doc
end

-- The part to keep from citeproc's result: the formatted Cites and the reference list.
local function kept_part(processed)
  local texts = pandoc.Blocks{}
  each_cite(processed, function(cite) texts:insert(pandoc.Plain(cite.content)) end)
  return pandoc.Pandoc{ pandoc.Div(texts), refs_div(processed.blocks) }
end

-- Whether pandoc logged a warning after its first `logged` messages (loading a file is news).
local function warned_since(logged)
  for index = logged + 1, #PANDOC_STATE.log do
    local entry = pandoc.json.decode(pandoc.json.encode(PANDOC_STATE.log[index]), false)
    if entry.verbosity ~= 'INFO' then return true end
  end
  return false
end

function Pandoc(doc)
  local folder = doc.meta['citation-cache'] and pandoc.utils.stringify(doc.meta['citation-cache'])
  doc.meta['citation-cache'] = nil
  local key = folder and cache_key(doc)
  if not key then return pandoc.utils.citeproc(doc) end
  local path = pandoc.path.join{ folder, key .. '.json' }
  local kept = common.load_json(path)
  local placed = kept and put_in_place(doc, kept)
  if placed then return placed end
  local logged = #PANDOC_STATE.log
  local processed = pandoc.utils.citeproc(doc)
  if not warned_since(logged) then
    kept = kept_part(processed)
    local again = put_in_place(doc, kept)
    if again and pandoc.write(again, 'json') == pandoc.write(processed, 'json') then
      common.store_json(folder, path, kept)
    end
  end
  return processed
end
