--[=[
floats.lua: Quarto's float syntaxes as pandoc Figures and Tables, and Quarto's layouts.

  ::: {#fig-x} ... last paragraph = caption :::     a figure (caption also `fig-cap="..."`)
  ::: {#tbl-x} table, caption :::                   a table (`tbl-cap="..."`)
  figures or captioned tables inside such a div     subfloats, "(a)", "(b)" (crossref.lua)
  [![Caption](x.png){#fig-x}](https://...)          a figure that is a link
  ![Caption](x.png){#tbl-x}                          an image numbered as a table
  layout-ncol=2 / layout-nrow=2 / layout="[[1,1],[1]]"   cells in rows (HTML and PDF)
  ::: {.content-visible when-format="html"} / .content-hidden   kept or dropped per format

Quarto-only constructs (tabsets, theorem-like blocks, executable code cells) stop the render
with the file and line. Runs after callouts.lua and before crossref.lua, which numbers them.
]=]

package.path = pandoc.path.directory(PANDOC_SCRIPT_FILE) .. '/?.lua;' .. package.path
local common = require('common')

local function kind_of(id)
  local prefix = id and id:match('^(%a+)%-')
  return (prefix == 'fig' or prefix == 'tbl') and prefix or nil
end

local function caption_blocks(text)
  return pandoc.utils.blocks_to_inlines(pandoc.read(text, 'markdown').blocks)
end

-- A captioned table inside a table float is a subfloat: a Figure that holds it.
local function subtable(tbl)
  if pandoc.utils.stringify(tbl.caption.long) == '' then return tbl end
  local caption = tbl.caption
  local id = tbl.identifier
  tbl.caption, tbl.identifier = pandoc.Caption(), ''
  return pandoc.Figure({ tbl }, caption, pandoc.Attr(id))
end

local function has_subfloats(blocks)
  local found = false
  blocks:walk{ Figure = function() found = true end }
  return found
end

-- A raw HTML table's own <caption>, which Quarto takes as the float's caption.
local function raw_caption(content)
  local caption
  content = content:walk{ RawBlock = function(raw)
    local text = raw.format:match('html') and raw.text:match('<caption[^>]*>(.-)</caption>')
    if text and not caption then
      caption = pandoc.Blocks{ pandoc.Plain(pandoc.utils.blocks_to_inlines(
        pandoc.read(text, 'html').blocks)) }
      raw.text = raw.text:gsub('<caption[^>]*>.-</caption>%s*', '', 1)
      return raw
    end
  end }
  return caption, content
end

local function div_float(div, kind)
  local content, caption = div.content, nil
  local given = div.attributes[kind .. '-cap']
  if given then
    caption = pandoc.Blocks{ pandoc.Plain(caption_blocks(given)) }
    div.attributes[kind .. '-cap'] = nil
  elseif #content > 1 and content[#content].t == 'Para' then
    caption = pandoc.Blocks{ pandoc.Plain(content[#content].content) }
    content = pandoc.Blocks{ table.unpack(content, 1, #content - 1) }
  end
  -- an image with no text of its own is described by the float's caption (alt text)
  if caption then
    local described = pandoc.utils.stringify(caption)
    content = content:walk{ Image = function(image)
      if pandoc.utils.stringify(image.caption) == '' then
        image.caption = pandoc.Inlines(described)
        return image
      end
    end }
  end
  if kind == 'tbl' and #content == 1 and content[1].t == 'Table' then
    local tbl = content[1]
    if caption then tbl.caption = pandoc.Caption(caption) end
    tbl.identifier = div.identifier
    return tbl
  end
  if kind == 'tbl' then content = content:walk{ Table = subtable } end
  if not caption then caption, content = raw_caption(content) end
  if not caption and not has_subfloats(content) then
    common.fail_at(common.input, '#' .. common.escape_pattern(div.identifier),
      "float '#" .. div.identifier .. "' has no caption (its last paragraph is the caption)")
  end
  return pandoc.Figure(content, pandoc.Caption(caption or {}), div.attr)
end

-- Layout -------------------------------------------------------------------------------------------

-- The widths of each row: layout="[[1,1],[1]]", or layout-ncol / layout-nrow over n cells.
local function rows_of(attributes, n)
  local layout = attributes.layout
  if layout then
    local rows = {}
    for row in layout:gmatch('%[([^%[%]]*)%]') do
      local widths = {}
      for width in row:gmatch('-?[%d.]+') do widths[#widths + 1] = math.abs(tonumber(width)) end
      rows[#rows + 1] = widths
    end
    return rows
  end
  local ncol = tonumber(attributes['layout-ncol'])
  if not ncol and attributes['layout-nrow'] then
    ncol = math.ceil(n / tonumber(attributes['layout-nrow']))
  end
  local rows = {}
  for first = 1, n, ncol do
    local widths = {}
    for _ = first, math.min(first + ncol - 1, n) do widths[#widths + 1] = 1 end
    rows[#rows + 1] = widths
  end
  return rows
end

-- The cells: each block, or each image of a paragraph of images.
local function cells_of(blocks)
  local cells = pandoc.List{}
  for _, block in ipairs(blocks) do
    local images = block.t == 'Para' and block.content:filter(function(i) return i.t == 'Image' end)
    if images and #images > 1 then
      for _, image in ipairs(images) do cells:insert(pandoc.Plain{ image }) end
    else
      cells:insert(block)
    end
  end
  return cells
end

-- One row of a layout: a typst grid in typst (raw typst around the cells), flex boxes elsewhere.
local function layout_row(cells, widths)
  local total = 0
  for _, width in ipairs(widths) do total = total + width end
  local columns = {}
  for i, width in ipairs(widths) do columns[i] = string.format('%gfr', width) end
  local function typst(text) return common.shown_in({ 'typst' }, { pandoc.RawBlock('typst', text) }) end
  local row = pandoc.Blocks{ typst('#grid(columns: (' .. table.concat(columns, ', ')
    .. ',), gutter: 1em, [') }
  for i, cell in ipairs(cells) do
    if i > 1 then row:insert(typst('], [')) end
    local style = string.format('flex-basis: %.1f%%;', 100 * widths[i] / total)
    row:insert(pandoc.Div({ cell }, pandoc.Attr('', { 'quarto-layout-cell' },
      { { 'style', style }, { 'formats-unwrap', 'typst' } })))
  end
  row:insert(typst('])'))
  return { pandoc.Div(row, pandoc.Attr('', { 'quarto-layout-row' },
    { { 'style', 'display: flex; gap: 1em;' }, { 'formats-unwrap', 'typst' } })) }
end

local function apply_layout(blocks, attributes)
  if not (attributes.layout or attributes['layout-ncol'] or attributes['layout-nrow']) then
    return blocks
  end
  local cells, out, next_cell = cells_of(blocks), pandoc.Blocks{}, 1
  for _, widths in ipairs(rows_of(attributes, #cells)) do
    local row = {}
    for _ = 1, #widths do
      if cells[next_cell] then row[#row + 1] = cells[next_cell] end
      next_cell = next_cell + 1
    end
    if #row > 0 then out:extend(layout_row(row, { table.unpack(widths, 1, #row) })) end
  end
  for i = next_cell, #cells do out:insert(cells[i]) end
  for _, key in ipairs{ 'layout', 'layout-ncol', 'layout-nrow' } do attributes[key] = nil end
  return out
end

-- Conditional content -----------------------------------------------------------------------------

local FORMAT_NAMES = { html = { 'html', 'html5' }, typst = { 'typst', 'pdf' }, docx = { 'docx' },
  jats = { 'jats' } }

local function format_matches(family, names)
  for name in names:gmatch('[^%s,]+') do
    for _, alias in ipairs(FORMAT_NAMES[family] or {}) do if name == alias then return true end end
  end
  return false
end

-- Whether content that only some formats show holds what crossref.lua numbers: the numbers are
-- given once for all formats, so they would count a float or section another format hides.
local function numbered_inside(blocks)
  local found = false
  local function labelled(element)
    if (element.identifier or ''):match('^%a+%-') then found = true end
  end
  blocks:walk{ Header = function() found = true end, Block = labelled, Inline = labelled }
  return found
end

-- Shown in the formats `when-format` names (or all but those `unless-format` names), as the
-- format families that show it; per-format.lua keeps or drops it for each format.
local function conditional(div)
  local visible = div.classes:includes('content-visible')
  if not (visible or div.classes:includes('content-hidden')) then return nil end
  local when, unless = div.attributes['when-format'], div.attributes['unless-format']
  local showing = {}
  for _, family in ipairs{ 'html', 'typst', 'docx', 'jats', 'other' } do
    local shown = true
    if when then
      shown = format_matches(family, when)
    elseif unless then
      shown = not format_matches(family, unless)
    end
    if not visible then shown = not shown end
    if shown then showing[#showing + 1] = family end
  end
  if #showing == 5 then return div.content end
  if #showing == 0 then return pandoc.Blocks{} end
  if numbered_inside(div.content) then
    common.unsupported(common.input, common.escape_pattern(when or unless),
      'a heading or numbered float inside content shown in some formats only')
  end
  return common.shown_in(showing, div.content)
end

-- Quarto-only blocks -------------------------------------------------------------------------------

local THEOREMS = { thm = true, lem = true, cor = true, prp = true, cnj = true, def = true,
  exm = true, exr = true, sol = true, rem = true }

local function refuse_quarto_only(div)
  local prefix = div.identifier:match('^(%a+)%-')
  if prefix and THEOREMS[prefix] then
    common.unsupported(common.input, '#' .. common.escape_pattern(div.identifier),
      "a theorem-like block ('#" .. div.identifier .. "')")
  end
  for _, class in ipairs{ 'panel-tabset', 'panel-sidebar', 'panel-fill', 'panel-center', 'panel-input' } do
    if div.classes:includes(class) then
      common.unsupported(common.input, '%.' .. common.escape_pattern(class),
        "'::: {." .. class .. "}'")
    end
  end
end

-- ```{python} and the like: code Quarto would run. pandoc does not even read it as code, so
-- the source itself is searched.
local function refuse_code_cells(doc)
  local text = '\n' .. common.source_text(common.input)
  local cell = text:match('\n(```+%s*{[%w_]+[^\n]*)')
  if cell then
    common.unsupported(common.input, '\n' .. common.escape_pattern(cell),
      "the executable code cell '" .. cell .. "'")
  end
  return doc
end

-- `![](x.png){#fig-x}`: no caption, so pandoc makes no figure; Quarto numbers it all the same.
local function uncaptioned_figure(para)
  local image = #para.content == 1 and para.content[1]
  if image and image.t == 'Image' and kind_of(image.identifier) then
    local id = image.identifier
    image.identifier = ''
    return pandoc.Figure({ pandoc.Plain{ image } }, pandoc.Caption(), pandoc.Attr(id))
  end
end

local function linked_figure(para)
  local link = #para.content == 1 and para.content[1]
  local image = link and link.t == 'Link' and #link.content == 1 and link.content[1]
  if not (image and image.t == 'Image' and kind_of(image.identifier)) then return nil end
  local id = image.identifier
  image.identifier = ''
  return pandoc.Figure({ pandoc.Plain{ link } }, pandoc.Caption({ pandoc.Plain(image.caption) }),
    pandoc.Attr(id))
end

-- fig-alt is what a screen reader gets instead of the caption (the image's own description)
local function fig_alt(image)
  local alt = image.attributes['fig-alt']
  if alt then
    image.caption = pandoc.Inlines(alt)
    image.attributes['fig-alt'] = nil
    return image
  end
end

return {
  { Pandoc = refuse_code_cells },
  { Div = conditional },
  {
    Image = fig_alt,
    Para = function(para) return linked_figure(para) or uncaptioned_figure(para) end,
    Div = function(div)
      refuse_quarto_only(div)
      local kind = kind_of(div.identifier)
      if kind then
        local float = div_float(div, kind)
        if float.t == 'Figure' then float.content = apply_layout(float.content, float.attributes) end
        return float
      end
      if div.attributes.layout or div.attributes['layout-ncol'] or div.attributes['layout-nrow'] then
        div.content = apply_layout(div.content, div.attributes)
        return div
      end
    end,
  },
}
