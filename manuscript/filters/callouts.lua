--[[
callouts.lua: Quarto's callouts (`::: {.callout-note}` and tip, warning, important, caution).

The title is the `title` attribute, else a heading that opens the callout (which then is the
title, not a section: it neither gets a number nor shifts later ones), else the default title
in the document's language ("Note", "Hinweis", ...). Every format shows the title in bold above
the body; HTML draws a coloured rule beside it, typst a bordered block. A callout with an id such
as `#nte-x` is numbered by crossref.lua ("Note 1: Title") and can be referenced (`@nte-x`).
`appearance`, `icon` and `collapse` change only the look in Quarto's HTML, and are ignored.
]]

package.path = pandoc.path.directory(PANDOC_SCRIPT_FILE) .. '/?.lua;' .. package.path
local common = require('common')

local COLOURS = { note = '#0758E5', tip = '#00A047', warning = '#FFC107', important = '#DC3545',
  caution = '#FD7E14' }

local words

local function callout_type(div)
  for _, class in ipairs(div.classes) do
    local kind = class:match('^callout%-(%a+)$')
    if kind and COLOURS[kind] then return kind end
  end
  if div.classes:includes('callout') then return 'note' end
end

-- In typst, a bordered block around the callout (raw typst before and after it).
local function framed(kind, blocks)
  local colour = COLOURS[kind]
  local open = '#block(width: 100%, inset: 8pt, stroke: (left: 3pt + rgb("' .. colour .. '")))['
  return pandoc.Blocks{ common.shown_in({ 'typst' }, { pandoc.RawBlock('typst', open) }),
    table.unpack(blocks) } .. { common.shown_in({ 'typst' }, { pandoc.RawBlock('typst', ']') }) }
end

local function callout(div)
  local kind = callout_type(div)
  if not kind then return nil end
  local content = div.content
  local title = div.attributes.title and pandoc.utils.blocks_to_inlines(
    pandoc.read(div.attributes.title, 'markdown').blocks)
  if not title and content[1] and content[1].t == 'Header' then
    title = content[1].content
    content = pandoc.Blocks{ table.unpack(content, 2) }
  end
  local explicit = title ~= nil
  title = title or pandoc.Inlines(words['callout-' .. kind .. '-title'])
  local heading = pandoc.Div({ pandoc.Para{ pandoc.Strong(title) } },
    pandoc.Attr('', { 'callout-title' }, explicit and { explicit = 'true' } or {}))
  -- in HTML, a coloured rule beside it
  local attributes = { ['formats:html:style'] = 'border-left: 4px solid ' .. COLOURS[kind]
    .. '; padding: 0.25em 1em; margin: 1em 0;' }
  local body = pandoc.Div(content, pandoc.Attr('', { 'callout-body' }))
  return pandoc.Div(framed(kind, { heading, body }),
    pandoc.Attr(div.identifier, { 'callout', 'callout-' .. kind }, attributes))
end

return {
  {
    Pandoc = function(doc)
      words = common.words(doc.meta)
      return doc:walk{ Div = callout }
    end,
  },
}
