--[[
typst-paths.lua: image paths that typst can open (typst output only).

typst resolves an image path against the folder of the .typ file, which is not where pandoc
found the image, and refuses any file outside its --root. The renderer compiles with the
repository root (pandoc's working directory) as root, and typst reads a path starting with "/"
as relative to that root. So each relative image path becomes "/" + its path from the working
directory, found the way pandoc finds it: in the --resource-path folders, in order.
]]

local input_directory = pandoc.path.directory(PANDOC_STATE.input_files[1] or '.')

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
    io.stderr:write(PANDOC_STATE.input_files[1] or '-', ': image ', src,
      ' lies outside the project root, which typst cannot read\n')
    os.exit(1)
  end
  image.src = '/' .. from_root
  return image
end
