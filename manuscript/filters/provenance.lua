--[[
provenance.lua: every figure and table caption ends with where the artifact came from.

Reads the JSON file named by the metadata field `provenance-file` (written by the workflow's
`provenance` step): for each label, the program that made the artifact, its inputs and the
first characters of its SHA-256. Appends "Made by PROGRAM from INPUTS; SHA-256 HASH." to the
caption: the program links to its file in the repository when the entry has a `url` (see
tooling/links.py), and is plain text otherwise: a link relative to the paper breaks once the
paper is published on its own. A fig-/tbl- label with no provenance stops the render: every artifact is accounted for.
Runs after crossref.lua, which sets the table ids.
]]

local provenance = {}

local function fail(message)
  io.stderr:write(PANDOC_STATE.input_files[1] or 'manuscript', ': ', message, '\n')
  os.exit(1)
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

local function append_to_caption(caption, id)
  local entry = provenance[id]
  if not entry then
    fail("no provenance for '" .. id .. "': it is not made by a workflow step")
  end
  local blocks = caption.long
  if #blocks == 0 then
    blocks:insert(pandoc.Plain({}))
  end
  local last = blocks[#blocks]
  if last.content then
    last.content:insert(note(entry))
  else
    blocks:insert(pandoc.Plain({ note(entry) }))
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
end

function Figure(figure)
  if labelled(figure.identifier) then
    figure.caption = append_to_caption(figure.caption, figure.identifier)
    return figure
  end
end

function Table(tbl)
  if labelled(tbl.identifier) then
    tbl.caption = append_to_caption(tbl.caption, tbl.identifier)
    return tbl
  end
end

return { { Meta = Meta }, { Figure = Figure, Table = Table } }
