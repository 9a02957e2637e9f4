--[[
appendix.lua: Quarto's appendix region.

Sections marked `.appendix` leave the body for its end, in their order, unnumbered; after them
come the references (unless the document placed `::: {#refs}` itself) and, when the document has
`license:`, a "Reuse" section with it (a Creative Commons name written out with its version and
link, as Quarto writes it); with `citation:` metadata, the "Citation" section: "For attribution, please cite this work as:" and
the document's own entry, formatted by citeproc with the document's CSL style. (Footnotes follow,
where pandoc's writers put them.) Titles follow `lang` (common.lua). Runs before crossref.lua,
so that the appendix does not take section numbers.
]]

package.path = pandoc.path.directory(PANDOC_SCRIPT_FILE) .. '/?.lua;' .. package.path
local common = require('common')

-- The blocks of each `.appendix` section (its heading up to the next heading of its level).
local function split_appendices(blocks)
  local body, appendices, level = pandoc.Blocks{}, pandoc.Blocks{}, nil
  for _, block in ipairs(blocks) do
    if block.t == 'Header' and level and block.level <= level then level = nil end
    if block.t == 'Header' and not level and block.classes:includes('appendix') then
      level = block.level
    end
    if level then
      if block.t == 'Header' and not block.classes:includes('unnumbered') then
        block.classes:insert('unnumbered')
      end
      appendices:insert(block)
    else
      body:insert(block)
    end
  end
  return body, appendices
end

local function has_refs_div(blocks)
  local found = false
  blocks:walk{ Div = function(div) if div.identifier == 'refs' then found = true end end }
  return found
end

local function self_reference(meta)
  local citation = pandoc.utils.type(meta.citation) == 'table' and meta.citation or {}
  local item = { id = 'quarto-self', type = citation.type or 'article',
    title = meta.title and pandoc.utils.stringify(meta.title) }
  local authors = {}
  for _, author in ipairs(common.list(meta.author)) do
    local name = pandoc.utils.type(author) == 'table' and author.name or author
    if pandoc.utils.type(name) == 'table' and name.family then
      authors[#authors + 1] = { family = pandoc.utils.stringify(name.family),
        given = name.given and pandoc.utils.stringify(name.given) }
    else
      local text = pandoc.utils.stringify(name)
      local given, family = text:match('^(.-)%s+(%S+)$')
      authors[#authors + 1] = family and { family = family, given = given } or { literal = text }
    end
  end
  item.author = authors
  local date = meta.date and pandoc.utils.stringify(meta.date)
  local year, month, day = (date or ''):match('^(%d%d%d%d)%-?(%d*)%-?(%d*)')
  if year then
    item.issued = { ['date-parts'] = { { tonumber(year), tonumber(month), tonumber(day) } } }
  end
  for _, key in ipairs{ 'url', 'doi', 'container-title', 'volume', 'issue', 'page', 'publisher' } do
    local value = citation[key] or (key == 'url' or key == 'doi') and meta[key]
    if value then item[key:upper() == 'URL' and 'URL' or key == 'doi' and 'DOI' or key] =
      pandoc.utils.stringify(value) end
  end
  return item
end

-- The document's own entry, as the reference list would show it.
local function cite_as(meta)
  local doc = pandoc.Pandoc({}, {
    references = { self_reference(meta) },
    nocite = pandoc.MetaInlines{ pandoc.Cite({ pandoc.Str('@quarto-self') },
      { pandoc.Citation('quarto-self', 'NormalCitation') }) },
    csl = meta.csl,
    lang = meta.lang,
  })
  local formatted = pandoc.utils.citeproc(doc)
  local entry = pandoc.Blocks{}
  formatted.blocks:walk{ Div = function(div)
    if div.identifier == 'ref-quarto-self' then entry = div.content end
  end }
  return entry
end

-- "CC BY" -> "CC BY 4.0" and its deed; "CC0" -> "CC0 1.0"; any other text as it is.
local function licence_blocks(licence)
  local out = pandoc.Blocks{}
  for _, item in ipairs(common.list(licence)) do
    local text, url
    if pandoc.utils.type(item) == 'table' and (item.text or item.url) then
      text = pandoc.utils.stringify(item.text or item.url)
      url = item.url and pandoc.utils.stringify(item.url)
    else
      text = pandoc.utils.stringify(item)
      local kinds, version = text:match('^CC[%s%-]+([A-Za-z%-]+)%s*([%d.]*)$')
      if text:match('^CC0') then
        text, url = 'CC0 1.0', 'https://creativecommons.org/publicdomain/zero/1.0/'
      elseif kinds then
        version = version ~= '' and version or '4.0'
        text = 'CC ' .. kinds:upper() .. ' ' .. version
        url = 'https://creativecommons.org/licenses/' .. kinds:lower() .. '/' .. version .. '/'
      end
    end
    local inlines = pandoc.Inlines(text)
    out:insert(pandoc.Para(url and { pandoc.Link(inlines, url) } or inlines))
  end
  return out
end

function Pandoc(doc)
  local words = common.words(doc.meta)
  local body, appendices = split_appendices(doc.blocks)
  local wants_citation = doc.meta.citation ~= nil and doc.meta.citation ~= false
  if #appendices == 0 and not wants_citation and not doc.meta.license then return nil end
  body:extend(appendices)
  if (wants_citation or doc.meta.license) and not has_refs_div(body) then
    body:insert(pandoc.Div({}, pandoc.Attr('refs')))
  end
  if doc.meta.license then
    body:insert(pandoc.Header(2, words['section-title-reuse'],
      pandoc.Attr('quarto-reuse', { 'unnumbered', 'appendix' })))
    body:extend(licence_blocks(doc.meta.license))
  end
  if wants_citation then
    body:insert(pandoc.Header(2, words['section-title-citation'],
      pandoc.Attr('quarto-citation', { 'unnumbered', 'appendix' })))
    body:insert(pandoc.Para(words['appendix-attribution-cite-as']))
    body:extend(cite_as(doc.meta))
  end
  doc.blocks = body
  return doc
end
