--[[
crossref.lua: Quarto's cross-references for a plain pandoc render (HTML and typst).

  ![Caption](path){#fig-x fig-alt="..."}     a numbered figure, "Figure 1: Caption"
  table with a caption line `: Caption {#tbl-x}`   a numbered table, "Table 1: Caption"
  ## Title {#sec-x}                          a section, numbered as `pandoc -N` numbers it
  @fig-x, [@fig-x], [-@fig-x], [@fig-a; @fig-b], @Fig-x   "Figure 1", "1", "Figures 1 and 2", links

Figures and tables without a fig-/tbl- label stay unnumbered, as in Quarto. The Cite elements
are replaced here, so this filter must run before --citeproc (which would otherwise report them
as unknown citations). An unknown or duplicate label stops the render with `file:line: message`.
Runs after shortcodes.lua, whose "included" wrappers name the file for those messages.
]]

local NBSP = '\u{a0}' -- keeps "Figure" and its number on one line, as Quarto does

local kinds = {
  fig = { singular = 'Figure', plural = 'Figures' },
  tbl = { singular = 'Table', plural = 'Tables' },
  sec = { singular = 'Section', plural = 'Sections' },
}

local labels = {} -- id -> { kind =, number = (string) or title = (Inlines, unnumbered) }
local sources = {} -- path -> text, for error lines
local definitions_seen = {} -- path .. '\0' .. id -> count, to find a duplicate's own line

local function source_text(path)
  if sources[path] == nil then
    local handle = io.open(path, 'r')
    sources[path] = handle and handle:read('a') or ''
    if handle then handle:close() end
  end
  return sources[path]
end

local function escape_pattern(text)
  return (text:gsub('[%^%$%(%)%%%.%[%]%*%+%-%?]', '%%%0'))
end

-- Stops the render with "path:LINE: message", LINE being the nth match of pattern in the file.
local function fail(path, pattern, message, nth)
  local text, position = source_text(path), 0
  for _ = 1, nth or 1 do
    position = text:find(pattern, position + 1)
    if not position then break end
  end
  local location = path
  if position then
    local _, newlines = text:sub(1, position):gsub('\n', '')
    location = path .. ':' .. (newlines + 1)
  end
  io.stderr:write(location, ': ', message, '\n')
  os.exit(1)
end

local function kind_of(id)
  local prefix = id:match('^(%a+)%-')
  return prefix and kinds[prefix:lower()] and prefix:lower()
end

local function is_included(div)
  return div.classes:includes('included') and div.attributes.source
end

-- Pass 1: labels, numbers and captions -----------------------------------------------------------

local counters = { fig = 0, tbl = 0 }

local function define(id, kind, source, entry)
  local seen_key = source .. '\0' .. id
  definitions_seen[seen_key] = (definitions_seen[seen_key] or 0) + 1
  if labels[id] then
    fail(source, '#' .. escape_pattern(id) .. '%f[^%w_%-]', "duplicate label '#" .. id .. "'",
      definitions_seen[seen_key])
  end
  entry.kind = kind
  labels[id] = entry
end

-- "Figure 1: " in front of the caption, as Quarto writes it (just "Figure 1" if it is empty).
local function prefix_caption(caption, words)
  local blocks = caption.long
  if #blocks == 0 or #pandoc.utils.stringify(blocks) == 0 then
    caption.long = pandoc.Blocks{ pandoc.Plain(pandoc.Inlines(words)) }
  else
    local first = blocks[1]
    if first.content then
      first.content:insert(1, pandoc.Space())
      first.content:insert(1, pandoc.Str(words .. ':'))
    end
  end
  return caption
end

local function number_float(block, kind, source)
  counters[kind] = counters[kind] + 1
  local number = tostring(counters[kind])
  define(block.identifier, kind, source, { number = number })
  block.caption = prefix_caption(block.caption, kinds[kind].singular .. NBSP .. number)
  return block
end

-- pandoc versions differ on `: Caption {#tbl-x}`: some set the id, some leave "{#tbl-x}" as the
-- last word of the caption. Move it into the id in the second case.
local function take_caption_id(tbl)
  local plain = tbl.caption.long[#tbl.caption.long]
  local inlines = plain and plain.content
  local last = inlines and inlines[#inlines]
  local id = last and last.t == 'Str' and last.text:match('^{#([%w_%-:.]+)}$')
  if tbl.identifier == '' and id then
    inlines:remove(#inlines)
    while #inlines > 0 and (inlines[#inlines].t == 'Space' or inlines[#inlines].t == 'SoftBreak') do
      inlines:remove(#inlines)
    end
    tbl.identifier = id
  end
  return tbl
end

-- Section numbers as pandoc's -N gives them in HTML: counted from the shallowest heading level
-- in the document (a paper whose top headings are `##` gets 1, 2, ... not 0.1, 0.2), and
-- .unnumbered headings do not count.
local top_level = math.huge
local section_counts = {}

local function number_header(header, source)
  local id = header.identifier
  if header.classes:includes('unnumbered') then
    if kind_of(id) == 'sec' then define(id, 'sec', source, { title = header.content:clone() }) end
    return header
  end
  local depth = header.level - top_level + 1
  section_counts[depth] = (section_counts[depth] or 0) + 1
  for deeper = depth + 1, #section_counts do section_counts[deeper] = nil end
  for shallower = 1, depth - 1 do section_counts[shallower] = section_counts[shallower] or 0 end
  if kind_of(id) == 'sec' then
    define(id, 'sec', source, { number = table.concat(section_counts, '.', 1, depth) })
  end
  return header
end

local function collect(blocks, source)
  return blocks:walk{
    traverse = 'topdown',
    Div = function(div)
      if is_included(div) then
        div.content = collect(div.content, div.attributes.source)
        return div, false
      end
    end,
    Figure = function(figure)
      if kind_of(figure.identifier) == 'fig' then return number_float(figure, 'fig', source) end
    end,
    Table = function(tbl)
      tbl = take_caption_id(tbl)
      if kind_of(tbl.identifier) == 'tbl' then return number_float(tbl, 'tbl', source) end
      return tbl
    end,
    Header = function(header) return number_header(header, source) end,
    -- fig-alt is the text a screen reader gets instead of the caption
    Image = function(image)
      local alt = image.attributes['fig-alt']
      if alt then
        image.caption = pandoc.Inlines(alt)
        image.attributes['fig-alt'] = nil
        return image
      end
    end,
  }
end

-- Pass 2: references ------------------------------------------------------------------------------

local function join(parts, conjunction)
  local out = pandoc.Inlines{}
  for i, part in ipairs(parts) do
    if i > 1 and i == #parts then
      out:extend{ pandoc.Space(), pandoc.Str(conjunction), pandoc.Space() }
    elseif i > 1 then
      out:extend{ pandoc.Str(','), pandoc.Space() }
    end
    out:extend(part)
  end
  return out
end

-- One run of same-kind references: "Figure 1", "Figures 1 and 2", or with [-@...] just "1".
local function render_group(group)
  local words = kinds[group.kind]
  local links = {}
  for i, item in ipairs(group.items) do
    local text = item.label.number or item.label.title
    if #group.items == 1 and group.mode ~= 'SuppressAuthor' and item.label.number then
      text = words.singular .. NBSP .. item.label.number
    end
    links[i] = { pandoc.Link(pandoc.Inlines(text), '#' .. item.id) }
  end
  local out = pandoc.Inlines{}
  if #group.items > 1 and group.mode ~= 'SuppressAuthor' then
    out:extend{ pandoc.Str(words.plural), pandoc.Space() }
  end
  out:extend(join(links, 'and'))
  return out
end

local function render_cite(cite, source)
  local groups = {}
  for _, citation in ipairs(cite.citations) do
    local id = citation.id:gsub('^%a+', string.lower) -- @Fig-x refers to #fig-x
    local label = labels[id]
    if not label then
      fail(source, '@' .. escape_pattern(citation.id) .. '%f[^%w_%-]',
        "unknown cross-reference '@" .. citation.id .. "'")
    end
    local last = groups[#groups]
    if last and last.kind == label.kind and last.mode == citation.mode
        and #citation.prefix == 0 and #last.suffix == 0 then
      last.items[#last.items + 1] = { id = id, label = label }
      last.suffix = citation.suffix
    else
      groups[#groups + 1] = {
        kind = label.kind, mode = citation.mode, prefix = citation.prefix,
        suffix = citation.suffix, items = { { id = id, label = label } },
      }
    end
  end
  local out = pandoc.Inlines{}
  for i, group in ipairs(groups) do
    if i > 1 then out:extend{ pandoc.Str(';'), pandoc.Space() } end
    if #group.prefix > 0 then out:extend(group.prefix .. { pandoc.Space() }) end
    out:extend(render_group(group))
    out:extend(group.suffix)
  end
  return out
end

local function resolve(blocks, source)
  return blocks:walk{
    traverse = 'topdown',
    Div = function(div)
      if is_included(div) then return resolve(div.content, div.attributes.source), false end
    end,
    Cite = function(cite)
      local crossrefs = 0
      for _, citation in ipairs(cite.citations) do
        if kind_of(citation.id) then crossrefs = crossrefs + 1 end
      end
      if crossrefs == 0 then return nil end
      if crossrefs < #cite.citations then
        -- citeproc would format the rest as one citation around our text; Quarto gets this wrong
        -- too, so ask for two brackets instead of guessing
        fail(source, '@' .. escape_pattern(cite.citations[1].id) .. '%f[^%w_%-]',
          'a cross-reference and a literature citation share one bracket; write them separately')
      end
      return render_cite(cite, source), false
    end,
  }
end

function Pandoc(doc)
  local main = PANDOC_STATE.input_files[1] or '-'
  doc.blocks:walk{ Header = function(header) top_level = math.min(top_level, header.level) end }
  doc.blocks = collect(doc.blocks, main)
  doc.blocks = resolve(doc.blocks, main)
  -- references in the abstract or other metadata
  local function resolve_inline(cite)
    return resolve(pandoc.Blocks{ pandoc.Plain{ cite } }, main)[1].content
  end
  doc.meta = pandoc.Pandoc({}, doc.meta):walk{ Cite = resolve_inline }.meta
  -- typst numbers headings itself, from level 1: lift the headings so that its numbers match
  if FORMAT:match('typst') and top_level > 1 and top_level < math.huge then
    doc.blocks = doc.blocks:walk{
      Header = function(header) header.level = header.level - top_level + 1; return header end,
    }
  end
  return doc
end
