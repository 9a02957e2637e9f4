--[[
shortcodes.lua: Quarto's built-in shortcodes for a plain pandoc render.

  {{< var key.sub >}}       a value from the JSON file named by the metadata field
                            `variables-file` (the project's `_variables.yml` or the build's
                            results/values.json, converted to JSON by the renderer)
  {{< meta key.sub >}}      a value from the document's metadata; `key.0` indexes a list,
                            `a\.b` is one key with a dot in it
  {{< env NAME [default] >}}  an environment variable
  {{< kbd Ctrl-C >}}        a key (plain text outside HTML)
  {{< pagebreak >}}         a page break, alone in its paragraph
  {{< include path >}}      alone in its paragraph: the blocks of that file (relative to the
                            including file; quote a path with spaces), shortcodes expanded too

As in Quarto, shortcodes expand wherever they are written: text, captions, notes, metadata,
attributes, link targets, image sources, math, code and raw blocks. `{{{< ... >}}}` writes a
shortcode literally. Quarto's other shortcodes (video, embed, lipsum, ...) stop the render as
not supported; an unknown name or a missing value stops it too, always with `file:LINE`.
Runs first: an include can bring in figures, and --citeproc must not see `@` inside values.
]]

package.path = pandoc.path.directory(PANDOC_SCRIPT_FILE) .. '/?.lua;' .. package.path
local common = require('common')

local variables_path, variables_source, variables, metadata
-- With the workflow's provenance (metadata `provenance-file`), a value in the body keeps its key
-- on a Span of class `value`, which provenance.lua turns into a link to the value's appendix
-- entry; metadata and attributes get the plain text, as in Quarto.
local mark_values = false
local extension_shortcodes -- the document loads its own (`shortcodes:`): Quarto runs those

local QUARTO_ONLY = {
  video = true, embed = true, lipsum = true, placeholder = true, brand = true, version = true,
  contents = true, lightbox = true,
}

-- Arguments: words, or quoted strings that may hold spaces (pandoc may have made the quotes
-- typographic).
local QUOTES = { { '"', '"' }, { "'", "'" }, { '\u{201c}', '\u{201d}' }, { '\u{2018}', '\u{2019}' } }

local function parse_arguments(body)
  local words, rest = {}, body
  while true do
    rest = rest:gsub('^%s+', '')
    if rest == '' then return words end
    local quoted, after
    for _, pair in ipairs(QUOTES) do
      if not quoted and rest:sub(1, #pair[1]) == pair[1] then
        local close = rest:find(pair[2], #pair[1] + 1, true)
        if close then quoted, after = rest:sub(#pair[1] + 1, close - 1), rest:sub(close + #pair[2]) end
      end
    end
    if quoted then
      words[#words + 1], rest = quoted, after
    else
      words[#words + 1], rest = rest:match('^(%S+)(.*)$')
    end
  end
end

-- Follows a dotted key through nested maps and lists (numbers index lists from 0, as in
-- Quarto). A key may itself hold a dot (`release\.name` in Quarto; markdown has already dropped
-- the backslash), so the longest run of parts that names a key is taken first.
local function dig_parts(node, parts, first)
  if first > #parts then return node end
  if type(node) ~= 'table' then return nil end
  for last = #parts, first, -1 do
    local key = table.concat(parts, '.', first, last)
    local index = key:match('^%d+$') and tonumber(key)
    local child
    if index and node[1] ~= nil then child = node[index + 1] else child = node[key] end
    if child ~= nil then
      local found = dig_parts(child, parts, last + 1)
      if found ~= nil then return found end
    end
  end
  return nil
end

local function dig(tree, key)
  local parts = {}
  for part in (key:gsub('\\%.', '\0') .. '.'):gmatch('(.-)%.') do
    parts[#parts + 1] = part:gsub('%z', '.')
  end
  return dig_parts(tree, parts, 1)
end

local function load_variables(stop)
  if variables then return variables end
  if not variables_path then stop("a 'var' shortcode needs a _variables.yml in the project") end
  local text = common.read_file(variables_path)
  if not text then stop("variables file '" .. variables_source .. "' not found") end
  variables = pandoc.json.decode(text, false)
  return variables
end

local function value_text(value)
  if math.type(value) == 'float' and value == math.floor(value) then
    return string.format('%d', value)
  end
  return tostring(value)
end

-- The value of an inline shortcode: a string (plain text) or pandoc Inlines.
local function resolve(words, source, raw)
  local name, key = words[1], words[2]
  local function location()
    local found = common.locate(source.path, common.escape_pattern(raw))
    if found ~= source.path then return found end -- else markdown changed it: find the name
    return common.locate(source.path, '{{<%s*' .. common.escape_pattern(name or ''))
  end
  local function stop(message) common.fail(location(), message) end
  if name == 'var' then
    if not key then stop("malformed shortcode '" .. raw .. "' (expected {{< var key >}})") end
    local value = dig(load_variables(stop), key)
    if value == nil then
      stop("unknown value key '" .. key .. "' (not in " .. variables_source .. ')')
    elseif value == pandoc.json.null then
      stop("value key '" .. key .. "' is empty in " .. variables_source)
    elseif type(value) == 'table' then
      stop("value key '" .. key .. "' is a group of values, not one value")
    end
    if mark_values then
      return pandoc.Inlines{ pandoc.Span(pandoc.Inlines(value_text(value)),
        pandoc.Attr('', { 'value' }, { { 'value-key', key } })) }
    end
    return value_text(value)
  elseif name == 'meta' then
    if not key then stop("malformed shortcode '" .. raw .. "' (expected {{< meta key >}})") end
    local value = dig(metadata, key)
    local kind = pandoc.utils.type(value)
    if value == nil then
      stop("unknown metadata key '" .. key .. "' (not in the document's metadata)")
    elseif kind == 'Inlines' then
      return value:clone()
    elseif kind == 'Blocks' then
      return pandoc.utils.blocks_to_inlines(value)
    elseif kind == 'string' or kind == 'boolean' or kind == 'number' then
      return tostring(value)
    end
    stop("metadata key '" .. key .. "' is a list or map, not one value")
  elseif name == 'env' then
    local value = key and os.getenv(key) or words[3]
    if value == nil then stop("environment variable '" .. tostring(key) .. "' is not set") end
    return value
  elseif name == 'kbd' then
    local keys = table.concat(words, ' ', 2)
    return pandoc.Inlines{
      common.shown_in({ 'html' }, { pandoc.RawInline('html', '<kbd>' .. keys .. '</kbd>') }, true),
      common.shown_in({ 'typst', 'docx', 'jats', 'other' }, pandoc.Inlines(keys), true),
    }
  elseif name == 'include' or name == 'pagebreak' then
    stop("'" .. raw .. "' must stand alone in its own paragraph")
  elseif QUARTO_ONLY[name] or extension_shortcodes then
    common.fail(location(), "the '" .. name .. "' shortcode is not supported by the pandoc "
      .. 'renderer (works with renderer: quarto)')
  end
  stop("unknown shortcode '" .. raw .. "' (this renderer knows var, meta, env, kbd, "
    .. 'include and pagebreak)')
end

local function as_inlines(value)
  if type(value) == 'string' then return pandoc.Inlines(value) end -- Str/Space: never markdown
  return value
end

-- Every shortcode in a string (attributes, targets, math, code, raw): its text.
local function expand_string(text, source)
  if not text:find('{{<', 1, true) then return text end
  return (text:gsub('({?){{<(.-)>}}(}?)', function(open, body, close)
    local raw = '{{<' .. body .. '>}}'
    if open == '{' and close == '}' then return raw end -- Quarto's escape: written literally
    return open .. pandoc.utils.stringify(as_inlines(resolve(parse_arguments(body), source, raw)))
      .. close
  end))
end

-- pandoc reads `{{< var a.b >}}` as Str "{{<", Space, Str "var", ..., Str ">}}", with any
-- neighbouring punctuation inside the first and last Str: gather text from a Str holding
-- "{{<" up to one holding ">}}".
local function expand_inlines(inlines, source)
  -- most lists hold no shortcode: left as they are (nil), not rebuilt element by element
  local any = false
  for _, element in ipairs(inlines) do
    if element.t == 'Str' and element.text:find('{{<', 1, true) then any = true; break end
  end
  if not any then return nil end
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
        elseif following and following.t == 'Quoted' then
          text = text .. '"' .. pandoc.utils.stringify(following.content) .. '"'
        elseif following and (following.t == 'Emph' or following.t == 'Strong'
            or following.t == 'Code') then
          -- markdown read `_word_` inside the shortcode as formatting: take the source back
          text = text .. pandoc.write(pandoc.Pandoc{ pandoc.Plain{ following } }, 'markdown')
            :gsub('%s+$', '')
        else
          local start = text:sub(open):match('^{{<%s*%S*%s*%S*') or '{{<'
          common.fail_at(source.path, common.escape_pattern(start),
            "malformed shortcode '" .. start .. "' (no closing >}} in the same paragraph, "
            .. 'or formatting inside it)')
        end
      end
      local close, close_end = text:find('>}}', open + 3, true)
      local before, after = text:sub(1, open - 1), text:sub(close_end + 1)
      local body = text:sub(open + 3, close - 1)
      local raw = '{{<' .. body .. '>}}'
      if before:sub(-1) == '{' and after:sub(1, 1) == '}' then
        before, after = before:sub(1, -2), after:sub(2)
        out:extend(pandoc.Inlines(before .. raw))
      else
        if before ~= '' then out:insert(pandoc.Str(before)) end
        out:extend(as_inlines(resolve(parse_arguments(body), source, raw)))
      end
      if after ~= '' then pending[#pending + 1] = pandoc.Str(after) end -- may hold another
    end
  end
  return out
end

-- Block shortcodes -------------------------------------------------------------------------------

-- `name` and arguments of a paragraph that is exactly one shortcode, else nil.
local function block_shortcode(block)
  if block.t ~= 'Para' and block.t ~= 'Plain' then return nil end
  local first = block.content[1]
  if not (first and first.t == 'Str' and first.text:match('^{{<')) then return nil end
  local text = pandoc.utils.stringify(block.content:walk{
    Quoted = function(q) return pandoc.Str('"' .. pandoc.utils.stringify(q.content) .. '"') end,
  })
  local body = text:match('^{{<(.-)>}}$')
  if not body or body:find('>}}', 1, true) then return nil end
  local words = parse_arguments(body)
  if words[1] == 'include' or words[1] == 'pagebreak' then return words, '{{<' .. body .. '>}}' end
end

local PAGEBREAK = {
  html = pandoc.RawBlock('html', '<div style="page-break-after: always;"></div>'),
  typst = pandoc.RawBlock('typst', '#pagebreak()'),
  docx = pandoc.RawBlock('openxml', '<w:p><w:r><w:br w:type="page"/></w:r></w:p>'),
}

local reader_format = { format = 'markdown', extensions = PANDOC_READER_OPTIONS.extensions }
local process_blocks -- defined below; includes and blocks call each other

-- Reading the included tables costs more than the rest of this filter, and between two renders
-- of an edited manuscript they rarely change. With a cache folder (metadata `reader-cache`, set
-- by the renderer), what pandoc's reader made of a file is kept there as JSON, named by a hash
-- of everything the reading depends on: the text, pandoc's version and the reader's options.
local reader_cache
local function reader_key(text)
  local options = PANDOC_READER_OPTIONS
  local abbreviations = {}
  for abbreviation in pairs(options.abbreviations) do abbreviations[#abbreviations + 1] = abbreviation end
  table.sort(abbreviations)
  local parts = {
    tostring(PANDOC_VERSION), table.concat(options.extensions, ','), table.concat(abbreviations, ','),
    options.columns, options.tab_stop, options.default_image_extension,
    table.concat(options.indented_code_classes, ','), tostring(options.strip_comments),
    options.track_changes, tostring(options.standalone), text,
  }
  return pandoc.utils.sha1(table.concat(parts, '\0'))
end

local function read_markdown(text)
  if not reader_cache then return pandoc.read(text, reader_format, PANDOC_READER_OPTIONS) end
  local path = pandoc.path.join{ reader_cache, reader_key(text) .. '.json' }
  local doc = common.load_json(path)
  if doc then return doc end
  doc = pandoc.read(text, reader_format, PANDOC_READER_OPTIONS)
  common.store_json(reader_cache, path, doc)
  return doc
end

local function read_include(target, source, raw)
  local path = pandoc.path.normalize(pandoc.path.join{ pandoc.path.directory(source.path), target })
  local function stop(message) common.fail_at(source.path, common.escape_pattern(raw), message) end
  for _, open in ipairs(source.chain) do
    if open == path then stop("include cycle: '" .. path .. "' includes itself") end
  end
  local text = common.read_file(path)
  if not text then stop("include file '" .. path .. "' not found") end
  local chain = { table.unpack(source.chain) }
  chain[#chain + 1] = path
  local included = { path = path, chain = chain }
  local blocks = process_blocks(read_markdown(text).blocks, included)
  -- tells the later filters which file these blocks came from (for their error lines)
  return pandoc.Div(blocks, pandoc.Attr('', { 'included' }, { source = path }))
end

local function expand_block_shortcode(block, source)
  local words, raw = block_shortcode(block)
  if not words then return nil end
  if words[1] == 'pagebreak' then
    local breaks = pandoc.Blocks{}
    for _, format in ipairs{ 'html', 'typst', 'docx' } do
      breaks:insert(common.shown_in({ format }, { PAGEBREAK[format] }))
    end
    return breaks
  end
  if not words[2] or words[3] then
    common.fail_at(source.path, common.escape_pattern(raw),
      "malformed include '" .. raw .. "': write one path, in quotes if it has spaces")
  end
  return read_include(words[2], source, raw)
end

local function attributes(element, source)
  for key, value in pairs(element.attributes) do
    element.attributes[key] = expand_string(value, source)
  end
  element.identifier = expand_string(element.identifier, source)
  return element
end

function process_blocks(blocks, source)
  local function text(element) element.text = expand_string(element.text, source); return element end
  -- A paragraph that is one block shortcode is expanded as the walk meets it. One whose text
  -- starts with "{{<" only once its inline shortcodes are expanded (a value's text, an escaped
  -- shortcode) is one too: for those, the blocks are walked a second time, as a whole-document
  -- walk costs more than the rest of this filter.
  local again = false
  local function block(element)
    if block_shortcode(element) then return expand_block_shortcode(element, source), false end
  end
  blocks = blocks:walk{
    traverse = 'topdown',
    Para = block,
    Plain = block,
    Inlines = function(inlines)
      local expanded = expand_inlines(inlines, source)
      local first = expanded and expanded[1]
      if first and first.t == 'Str' and first.text:match('^{{<') then again = true end
      return expanded
    end,
    Link = function(link) link.target = expand_string(link.target, source); return attributes(link, source) end,
    Image = function(image) image.src = expand_string(image.src, source); return attributes(image, source) end,
    Code = function(code) return attributes(text(code), source) end,
    CodeBlock = function(code) return attributes(text(code), source) end,
    Math = text, RawInline = text, RawBlock = text,
    Div = function(div) return attributes(div, source) end,
    Span = function(span)
      -- a value's own Span (resolve): its text is data, never read for shortcodes again
      if span.attributes['value-key'] and span.classes:includes('value') then return span, false end
      return attributes(span, source)
    end,
    Header = function(header) return attributes(header, source) end,
    Figure = function(figure) return attributes(figure, source) end,
    Table = function(tbl) return attributes(tbl, source) end,
  }
  if not again then return blocks end
  return blocks:walk{
    Para = function(block) return expand_block_shortcode(block, source) end,
    Plain = function(block) return expand_block_shortcode(block, source) end,
  }
end

-- Metadata values are walked like the body: title, abstract and any other field.
local function process_meta(value, source)
  local kind = pandoc.utils.type(value)
  if kind == 'Inlines' then
    return value:walk{ Inlines = function(inlines) return expand_inlines(inlines, source) end }
  elseif kind == 'Blocks' then
    return process_blocks(value, source)
  elseif kind == 'string' then
    return expand_string(value, source)
  elseif kind == 'List' or kind == 'table' or kind == 'Meta' then
    for key, item in pairs(value) do value[key] = process_meta(item, source) end
  end
  return value
end

function Pandoc(doc)
  doc.meta['_quarto'] = nil -- Quarto's own settings for its tests and tools, never shown
  local field = doc.meta['variables-file']
  variables_path = field and pandoc.utils.stringify(field)
  local source = doc.meta['variables-source']
  variables_source = source and pandoc.utils.stringify(source) or variables_path
  doc.meta['variables-file'], doc.meta['variables-source'] = nil, nil
  reader_cache = doc.meta['reader-cache'] and pandoc.utils.stringify(doc.meta['reader-cache'])
  doc.meta['reader-cache'] = nil
  local main = { path = common.input, chain = { common.input } }
  extension_shortcodes = doc.meta.shortcodes ~= nil
  metadata = doc.meta
  doc.meta = process_meta(doc.meta, main)
  metadata = doc.meta -- the body sees the title etc. with their own shortcodes expanded
  mark_values = doc.meta['provenance-file'] ~= nil
  doc.blocks = process_blocks(doc.blocks, main)
  return doc
end
