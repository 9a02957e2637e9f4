--[[
provenance.lua: every figure and table caption ends with where the artifact came from.

Reads the JSON file named by the metadata field `provenance-file` (written by the workflow's
`provenance` step): for each label, the module and function that compute the artifact, the
coding sheets it comes from and the first characters of its SHA-256. Appends "Made by MODULE
(FUNCTION) from SHEETS; SHA-256 HASH." to the caption (a step that names no function: "Made by
PROGRAM from INPUTS"): the module or program links to its file in the repository when the
entry has a `url` (see tooling/links.py), and is plain text otherwise: a link relative to the
paper breaks once the paper is published on its own. A figure that is a static image in the manuscript's folder (no
step makes it) says "Static file PATH; SHA-256 HASH." (the renderer hashes those files into
`static-files`). A fig-/tbl- label with neither stops the render with its line: every artifact
is accounted for.
Runs after crossref.lua, which sets the table ids.

Every value the prose prints (a Span of class `value` from shortcodes.lua, holding its key)
becomes a link to its entry in the appendix, a `::: {#value-provenance}` div that this filter
fills with one entry per value the text uses: the value, the workflow rule and script, the
function that computed it, and the coded rows behind it with the article locator each cites
(the `values` map of the same file). In HTML the link also carries a short note, shown on hover
and focus by the style sheet and hidden from screen readers (they read the number, then may
follow the link). JATS keeps the plain number. Without a `values` map the text stays plain.
]]

package.path = pandoc.path.directory(PANDOC_SCRIPT_FILE) .. '/?.lua;' .. package.path
local common = require('common')

local provenance = {}

local function fail(message)
  io.stderr:write(common.input, ': ', message, '\n')
  os.exit(1)
end

-- "Static file PATH; SHA-256 HASH." for a figure whose image is a file of the manuscript.
local function static_note(float)
  local src
  float:walk{ Image = function(image) src = src or image.src end }
  if not src then return nil end
  local path = pandoc.path.normalize(pandoc.path.join{ pandoc.path.directory(common.input), src })
  local hash = (provenance['static-files'] or {})[path]
  if not hash then return nil end
  return pandoc.Span({ pandoc.Space(), pandoc.Str('Static'), pandoc.Space(), pandoc.Str('file'),
    pandoc.Space(), pandoc.Code(path), pandoc.Str(';'), pandoc.Space(), pandoc.Str('SHA-256'),
    pandoc.Space(), pandoc.Code(hash:sub(1, 12)), pandoc.Str('.') }, { class = 'provenance' })
end

-- "a; b" as Code elements separated by commas.
local function code_list(text)
  local list = pandoc.List()
  for path in tostring(text):gmatch('[^;]+') do
    if #list > 0 then list:insert(pandoc.Str(', ')) end
    list:insert(pandoc.Code((path:gsub('^%s+', ''))))
  end
  return list
end

-- "Made by MODULE (FUNCTION) from SHEETS; SHA-256 HASH." where the workflow names the module
-- that computes the artifact and the coding sheets it comes from, else "Made by PROGRAM from
-- INPUTS; SHA-256 HASH."
local function note(entry)
  local shown = entry.module or entry.program
  local program = entry.url and pandoc.Link(pandoc.Code(shown), entry.url) or pandoc.Code(shown)
  local text = pandoc.List({ pandoc.Space(), pandoc.Str('Made'), pandoc.Space(), pandoc.Str('by'),
    pandoc.Space(), program })
  if entry.module then
    text:extend({ pandoc.Space(), pandoc.Str('('),
      pandoc.Code(entry['function']:match('([^.]+%.[^.]+)$')), pandoc.Str(')') })
  end
  text:extend({ pandoc.Space(), pandoc.Str('from'), pandoc.Space() })
  text:extend(code_list(entry.module and entry.sheets or entry.inputs))
  text:extend({ pandoc.Str(';'), pandoc.Space(), pandoc.Str('SHA-256'), pandoc.Space(),
    pandoc.Code(entry.sha256), pandoc.Str('.') })
  return pandoc.Span(text, { class = 'provenance' })
end

local function append_to_caption(caption, id, float)
  local entry = provenance[id]
  local text = entry and note(entry) or static_note(float)
  if not text then
    common.fail_at(common.input, '#' .. common.escape_pattern(id) .. '%f[^%w_%-]',
      "no provenance for '" .. id .. "': no workflow step makes it and it is no image file "
      .. 'of the manuscript')
  end
  local blocks = caption.long
  if #blocks == 0 then
    blocks:insert(pandoc.Plain({}))
  end
  local last = blocks[#blocks]
  if last.content then
    last.content:insert(text)
  else
    blocks:insert(pandoc.Plain({ text }))
  end
  return caption
end

local function labelled(id)
  return id and (id:match('^fig%-') or id:match('^tbl%-'))
end

function Meta(meta)
  local file = meta['provenance-file']
  if not file then
    fail('metadata field provenance-file is not set')
  end
  local path = pandoc.utils.stringify(file)
  local handle = io.open(path, 'r')
  if not handle then
    fail("provenance file '" .. path .. "' not found")
  end
  provenance = pandoc.json.decode(handle:read('a'), false)
  handle:close()
  meta['provenance-file'] = nil -- a scratch path: never into an output (Word keeps metadata)
  return meta
end

function Figure(figure)
  if labelled(figure.identifier) then
    figure.caption = append_to_caption(figure.caption, figure.identifier, figure)
    return figure
  end
end

function Table(tbl)
  if labelled(tbl.identifier) then
    tbl.caption = append_to_caption(tbl.caption, tbl.identifier, tbl)
    return tbl
  end
end

-- Values --------------------------------------------------------------------------------------

local function value_key(span)
  return span.classes:includes('value') and span.attributes['value-key'] or nil
end

local function anchor(key) return 'value-' .. key end

local function row_words(source)
  local count = #source.rows
  return count == 1 and ('row ' .. source.rows[1].id) or (count .. ' rows')
end

-- "count.cases = 27 · compendium.values.counts · data/raw/cases.csv: 27 rows": the hover note.
local function summary(key, entry)
  local parts = { key .. ' = ' .. entry.value, entry['function'] }
  for _, source in ipairs(entry.sources) do
    local note = source.table .. ': ' .. row_words(source)
    if #source.rows == 1 and source.rows[1].locator ~= '' then
      note = note .. ' (' .. source.rows[1].locator .. ')'
    end
    parts[#parts + 1] = note
  end
  return table.concat(parts, ' · ')
end

local function words(text) return pandoc.Inlines(text) end

-- The locators of some rows, each once: the places of one section (or of the footnotes) are
-- gathered under its name, "Conclusions ¶1, ¶3", as repeating a long heading for every paragraph
-- made the appendix hard to read. Sections in the order the rows first cite them, places in
-- numeric order.
local function cited(rows)
  local seen, heads, places = {}, {}, {}
  for _, row in ipairs(rows) do
    for part in (row.locator .. ';'):gmatch('%s*([^;]-)%s*;') do
      if part ~= '' and not seen[part] then
        seen[part] = true
        -- (two patterns: `?` after the two-byte ¶ would make only its last byte optional)
        local head, place = part:match('^(.-)%s+(¶%d+)$')
        if not head then head, place = part:match('^(.-)%s+(%d+)$') end
        if not head then head, place = part, nil end
        if not places[head] then places[head] = {}; heads[#heads + 1] = head end
        if place then table.insert(places[head], place) end
      end
    end
  end
  local list = {}
  for _, head in ipairs(heads) do
    local marks = places[head]
    table.sort(marks, function(a, b) return tonumber(a:match('%d+')) < tonumber(b:match('%d+')) end)
    list[#list + 1] = #marks > 0 and (head .. ' ' .. table.concat(marks, ', ')) or head
  end
  return table.concat(list, '; ')
end

-- One appendix entry: "`key`: VALUE. Computed by the rule `r` (`script`) with the function `f`
-- (`module`) from `data/raw/t.csv` rows `a`, `b`, which cite LOCATOR; LOCATOR."
local function entry_blocks(key, entry)
  local text = pandoc.Inlines{ pandoc.Code(key), pandoc.Str(':'), pandoc.Space() }
  text:extend(words(entry.value))
  text:extend(words('. Computed by the rule '))
  text:extend{ pandoc.Code(entry.rule), pandoc.Space(), pandoc.Str('('), pandoc.Code(entry.script),
    pandoc.Str(')') }
  text:extend(words(' with the function '))
  text:extend{ pandoc.Code(entry['function']), pandoc.Space(), pandoc.Str('('),
    pandoc.Code(entry.module), pandoc.Str(')') }
  for index, source in ipairs(entry.sources) do
    local one = #source.rows == 1
    text:extend(words(index == 1 and ' from ' or '; and from '))
    text:insert(pandoc.Code(source.table))
    text:extend(words(one and ' row ' or ' rows '))
    for number, row in ipairs(source.rows) do
      if number > 1 then text:extend(words(', ')) end
      text:insert(pandoc.Code(row.id))
    end
    local locators = cited(source.rows)
    if locators ~= '' then text:extend(words((one and ', which cites ' or ', which cite ') .. locators)) end
  end
  text:insert(pandoc.Str('.'))
  return pandoc.Div({ pandoc.Para(text) }, pandoc.Attr(anchor(key), { 'value-entry' }))
end

local function link_value(span, entries, used)
  local key = value_key(span)
  if not key then return nil end
  if not entries then return span.content end
  local entry = entries[key]
  if not entry then fail("no provenance for the value '" .. key .. "'") end
  used[key] = true
  -- attributes as a list of pairs: a Lua table's order changes from run to run
  local link = pandoc.Link(span.content:clone(), '#' .. anchor(key), '',
    pandoc.Attr('', { 'value' }, { { 'value-key', key } }))
  -- in HTML, the note shown on hover and focus
  link.content:insert(common.shown_in({ 'html' }, { pandoc.Span({}, pandoc.Attr('',
    { 'value-note' }, { { 'aria-hidden', 'true' }, { 'note', summary(key, entry) } })) }, true))
  -- JATS keeps the value as plain text; every other format links it (per-format.lua chooses)
  return pandoc.Inlines{
    common.shown_in({ 'jats' }, span.content, true),
    common.shown_in({ 'html', 'typst', 'docx', 'other' }, { link }, true),
  }
end

-- A value inside a link, an image's description or a heading (whose text the contents repeat
-- as a link) stays plain, as a link cannot hold another; it still gets its appendix entry.
local function plain_values(element, entries, used)
  local field = element.t == 'Image' and 'caption' or 'content'
  element[field] = element[field]:walk{
    Span = function(span)
      local key = value_key(span)
      if not key then return nil end
      if entries and entries[key] then used[key] = true end
      return span.content
    end,
  }
  return element, false
end

function Values(doc)
  local entries, used = provenance.values, {}
  local function plain(element) return plain_values(element, entries, used) end
  doc.blocks = doc.blocks:walk{
    traverse = 'topdown',
    Link = plain, Image = plain, Header = plain,
    Span = function(span)
      local linked = link_value(span, entries, used)
      if linked then return linked, false end
    end,
  }
  if not entries then return doc end
  local keys = {}
  for key in pairs(used) do keys[#keys + 1] = key end
  table.sort(keys)
  local placed = false
  local function fill(div)
    if div.identifier ~= 'value-provenance' then return nil end
    placed = true
    local blocks = pandoc.Blocks{}
    for _, key in ipairs(keys) do blocks:insert(entry_blocks(key, entries[key])) end
    div.content = blocks
    return div
  end
  -- the appendix Div stands at the top level or inside other Divs: those are searched first, as
  -- a walk of the whole document costs more than the rest of this pass
  doc.blocks = common.fill_divs(doc.blocks, fill)
  if not placed then doc.blocks = doc.blocks:walk{ Div = fill } end
  if #keys > 0 and not placed then
    fail('the text prints values but has no ::: {#value-provenance} div for their appendix '
      .. 'entries')
  end
  return doc
end

return { { Meta = Meta }, { Figure = Figure, Table = Table }, { Pandoc = Values } }
