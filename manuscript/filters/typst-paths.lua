--[[
typst-paths.lua: images that typst can open and read aloud (typst output only).

typst resolves an image path against the folder of the .typ file, which is not where pandoc
found the image, and refuses any file outside its --root. The renderer compiles with the
repository root (pandoc's working directory) as root, and typst reads a path starting with "/"
as relative to that root. So each relative image path becomes "/" + its path from the working
directory, found the way pandoc finds it: in the --resource-path folders, in order.

pandoc's typst writer drops an image's alternative text, which a tagged PDF (PDF/UA) needs for
every figure. The alt text (for a figure, its fig-alt: crossref.lua puts it there) goes back in
as typst: for a labelled figure with one image, a show rule before it,
`#show label("fig-x"): set image(alt: "...", width: 100%)`, which leaves pandoc's own figure
as it is and sets its image at the text width; for any other image with alt text, the image
itself as raw typst, `image(path, alt: "...")`. Math gets its TeX source as alt text, or the
`alt` of a numbered equation.
]]

-- The manuscript: pandoc reads the parsed document here, not the manuscript itself, so the
-- renderer names it in the metadata (`source-document`; per-format.lua removes it).
local input_name = PANDOC_STATE.input_files[1] or '-'
local input_directory = pandoc.path.directory(input_name)

local function source_document(meta)
  if meta['source-document'] then
    input_name = pandoc.utils.stringify(meta['source-document'])
    input_directory = pandoc.path.directory(input_name)
  end
end

local function exists(path)
  local handle = io.open(path, 'r')
  if handle then handle:close() end
  return handle ~= nil
end

-- "manuscript/../results/./x.svg" -> "results/x.svg"; nil if it climbs above the working directory.
local function collapse(path)
  local parts = {}
  for part in path:gmatch('[^/]+') do
    if part == '..' then
      if #parts == 0 then return nil end
      table.remove(parts)
    elseif part ~= '.' then
      parts[#parts + 1] = part
    end
  end
  return table.concat(parts, '/')
end

function Image(image)
  local src = image.src
  -- URLs (http:, data:, ...) and absolute paths are left alone
  if src:match('^%a[%w+.%-]*:') or src:sub(1, 1) == '/' then return nil end
  local found = pandoc.path.join{ input_directory, src } -- if missing, typst names it in its error
  for _, folder in ipairs(PANDOC_STATE.resource_path) do
    local candidate = pandoc.path.join{ folder, src }
    if exists(candidate) then
      found = candidate
      break
    end
  end
  local from_root = collapse(found)
  if not from_root then
    io.stderr:write(input_name, ': image ', src,
      ' lies outside the project root, which typst cannot read\n')
    os.exit(1)
  end
  image.src = '/' .. from_root
  return image
end

-- A typst string literal: only the backslash and the double quote need escaping.
local function typst_string(text)
  return '"' .. text:gsub('\\', '\\\\'):gsub('"', '\\"') .. '"'
end

-- image(...) with the alt text, and the width if the source gave one in a unit typst knows
-- (else the text width in a figure, the natural size in running text). Without alt text the
-- image stays pandoc's.
local function typst_image(image, in_figure)
  image = Image(image) or image
  local alt = pandoc.utils.stringify(image.caption)
  if alt == '' then return image end
  local width = image.attributes.width
  local arguments = { typst_string(image.src), 'alt: ' .. typst_string(alt) }
  if width and (width:match('^[%d.]+%%$') or width:match('^[%d.]+[cmipe][mnt]$')) then
    arguments[#arguments + 1] = 'width: ' .. width
  elseif in_figure then
    arguments[#arguments + 1] = 'width: 100%'
  end
  local call = 'image(' .. table.concat(arguments, ', ') .. ')'
  return pandoc.RawInline('typst', in_figure and ('#' .. call) or ('#box(' .. call .. ')'))
end

-- A labelled figure with one image keeps pandoc's markup; a show rule before it gives the image
-- its alt text and, unless the source sets a width, the text width.
local function labelled_figure(figure)
  local images = pandoc.List{}
  figure.content = figure.content:walk{
    Image = function(image)
      image = Image(image) or image
      images:insert(image)
      return image
    end,
  }
  if figure.identifier == '' or #images ~= 1 then return nil end
  local alt = pandoc.utils.stringify(images[1].caption)
  -- an image with no description of its own: its caption ("Figure 1") serves, as PDF/UA
  -- wants a text for every figure
  if alt == '' then alt = pandoc.utils.stringify(figure.caption.long) end
  if alt == '' then return figure end
  local rule = '#show label(' .. typst_string(figure.identifier) .. '): set image(alt: '
    .. typst_string(alt) .. ', width: 100%)'
  return { pandoc.RawBlock('typst', rule), figure }
end

-- Math with its TeX source as alt text (PDF/UA wants alt text on every equation); the typst
-- markup of the formula is pandoc's own.
local function math_with_alt(math, alt)
  local written = pandoc.write(pandoc.Pandoc{ pandoc.Plain{ math } }, 'typst')
  local formula = written:match('^%s*(%$.*%$)%s*$')
  if not formula then return nil end
  local block = math.mathtype == 'DisplayMath' and 'true' or 'false'
  return pandoc.RawInline('typst', '#math.equation(block: ' .. block .. ', alt: '
    .. typst_string(alt or math.text:gsub('^%s+', ''):gsub('%s+$', '')) .. ', ' .. formula .. ')')
end

-- Top-down, so that a figure's images are handled with the figure and not again on their own.
return {
  { Meta = source_document },
  {
    traverse = 'topdown',
    Figure = function(figure)
      local labelled = labelled_figure(figure)
      if labelled then return labelled, false end
      figure.content = figure.content:walk{
        Image = function(image) return typst_image(image, true) end,
      }
      return figure, false
    end,
    Image = function(image) return typst_image(image, false) end,
    Math = math_with_alt,
    -- a numbered equation may carry its own alt text (`{#eq-x alt="..."}`)
    Span = function(span)
      local alt = span.attributes.alt
      if not (span.classes:includes('quarto-equation') and alt) then return nil end
      span.attributes.alt = nil
      span.content = span.content:walk{ Math = function(math) return math_with_alt(math, alt) end }
      return span, false
    end,
  },
}
