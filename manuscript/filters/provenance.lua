--[[
provenance.lua: every figure and table caption ends with where the artifact came from.

Reads the JSON file named by the metadata field `provenance-file` (written by the workflow's
`provenance` step): for each label, the program that made the artifact, its inputs and the
first characters of its SHA-256. Appends "Made by PROGRAM from INPUTS; SHA-256 HASH." to the
caption: the program links to its file in the repository when the entry has a `url` (see
tooling/links.py), and is plain text otherwise: a link relative to the paper breaks once the
paper is published on its own. A figure that is a static image in the manuscript's folder (no
step makes it) says "Static file PATH; SHA-256 HASH." (the renderer hashes those files into
`static-files`). A fig-/tbl- label with neither stops the render with its line: every artifact
is accounted for.
Runs after crossref.lua, which sets the table ids.
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

local function note(entry)
  local program
  if entry.url then
    program = pandoc.Link(pandoc.Code(entry.program), entry.url)
  else
    program = pandoc.Code(entry.program)
  end
  local inputs = pandoc.List()
  for path in tostring(entry.inputs):gmatch('[^;]+') do
    if #inputs > 0 then inputs:insert(pandoc.Str(', ')) end
    inputs:insert(pandoc.Code((path:gsub('^%s+', ''))))
  end
  local text = pandoc.List({ pandoc.Space(), pandoc.Str('Made'), pandoc.Space(), pandoc.Str('by'),
    pandoc.Space(), program, pandoc.Space(), pandoc.Str('from'), pandoc.Space() })
  text:extend(inputs)
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

return { { Meta = Meta }, { Figure = Figure, Table = Table } }
