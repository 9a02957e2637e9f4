--[[
shortcodes.lua: Quarto's `var`, `meta` and `include` shortcodes for a plain pandoc render.

  {{< var key.sub >}}    a value from the YAML file named by the metadata field `variables-file`
  {{< meta key.sub >}}   a value from the document's own metadata
  {{< include path >}}   alone in a paragraph: the blocks of that file (path relative to the
                         including file), whose own shortcodes are expanded too

Shortcodes work wherever inline text does (body, captions, table cells, notes, link text, title
and abstract) and in `fig-alt`. Quarto's `{{{< ... >}}}` writes a shortcode out literally.

Anything that cannot be resolved stops the render with one line, `file:line: message`, because a
manuscript with a hole in it must never be published. Must run before crossref.lua (an include
can bring in figures and tables) and before --citeproc.
]]

local input_path = PANDOC_STATE.input_files[1] or '-'
local variables_path -- from the metadata, read on first use
local variables
local metadata

-- Errors -------------------------------------------------------------------------------------

local function fail(location, message)
  io.stderr:write(location, ': ', message, '\n')
  os.exit(1)
end

-- "path:LINE" of the first match of a Lua pattern in a source ({path=, text=}).
local function locate(source, pattern)
  local position = source.text:find(pattern)
  if not position then return source.path end
  local _, newlines = source.text:sub(1, position):gsub('\n', '')
  return source.path .. ':' .. (newlines + 1)
end

local function escape_pattern(text)
  return (text:gsub('[%^%$%(%)%%%.%[%]%*%+%-%?]', '%%%0'))
end

-- A pattern for a shortcode whose words may be split over spaces or lines in the source.
local function shortcode_pattern(words)
  local escaped = {}
  for i, word in ipairs(words) do escaped[i] = escape_pattern(word) end
  return '{{<%s*' .. table.concat(escaped, '%s+') .. '%s*>}}'
end

local function read_file(path)
  local handle = io.open(path, 'r')
  if not handle then return nil end
  local text = handle:read('a')
  handle:close()
  return text
end

-- The variables file --------------------------------------------------------------------------
-- Read with a small YAML reader of our own rather than pandoc's, because pandoc parses every
-- YAML string as markdown (`*x*` would become emphasis, `<b>` raw HTML) and rewrites numbers
-- (`1.50` becomes `1.5`), while a value must reach the text exactly as written. It accepts what
-- a YAML dump of nested maps holds: `key: value` lines nested by indentation; plain, 'single-'
-- or "double-quoted" scalars, possibly folded over several lines; comments. Anything else
-- (lists, flow or block scalars, anchors) is refused with the file and line.

local NULL = {} -- a key that is present but has no value

local double_quote_escapes = {
  n = '\n', t = '\t', r = '\r', ['0'] = '\0', [' '] = ' ', ['/'] = '/', ['"'] = '"', ['\\'] = '\\',
}

local function unescape_double_quoted(body, where)
  local out, i = {}, 1
  while i <= #body do
    local char = body:sub(i, i)
    if char ~= '\\' then
      out[#out + 1], i = char, i + 1
    else
      local code = body:sub(i + 1, i + 1)
      local width = ({ x = 2, u = 4, U = 8 })[code]
      local hex = width and body:sub(i + 2, i + 1 + width)
      if hex and #hex == width and hex:match('^%x+$') then
        out[#out + 1], i = utf8.char(tonumber(hex, 16)), i + 2 + width
      elseif double_quote_escapes[code] then
        out[#out + 1], i = double_quote_escapes[code], i + 2
      else
        fail(where, 'unsupported escape \\' .. code .. ' in a double-quoted value')
      end
    end
  end
  return table.concat(out)
end

local function parse_scalar(raw, where)
  if raw:sub(1, 1) == '"' then
    local body = raw:match('^"(.*)"$') or raw:match('^"(.*)"%s+#')
    if not body then fail(where, 'unterminated double-quoted value') end
    return unescape_double_quoted(body, where)
  elseif raw:sub(1, 1) == "'" then
    local body = raw:match("^'(.*)'$") or raw:match("^'(.*)'%s+#")
    if not body then fail(where, 'unterminated single-quoted value') end
    return (body:gsub("''", "'"))
  end
  local plain = raw:gsub('%s+#.*$', '')
  if plain == '' or plain == '~' or plain == 'null' or plain == 'Null' or plain == 'NULL' then
    return NULL
  elseif plain:match('^[%[{|>&*!%%@`]') or plain:match('^%-%s') or plain == '-' then
    fail(where, "unsupported YAML in a values file (only 'key: value' maps of plain values)")
  end
  return plain
end

local function parse_values(path, text)
  local lines = {}
  for line in (text:gsub('\r\n', '\n') .. '\n'):gmatch('(.-)\n') do lines[#lines + 1] = line end
  local function is_content(line)
    return not (line:match('^%s*$') or line:match('^%s*#') or line == '---' or line == '...')
  end
  local root = {}
  local open_maps = { { indent = -1, map = root } } -- innermost last
  local number = 1
  while number <= #lines do
    local line, where = lines[number], path .. ':' .. number
    number = number + 1
    if is_content(line) then
      if line:match('^ *\t') then fail(where, 'tabs are not allowed in YAML indentation') end
      local indent, rest = line:match('^( *)(.-)%s*$')
      indent = #indent
      local key, value = rest:match('^(.-):%s+(.*)$')
      if not key then key, value = rest:match('^(.-):$'), '' end
      if not key or key == '' or key:match('^%-%s') then
        fail(where, "expected 'key: value' (lists and other YAML forms are not supported)")
      end
      key = key:match('^"(.*)"$') or key:match("^'(.*)'$") or key
      -- A value folded over several lines goes on while lines are indented deeper than its key.
      while value ~= '' and lines[number] do
        local next_indent, next_text = lines[number]:match('^( *)(.-)%s*$')
        if next_text == '' then
          number = number + 1
        elseif #next_indent > indent then
          local escaped_break = value:sub(1, 1) == '"' and #value:match('\\*$') % 2 == 1
          if escaped_break then -- a "...\ at a line's end continues without a space
            value = value:sub(1, -2) .. next_text
          else
            value = value .. ' ' .. next_text
          end
          number = number + 1
        else
          break
        end
      end
      while open_maps[#open_maps].indent >= indent do table.remove(open_maps) end
      local parent = open_maps[#open_maps].map
      if parent[key] ~= nil then fail(where, "duplicate key '" .. key .. "'") end
      local following = number
      while lines[following] and not is_content(lines[following]) do following = following + 1 end
      local child_indent = lines[following] and #lines[following]:match('^ *') or -1
      if value == '' and child_indent > indent then
        parent[key] = {}
        open_maps[#open_maps + 1] = { indent = indent, map = parent[key] }
      elseif value == '' then
        parent[key] = NULL
      else
        parent[key] = parse_scalar(value, where)
      end
    end
  end
  return root
end

-- `stop` reports a problem at the shortcode that asked for a value.
local function load_variables(stop)
  if variables then return variables end
  if not variables_path then
    stop("a 'var' shortcode needs the metadata field variables-file (-M variables-file=...)")
  end
  local text = read_file(variables_path)
  if not text then stop("variables file '" .. variables_path .. "' not found") end
  variables = parse_values(variables_path, text)
  return variables
end

-- Looking values up -----------------------------------------------------------------------------

-- Follows a dotted key through nested tables; nil when some part is missing.
local function dig(tree, key)
  local node = tree
  for part in key:gmatch('[^.]+') do
    if type(node) ~= 'table' or node == NULL then return nil end
    node = node[part]
  end
  return node
end

-- The value of a shortcode: a string (plain text) or, for metadata, pandoc Inlines.
local function resolve(words, source)
  local name, key = words[1], words[2]
  local function stop(message) fail(locate(source, shortcode_pattern(words)), message) end
  local shortcode = '{{< ' .. table.concat(words, ' ') .. ' >}}'
  if name == 'include' and #words == 2 then
    stop("'" .. shortcode .. "' must stand alone in its own paragraph")
  elseif (name ~= 'var' and name ~= 'meta') or #words ~= 2 or key:match('^%.') or key:match('%.$')
  then
    stop("malformed shortcode '" .. shortcode .. "' (expected {{< var key >}}, "
      .. '{{< meta key >}} or {{< include path >}})')
  end
  if name == 'var' then
    local value = dig(load_variables(stop), key)
    if value == nil then
      stop("unknown value key '" .. key .. "' (not in " .. variables_path .. ')')
    elseif value == NULL then
      stop("value key '" .. key .. "' is empty in " .. variables_path)
    elseif type(value) == 'table' then
      stop("value key '" .. key .. "' is a group of values, not one value")
    end
    return value
  end
  local value = dig(metadata, key)
  local kind = pandoc.utils.type(value)
  if value == nil then
    stop("unknown metadata key '" .. key .. "' (not in the document's metadata)")
  elseif kind == 'Inlines' then
    return value:clone()
  elseif kind == 'Blocks' then
    return pandoc.utils.blocks_to_inlines(value)
  elseif kind == 'string' or kind == 'boolean' then
    return tostring(value)
  end
  stop("metadata key '" .. key .. "' is a list or map, not one value")
end

local function as_inlines(value)
  if type(value) == 'string' then return pandoc.Inlines(value) end -- Str/Space: never markdown
  return value
end

-- Inline shortcodes ------------------------------------------------------------------------------
-- pandoc reads `{{< var a.b >}}` as Str "{{<", Space, Str "var", ..., Str ">}}", with any
-- neighbouring punctuation inside the first and last Str, so a shortcode is found by gathering
-- text from a Str holding "{{<" up to one holding ">}}".

local function expand_inlines(inlines, source)
  local pending, out = {}, pandoc.Inlines{}
  for i = #inlines, 1, -1 do pending[#pending + 1] = inlines[i] end -- a stack, next on top
  while #pending > 0 do
    local element = table.remove(pending)
    local open = element.t == 'Str' and element.text:find('{{<', 1, true)
    if not open then
      out:insert(element)
    else
      local text = element.text
      while not text:find('>}}', open + 3, true) do
        local following = table.remove(pending)
        if following and following.t == 'Str' then
          text = text .. following.text
        elseif following and (following.t == 'Space' or following.t == 'SoftBreak') then
          text = text .. ' '
        else
          local start = text:sub(open):match('^{{<%s*%S*%s*%S*') or '{{<'
          fail(locate(source, escape_pattern(start)),
            "malformed shortcode '" .. start .. "' (no closing >}} in the same paragraph, "
            .. 'or formatting inside it)')
        end
      end
      local close, close_end = text:find('>}}', open + 3, true)
      local before, after = text:sub(1, open - 1), text:sub(close_end + 1)
      local body = text:sub(open + 3, close - 1)
      local words = {}
      for word in body:gmatch('%S+') do words[#words + 1] = word end
      if before:sub(-1) == '{' and after:sub(1, 1) == '}' then
        -- {{{< ... >}}} is Quarto's escape: the shortcode itself, written out literally
        before, after = before:sub(1, -2), after:sub(2)
        out:extend(pandoc.Inlines(before .. '{{< ' .. table.concat(words, ' ') .. ' >}}'))
      else
        if before ~= '' then out:insert(pandoc.Str(before)) end
        out:extend(as_inlines(resolve(words, source)))
      end
      if after ~= '' then pending[#pending + 1] = pandoc.Str(after) end -- may hold another
    end
  end
  return out
end

-- fig-alt is text for the reader too.
local function expand_attribute(text, source)
  return (text:gsub('{{<(.-)>}}', function(body)
    local words = {}
    for word in body:gmatch('%S+') do words[#words + 1] = word end
    return pandoc.utils.stringify(as_inlines(resolve(words, source)))
  end))
end

-- Includes --------------------------------------------------------------------------------------

-- The path of a paragraph that is exactly one include shortcode, else nil.
local function include_target(block, source)
  if block.t ~= 'Para' and block.t ~= 'Plain' then return nil end
  local first = block.content[1]
  if not (first and first.t == 'Str' and first.text:match('^{{<')) then return nil end
  local parts = {}
  for _, element in ipairs(block.content) do
    if element.t == 'Str' then
      parts[#parts + 1] = element.text
    elseif element.t == 'Space' or element.t == 'SoftBreak' then
      parts[#parts + 1] = ' '
    else
      parts[#parts + 1] = '\0' -- formatting: not a bare path
    end
  end
  local target = table.concat(parts):match('^{{<%s*include%s+(%S.-)%s*>}}$')
  if not target or target:find('>}}', 1, true) then return nil end -- not alone: see resolve()
  if target:find('\0', 1, true) or target:find('%s') then
    fail(locate(source, '{{<%s*include'), 'malformed include: write the path plainly, with no '
      .. 'spaces or markdown formatting characters (such as a pair of _ or *)')
  end
  return target
end

local reader_format = { format = 'markdown', extensions = PANDOC_READER_OPTIONS.extensions }
local process_blocks -- defined below; includes and blocks call each other

local function read_include(target, source)
  local path = pandoc.path.normalize(pandoc.path.join{ pandoc.path.directory(source.path), target })
  local function stop(message)
    fail(locate(source, shortcode_pattern{ 'include', target }), message)
  end
  for _, open in ipairs(source.chain) do
    if open == path then stop("include cycle: '" .. path .. "' includes itself") end
  end
  local text = read_file(path)
  if not text then stop("include file '" .. path .. "' not found") end
  local chain = { table.unpack(source.chain) }
  chain[#chain + 1] = path
  local included = { path = path, text = text, chain = chain }
  local parsed = pandoc.read(text, reader_format, PANDOC_READER_OPTIONS)
  local blocks = process_blocks(parsed.blocks, included)
  -- The wrapper tells crossref.lua which file these blocks came from (for its error lines);
  -- crossref.lua removes it again.
  return pandoc.Div(blocks, pandoc.Attr('', { 'included' }, { source = path }))
end

function process_blocks(blocks, source)
  blocks = blocks:walk{
    traverse = 'topdown',
    Para = function(para) if include_target(para, source) then return para, false end end,
    Plain = function(plain) if include_target(plain, source) then return plain, false end end,
    Inlines = function(inlines) return expand_inlines(inlines, source) end,
    Image = function(image)
      if image.attributes['fig-alt'] then
        image.attributes['fig-alt'] = expand_attribute(image.attributes['fig-alt'], source)
      end
      return image
    end,
  }
  local function splice(block)
    local target = include_target(block, source)
    if target then return read_include(target, source) end
  end
  return blocks:walk{ Para = splice, Plain = splice }
end

-- Metadata values are walked like the body: title, abstract and any other field.
local function process_meta(value, source)
  local kind = pandoc.utils.type(value)
  if kind == 'Inlines' then
    return value:walk{ Inlines = function(inlines) return expand_inlines(inlines, source) end }
  elseif kind == 'Blocks' then
    return process_blocks(value, source)
  elseif kind == 'List' or kind == 'table' or kind == 'Meta' then
    for key, item in pairs(value) do value[key] = process_meta(item, source) end
  end
  return value
end

function Pandoc(doc)
  local variables_field = doc.meta['variables-file']
  variables_path = variables_field and pandoc.utils.stringify(variables_field)
  local main = { path = input_path, text = read_file(input_path) or '', chain = { input_path } }
  metadata = doc.meta
  doc.meta = process_meta(doc.meta, main)
  metadata = doc.meta -- the body sees the title etc. with their own shortcodes expanded
  doc.blocks = process_blocks(doc.blocks, main)
  return doc
end
