--[[
crossref.lua: Quarto's floats and cross-references for a plain pandoc render (every format).

Floats (floats.lua turns Quarto's float syntaxes into pandoc Figures and Tables first):
  fig-/tbl- Figures and Tables     "Figure 1: Caption"; subfloats "(a) Caption"
  $$ ... $$ {#eq-x}                the equation with "(1)" after it
  ## Title {#sec-x}                a section (numbers as `number-sections` gives them)
  ::: {#nte-x .callout-note}       a callout (callouts.lua made its title): "Note 1: Title"
References, as Quarto writes them:
  @fig-x "Figure 1", @Fig-x capitalised prefix, [-@fig-x] "1", [Fig. @fig-x] "Fig. 1",
  [@fig-a; @fig-b] "Figure 1, Figure 2", @fig-x-a (a subfloat) "Figure 1 (a)"
`crossref:` options: fig-title, tbl-title, eq-title?, *-prefix, title-delim, ref-delim,
labels, *-labels, subref-labels, ref-hyperlink, chapters. The words follow `lang` (common.lua).

Cite elements are replaced here, so this runs before --citeproc. An unknown or duplicate label
stops the render with `file:line: message`; a Quarto reference kind this renderer lacks
(theorems, listings) stops it as not supported.
]]

package.path = pandoc.path.directory(PANDOC_SCRIPT_FILE) .. '/?.lua;' .. package.path
local common = require('common')
local NBSP = common.NBSP

local CALLOUT_KINDS = { nte = 'note', tip = 'tip', wrn = 'warning', imp = 'important', cau = 'caution' }
local QUARTO_ONLY = {
  thm = 'theorem', lem = 'lemma', cor = 'corollary', prp = 'proposition', cnj = 'conjecture',
  def = 'definition', exm = 'example', exr = 'exercise', lst = 'listing', sol = 'solution',
  rem = 'remark',
}

local meta, words
local labels = {} -- id -> { kind, number (Inlines) | title, parent, order }
local seen = {} -- path .. id -> count, to find a duplicate's own line

local function kind_of(id)
  local prefix = id and id:match('^(%a+)%-')
  prefix = prefix and prefix:lower()
  if prefix == 'fig' or prefix == 'tbl' or prefix == 'eq' or prefix == 'sec' then return prefix end
  if prefix and CALLOUT_KINDS[prefix] then return prefix end
  return nil, prefix and QUARTO_ONLY[prefix]
end

local function option(key, default) return common.crossref_option(meta, key, default) end

-- The word before a number, in captions and titles ("Figure") and in references.
local function title_word(kind)
  if CALLOUT_KINDS[kind] then return words['callout-' .. CALLOUT_KINDS[kind] .. '-title'] end
  return pandoc.utils.stringify(option(kind .. '-title', words['crossref-' .. kind .. '-title']
    or words['crossref-' .. kind .. '-prefix']))
end

-- The reference prefix: the `<kind>-prefix` option, else the language's word (a caption title
-- set with `<kind>-title` does not change references, as in Quarto).
local function ref_word(kind, upper)
  local default = CALLOUT_KINDS[kind] and title_word(kind) or words['crossref-' .. kind .. '-prefix']
    or words['crossref-' .. kind .. '-title']
  local word = pandoc.utils.stringify(option(kind .. '-prefix', default))
  if upper then word = pandoc.text.upper(pandoc.text.sub(word, 1, 1)) .. pandoc.text.sub(word, 2) end
  return word
end

local ROMAN = { { 1000, 'm' }, { 900, 'cm' }, { 500, 'd' }, { 400, 'cd' }, { 100, 'c' },
  { 90, 'xc' }, { 50, 'l' }, { 40, 'xl' }, { 10, 'x' }, { 9, 'ix' }, { 5, 'v' }, { 4, 'iv' },
  { 1, 'i' } }

-- A counter in a `labels` style: arabic, roman, roman i/I, alpha a/A.
local function label_text(n, style)
  if style:match('^roman') then
    local out = ''
    for _, pair in ipairs(ROMAN) do
      while n >= pair[1] do out, n = out .. pair[2], n - pair[1] end
    end
    return style:match('I$') and out:upper() or out
  elseif style:match('^alpha') then
    local first = style:match('^alpha%s+(%S)') or 'a'
    return utf8.char(utf8.codepoint(first) + n - 1)
  end
  return tostring(n)
end

-- Pass 1: numbers --------------------------------------------------------------------------------

local counters = {}
local sections = {} -- current section counters
local top_level = math.huge

local function define(id, source, entry)
  local key = source .. '\0' .. id
  seen[key] = (seen[key] or 0) + 1
  if labels[id] then
    common.fail_at(source, '#' .. common.escape_pattern(id) .. '%f[^%w_%-]',
      "duplicate label '#" .. id .. "'", seen[key])
  end
  labels[id] = entry
end

local function next_number(kind)
  counters[kind] = (counters[kind] or 0) + 1
  local style = pandoc.utils.stringify(option(kind .. '-labels', pandoc.utils.stringify(
    option('labels', 'arabic'))))
  local number = label_text(counters[kind], style)
  if common.is_true(option('chapters')) and sections[1] then number = sections[1] .. '.' .. number end
  return number
end

local function caption_prefix(kind, number, has_text)
  local text = title_word(kind) .. NBSP .. number
  if has_text then text = text .. pandoc.utils.stringify(option('title-delim', ':')) .. ' ' end
  return text
end

local function prefix_caption(caption, text)
  local blocks = caption.long
  local has_text = #blocks > 0 and pandoc.utils.stringify(blocks) ~= ''
  if not has_text then
    caption.long = pandoc.Blocks{ pandoc.Plain(pandoc.Inlines(text)) }
  elseif blocks[1].content then
    blocks[1].content = pandoc.Inlines(text) .. blocks[1].content
  end
  return caption
end

local function number_subfloats(float, parent_id, source)
  local order = 0
  local style = pandoc.utils.stringify(option('subref-labels', 'alpha a'))
  float.content = float.content:walk{
    Figure = function(sub)
      order = order + 1
      local label = '(' .. label_text(order, style) .. ')'
      if sub.identifier ~= '' then
        define(sub.identifier, source, { kind = labels[parent_id].kind, parent = parent_id, label = label })
      end
      local has_text = pandoc.utils.stringify(sub.caption.long) ~= ''
      sub.caption = prefix_caption(sub.caption, has_text and (label .. ' ') or label)
      sub.classes:insert('quarto-subfloat')
      return sub
    end,
  }
  return float
end

local function number_float(float, kind, source)
  local number = next_number(kind)
  define(float.identifier, source, { kind = kind, number = number })
  if float.t == 'Figure' then float = number_subfloats(float, float.identifier, source) end
  local has_text = pandoc.utils.stringify(float.caption.long) ~= ''
  float.caption = prefix_caption(float.caption, caption_prefix(kind, number, has_text))
  return float
end

local function number_header(header, source)
  local id = header.identifier
  if header.classes:includes('unnumbered') or header.classes:includes('appendix') then
    if kind_of(id) == 'sec' then define(id, source, { kind = 'sec', title = header.content:clone() }) end
    return header
  end
  local depth = header.level - top_level + 1
  sections[depth] = (sections[depth] or 0) + 1
  for deeper = depth + 1, #sections do sections[deeper] = nil end
  for shallower = 1, depth - 1 do sections[shallower] = sections[shallower] or 0 end
  if depth == 1 and common.is_true(option('chapters')) then counters = {} end
  if kind_of(id) == 'sec' then
    define(id, source, { kind = 'sec', number = table.concat(sections, '.', 1, depth), depth = depth })
  end
  return header
end

-- The attributes after a display equation, `{#eq-x}` or `{#eq-x alt="..."}` (pandoc reads them
-- as words): the id, the alt text and how many inlines they took; nil if there are none.
local function equation_attributes(inlines, first)
  local start = inlines[first]
  if not (start and start.t == 'Str' and start.text:match('^{#eq%-')) then return nil end
  local text, last = '', first
  while inlines[last] do
    local element = inlines[last]
    text = text .. (element.t == 'Str' and element.text or element.t == 'Quoted'
      and '"' .. pandoc.utils.stringify(element.content) .. '"' or ' ')
    if element.t == 'Str' and element.text:match('}$') then break end
    last = last + 1
  end
  local id = text:match('^{#(eq%-[%w_%-:.]+)[%s}]')
  if not id then return nil end
  return id, text:match('alt%s*=%s*"(.-)"'), last - first + 1
end

-- `$$ ... $$ {#eq-x}`: the equation and its number, "(1)", as Quarto shows it.
local function number_equations(para, source)
  local content, changed = pandoc.Inlines{}, false
  local i = 1
  while i <= #para.content do
    local element = para.content[i]
    local id, alt, taken
    if element.t == 'Math' and element.mathtype == 'DisplayMath' and para.content[i + 1]
        and para.content[i + 1].t == 'Space' then
      id, alt, taken = equation_attributes(para.content, i + 2)
    end
    if id then
      local number = next_number('eq')
      define(id, source, { kind = 'eq', number = number })
      content:insert(pandoc.Span({ element, pandoc.Str(NBSP .. '(' .. number .. ')') },
        pandoc.Attr(id, { 'quarto-equation' }, alt and { alt = alt } or {})))
      i, changed = i + 2 + taken, true
    else
      content:insert(element)
      i = i + 1
    end
  end
  if changed then para.content = content; return para end
end

local function number_callout(div, kind, source)
  local number = next_number(kind)
  define(div.identifier, source, { kind = kind, number = number })
  local text = title_word(kind) .. NBSP .. number
  local delimiter = pandoc.utils.stringify(option('title-delim', ':'))
  div.content = div.content:walk{
    Div = function(title)
      if not title.classes:includes('callout-title') then return nil end
      local strong = title.content[1].content[1]
      if title.attributes.explicit then
        strong.content = pandoc.Inlines(text .. delimiter .. ' ') .. strong.content
      else
        strong.content = pandoc.Inlines(text)
      end
      return title
    end,
  }
  return div
end

local function collect(blocks, source)
  -- every paragraph is searched for an equation only if its file labels one: the search costs
  -- a third of this filter
  local equations = common.source_text(source):find('{#eq-', 1, true)
  return blocks:walk{
    traverse = 'topdown',
    Div = function(div)
      if div.classes:includes('included') then
        div.content = collect(div.content, div.attributes.source)
        return div, false
      end
      local kind = kind_of(div.identifier)
      if kind and CALLOUT_KINDS[kind] and div.classes:includes('callout') then
        div.content = collect(div.content, source)
        return number_callout(div, kind, source), false
      end
    end,
    Figure = function(figure)
      local kind = kind_of(figure.identifier)
      if kind == 'fig' or kind == 'tbl' then return number_float(figure, kind, source), false end
    end,
    Table = function(tbl)
      if kind_of(tbl.identifier) == 'tbl' then return number_float(tbl, 'tbl', source) end
    end,
    Header = function(header) return number_header(header, source) end,
    Para = equations and function(para) return number_equations(para, source) end or nil,
  }
end

-- Pass 2: references ------------------------------------------------------------------------------

local function reference_number(label)
  if label.parent then
    local parent = labels[label.parent]
    return parent.number .. ' ' .. label.label
  end
  return label.number
end

local function render_cite(cite, source)
  local out = pandoc.Inlines{}
  local delimiter = pandoc.utils.stringify(option('ref-delim', ','))
  local hyperlink = option('ref-hyperlink') ~= false
  for i, citation in ipairs(cite.citations) do
    local upper = citation.id:match('^%u') ~= nil
    local id = citation.id:gsub('^%a', string.lower)
    local label = labels[id]
    if not label then
      common.fail_at(source, '@' .. common.escape_pattern(citation.id) .. '%f[^%w_%-]',
        "unknown cross-reference '@" .. citation.id .. "'")
    end
    if i > 1 then out:extend{ pandoc.Str(delimiter), pandoc.Space() } end
    local ref = pandoc.Inlines{}
    if #citation.prefix > 0 then
      ref:extend(citation.prefix)
      ref:insert(pandoc.Str(NBSP))
    elseif citation.mode ~= 'SuppressAuthor' then
      local kind = label.kind
      if kind == 'sec' and common.is_true(option('chapters')) and label.depth == 1 then kind = 'ch' end
      ref:insert(pandoc.Str(ref_word(kind, upper) .. NBSP))
    end
    if label.number or label.parent then
      ref:extend(pandoc.Inlines(reference_number(label)))
    else
      ref:extend(label.title)
    end
    if hyperlink then ref = pandoc.Inlines{ pandoc.Link(ref, '#' .. id) } end
    out:extend(ref)
    out:extend(citation.suffix)
  end
  return out
end

local function resolve(blocks, source)
  return blocks:walk{
    traverse = 'topdown',
    Div = function(div)
      if div.classes:includes('included') then return resolve(div.content, div.attributes.source), false end
    end,
    Cite = function(cite)
      local crossrefs = 0
      for _, citation in ipairs(cite.citations) do
        local kind, quarto_only = kind_of(citation.id)
        if quarto_only then
          common.unsupported(source, '@' .. common.escape_pattern(citation.id),
            'a reference to a ' .. quarto_only .. " ('@" .. citation.id .. "')")
        end
        if kind then crossrefs = crossrefs + 1 end
      end
      if crossrefs == 0 then return nil end
      if crossrefs < #cite.citations then
        common.fail_at(source, '@' .. common.escape_pattern(cite.citations[1].id) .. '%f[^%w_%-]',
          'a cross-reference and a literature citation share one bracket; write them separately')
      end
      return render_cite(cite, source), false
    end,
  }
end

function Pandoc(doc)
  meta, words = doc.meta, common.words(doc.meta)
  doc.blocks:walk{ Header = function(header) top_level = math.min(top_level, header.level) end }
  doc.blocks = collect(doc.blocks, common.input)
  doc.blocks = resolve(doc.blocks, common.input)
  doc.meta = pandoc.Pandoc({}, doc.meta):walk{
    Cite = function(cite) return resolve(pandoc.Blocks{ pandoc.Plain{ cite } }, common.input)[1].content end,
  }.meta
  -- typst numbers headings itself, from level 1: its headings are lifted so that its numbers
  -- match (by per-format.lua, as only the typst writer needs it)
  if top_level > 1 and top_level < math.huge then
    common.set_per_format(doc.meta, 'typst', 'heading-shift', tostring(top_level - 1))
  end
  return doc
end
