--[[
per-format.lua: settles, for the format being written, what the other filters left open.

The filters that read the manuscript (shortcodes, callouts, floats, appendix, crossref,
titleblock, provenance, reference-status) and citeproc run once for all four output formats;
where their result depends on the format they leave marks (see "Output formats" in common.lua).
This filter runs once per format, after them and before the writer: it keeps the content,
attributes and metadata of the format's family and removes every mark, so each writer gets
what a render for that format alone would have made.
]]

package.path = pandoc.path.directory(PANDOC_SCRIPT_FILE) .. '/?.lua;' .. package.path
local common = require('common')

local family = common.format_family(FORMAT)

local function listed(families)
  for name in families:gmatch('%S+') do
    if name == family then return true end
  end
  return false
end

-- `formats:<family>:<name>` attributes become `<name>` in that family and vanish elsewhere.
local function settle_attributes(element)
  local kept, changed = {}, false
  for _, pair in ipairs(element.attributes) do
    local scope, name = pair[1]:match('^formats:(%a+):(.+)$')
    if scope then
      changed = true
      if scope == family then kept[#kept + 1] = { name, pair[2] } end
    else
      kept[#kept + 1] = { pair[1], pair[2] }
    end
  end
  if changed then element.attributes = kept end
  return changed
end

local function settle(element)
  local show, unwrap = element.attributes['formats-show'], element.attributes['formats-unwrap']
  if show then return listed(show) and element.content or {} end
  if unwrap then
    if listed(unwrap) then return element.content end
    element.attributes['formats-unwrap'] = nil
    return element
  end
  if settle_attributes(element) then return element end
end

-- `per-format.<family>` metadata over the document's; `heading-shift` lifts every heading.
local function settle_metadata(doc)
  local choices = doc.meta['per-format']
  doc.meta['per-format'], doc.meta['source-document'] = nil, nil
  if not choices then return doc end
  local chosen = {}
  for key, value in pairs(choices.other or {}) do chosen[key] = value end
  for key, value in pairs(choices[family] or {}) do chosen[key] = value end
  local shift = tonumber(chosen['heading-shift'] and pandoc.utils.stringify(chosen['heading-shift']))
  chosen['heading-shift'] = nil
  for key, value in pairs(chosen) do doc.meta[key] = value end
  if shift then
    doc.blocks = doc.blocks:walk{
      Header = function(header) header.level = header.level - shift; return header end,
    }
  end
  return doc
end

return {
  { Div = settle, Span = settle },
  { Pandoc = settle_metadata },
}
