--[[
reference-status.lua: the reference list says which entries are not fully verified.

Runs AFTER citeproc (it reads the entries citeproc wrote into the `refs` div). Each entry of the
bibliography carries an `x-status` field (see references.bib): "verified", "likely" or
"identification uncertain". citeproc drops fields it does not know, so the status is read from
the bibliography files named in the metadata. Every entry whose status is not "verified" gets a
bracketed mark at its end, as text, so that HTML, PDF, DOCX and JATS all show it; the note
above the list in the manuscript explains the marks. An entry with no status stops the render:
a reader must never take an unchecked entry for a checked one.
]]

package.path = pandoc.path.directory(PANDOC_SCRIPT_FILE) .. '/?.lua;' .. package.path
local common = require('common')

local MARKS = {
  ['likely'] = 'unverified',
  ['identification uncertain'] = 'not identified',
}

local function fail(message)
  local named = (PANDOC_WRITER_OPTIONS.variables or {})['source-path']
  io.stderr:write(named and tostring(named) or PANDOC_STATE.input_files[1] or 'manuscript', ': ',
    message, '\n')
  os.exit(1)
end

-- `x-status = {value}` of every `@type{key,` entry; BibTeX keys are case-insensitive.
local function read_statuses(path, statuses)
  local file = io.open(path, 'r')
  if not file then fail('reference-status: cannot read the bibliography ' .. path) end
  local text = '\n' .. file:read('a')
  file:close()
  for key, body in text:gmatch('\n%s*@%a+%s*{%s*([^,%s]+)%s*,(.-)\n}') do
    local status = body:match('\n%s*x%-status%s*=%s*{([^}]*)}')
    statuses[key:lower()] = status
  end
end

local function bibliography_paths(meta)
  local value = meta.bibliography
  if value == nil then return {} end
  if pandoc.utils.type(value) ~= 'List' then value = { value } end
  local paths = {}
  for _, item in ipairs(value) do paths[#paths + 1] = pandoc.utils.stringify(item) end
  return paths
end

local function mark_entry(div, statuses)
  local key = div.identifier:match('^ref%-(.+)$')
  if not key then return nil end
  local status = statuses[key:lower()]
  if status == nil then fail('reference-status: no x-status for entry "' .. key .. '"') end
  local mark = MARKS[status]
  if status ~= 'verified' and mark == nil then
    fail('reference-status: unknown x-status "' .. status .. '" for entry "' .. key .. '"')
  end
  if mark == nil then return nil end
  local last = div.content[#div.content]
  if last == nil or (last.t ~= 'Para' and last.t ~= 'Plain') then return nil end
  local text = {
    common.shown_in({ 'html', 'docx', 'jats', 'other' }, { pandoc.Str('[' .. mark .. ']') }, true),
    -- in typst a box: the mark is never hyphenated or split across lines
    common.shown_in({ 'typst' }, { pandoc.RawInline('typst', '#box[\\[' .. mark .. '\\]]') }, true),
  }
  last.content:extend({ pandoc.Space(), pandoc.Span(text, { class = 'reference-status' }) })
  return div
end

function Pandoc(doc)
  local statuses = {}
  for _, path in ipairs(bibliography_paths(doc.meta)) do read_statuses(path, statuses) end
  -- citeproc puts the list in a Div `refs`, at the top level or inside other Divs (a section,
  -- an appendix): only Divs are searched, not the whole document (a walk of it cost 0.4 s)
  local function search(blocks)
    for index, block in ipairs(blocks) do
      if block.t == 'Div' then
        if block.identifier == 'refs' then
          blocks[index] = block:walk({ Div = function(entry) return mark_entry(entry, statuses) end })
          return true
        elseif search(block.content) then
          return true
        end
      end
    end
    return false
  end
  local blocks = doc.blocks
  if search(blocks) then
    doc.blocks = blocks
    return doc
  end
  -- anywhere else (a block quote, a list): the whole document is walked
  return doc:walk({
    Div = function(div)
      if div.identifier == 'refs' then
        return div:walk({ Div = function(entry) return mark_entry(entry, statuses) end })
      end
    end,
  })
end
