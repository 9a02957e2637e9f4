--[[
html-table-scroll.lua: a table wider than a phone scrolls on its own, not the whole page
(HTML output only).

A table of six columns cannot fit 390 px without breaking its words in the middle. Each table
is wrapped in a div of class "table-scroll" (style.css lets it scroll sideways) that is a
labelled, focusable region, so that keyboard users can scroll it too and screen readers name it
(the WAI pattern for a scrollable region). Runs after crossref.lua, which numbers the captions.
]]

if not FORMAT:match('html') then return {} end

local function label(tbl)
  local caption = pandoc.utils.stringify(tbl.caption.long or {}):gsub('\194\160', ' ')
  local number = caption:match('^(Table%s+%d+)')
  if number then return number end
  if caption == '' then return 'Table' end
  return caption:match('^(.-)%.%s') or caption:gsub('%.$', '') -- its first sentence
end

-- Attributes as a list of pairs, not a Lua table keyed by name: the order of a table's keys
-- changes from one pandoc process to the next, and so would the HTML's bytes.
function Table(tbl)
  -- a list of pairs, not a Lua table: its order (and so the page's bytes) is fixed
  return pandoc.Div({ tbl }, pandoc.Attr('', { 'table-scroll' }, {
    { 'role', 'region' },
    { 'tabindex', '0' },
    { 'aria-label', label(tbl) },
  }))
end
