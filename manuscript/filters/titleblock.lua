--[[
titleblock.lua: Quarto's title-block metadata, read once and shown the same way in every format.

Authors, as Quarto's schema has them: a string, or a map with `name` (text or given/family),
`affiliation`/`affiliations` (text, maps with `name`, or `ref:` to an id in the top-level
`affiliations:` list), `email`, `orcid`. Each author becomes `{ name, affiliation }` (the
affiliations' names joined by "; "), which every writer prints: HTML as the name over the
affiliation, typst through the template's `author.name` / `author.affiliation`, Word as
"Name (Affiliation)", JATS with the affiliation as the contributor's role, because in this
compendium's manuscript it describes a role rather than an institution.

`date: today`, `now` or `last-modified` is the build's date (SOURCE_DATE_EPOCH, so the bytes do
not change from one day to the next); an ISO date is written long, in the document's language.
Keywords: shown below the abstract in HTML, as the PDF shows them.
]]

package.path = pandoc.path.directory(PANDOC_SCRIPT_FILE) .. '/?.lua;' .. package.path
local common = require('common')

local MONTHS = {
  en = { 'January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September',
    'October', 'November', 'December' },
  de = { 'Januar', 'Februar', 'März', 'April', 'Mai', 'Juni', 'Juli', 'August', 'September',
    'Oktober', 'November', 'Dezember' },
  fr = { 'janvier', 'février', 'mars', 'avril', 'mai', 'juin', 'juillet', 'août', 'septembre',
    'octobre', 'novembre', 'décembre' },
  es = { 'enero', 'febrero', 'marzo', 'abril', 'mayo', 'junio', 'julio', 'agosto', 'septiembre',
    'octubre', 'noviembre', 'diciembre' },
}

local function long_date(year, month, day, lang)
  local y, m, d = tonumber(year), tonumber(month), tonumber(day)
  if lang == 'de' then return string.format('%d. %s %d', d, MONTHS.de[m], y) end
  if lang == 'fr' then return string.format('%d %s %d', d, MONTHS.fr[m], y) end
  if lang == 'es' then return string.format('%d de %s de %d', d, MONTHS.es[m], y) end
  if lang == 'zh' then return string.format('%d年%d月%d日', y, m, d) end
  return string.format('%s %d, %d', MONTHS.en[m], d, y)
end

local function date(meta)
  if meta.date == nil then return end
  local text = pandoc.utils.stringify(meta.date)
  if text == 'today' or text == 'now' or text == 'last-modified' then
    local epoch = tonumber(os.getenv('SOURCE_DATE_EPOCH') or '') or os.time()
    text = os.date('!%Y-%m-%d', epoch)
  end
  local year, month, day = text:match('^(%d%d%d%d)[-/](%d%d?)[-/](%d%d?)$')
  local format = meta['date-format'] and pandoc.utils.stringify(meta['date-format']) or 'long'
  if year and format == 'iso' then
    meta.date = pandoc.MetaInlines(pandoc.Inlines(string.format('%s-%02d-%02d', year, month, day)))
  elseif year and format == 'long' then
    local lang = meta.lang and pandoc.utils.stringify(meta.lang):lower():match('^(%a+)') or 'en'
    meta.date = pandoc.MetaInlines(pandoc.Inlines(long_date(year, month, day, lang)))
  elseif year then
    meta.date = pandoc.MetaInlines(pandoc.Inlines(text))
  end
end

-- Authors ---------------------------------------------------------------------------------------

local function affiliation_name(affiliation, by_id)
  if pandoc.utils.type(affiliation) ~= 'table' then return common.inlines(affiliation) end
  if affiliation.ref then
    local found = by_id[pandoc.utils.stringify(affiliation.ref)]
    if not found then
      common.fail_at(common.input, 'ref:%s*' .. common.escape_pattern(
        pandoc.utils.stringify(affiliation.ref)), "unknown affiliation '"
        .. pandoc.utils.stringify(affiliation.ref) .. "'")
    end
    return affiliation_name(found, by_id)
  end
  return common.inlines(affiliation.name or affiliation.department or affiliation.id)
end

local function author_name(name)
  if pandoc.utils.type(name) == 'table' and (name.given or name.family or name.literal) then
    if name.literal then return common.inlines(name.literal) end
    local parts = pandoc.Inlines{}
    if name.given then parts:extend(common.inlines(name.given)) end
    if name.given and name.family then parts:insert(pandoc.Space()) end
    if name.family then parts:extend(common.inlines(name.family)) end
    return parts
  end
  return common.inlines(name)
end

-- Each author as { name = Inlines, affiliation = Inlines or nil }.
local function authors(meta)
  local by_id = {}
  for _, affiliation in ipairs(common.list(meta.affiliations)) do
    if pandoc.utils.type(affiliation) == 'table' and affiliation.id then
      by_id[pandoc.utils.stringify(affiliation.id)] = affiliation
    end
  end
  local out = {}
  for _, author in ipairs(common.list(meta.author or meta.authors)) do
    if pandoc.utils.type(author) == 'table' and author.name then
      local names = pandoc.Inlines{}
      for _, affiliation in ipairs(common.list(author.affiliations or author.affiliation)) do
        if #names > 0 then names:extend{ pandoc.Str(';'), pandoc.Space() } end
        names:extend(affiliation_name(affiliation, by_id))
      end
      out[#out + 1] = { name = author_name(author.name), affiliation = #names > 0 and names or nil }
    else
      out[#out + 1] = { name = common.inlines(author) }
    end
  end
  return out
end

local function html_author(author)
  local line = author.name:clone()
  if author.affiliation then
    line:insert(pandoc.LineBreak())
    line:insert(pandoc.Span(author.affiliation, pandoc.Attr('', { 'affiliation' })))
  end
  return pandoc.MetaInlines(line)
end

local function docx_author(author)
  local line = author.name:clone()
  if author.affiliation then
    line:insert(pandoc.Str(' ('))
    line:extend(author.affiliation)
    line:insert(pandoc.Str(')'))
  end
  return pandoc.MetaInlines(line)
end

local function map_author(author, key)
  local entry = { name = pandoc.MetaInlines(author.name) }
  if author.affiliation then
    if key == 'roles' then
      entry.roles = pandoc.List{ pandoc.MetaMap{ name = pandoc.MetaInlines(author.affiliation) } }
    else
      entry.affiliation = pandoc.MetaInlines(author.affiliation)
    end
  end
  return pandoc.MetaMap(entry)
end

local function keywords(meta)
  local list = common.list(meta.keywords)
  if #list == 0 then return end
  local line = pandoc.Inlines{ pandoc.Strong('Keywords'), pandoc.Space() }
  for i, keyword in ipairs(list) do
    if i > 1 then line:extend{ pandoc.Str('\u{a0}·'), pandoc.Space() } end
    line:insert(pandoc.Span(common.inlines(keyword), pandoc.Attr('', { 'keyword' })))
  end
  local abstract = meta.abstract
  local blocks = pandoc.utils.type(abstract) == 'Blocks' and abstract:clone()
    or pandoc.Blocks(abstract and { pandoc.Plain(common.inlines(abstract)) } or {})
  blocks:insert(pandoc.Div({ pandoc.Para(line) }, pandoc.Attr('', { 'keywords' })))
  return pandoc.MetaBlocks(blocks)
end

-- How each format family shows an author (the writers' templates differ).
local SHOW_AUTHOR = {
  html = html_author,
  docx = docx_author,
  jats = function(author) return map_author(author, 'roles') end,
  other = function(author) return map_author(author, 'affiliation') end,
}

-- The author lines differ by format: each family gets its own (per-format.lua picks them).
function Meta(meta)
  date(meta)
  local list = authors(meta)
  meta.authors, meta.affiliations = nil, nil
  if #list == 0 then return meta end
  local names = pandoc.List{}
  for _, author in ipairs(list) do names:insert(pandoc.utils.stringify(author.name)) end
  for family, show in pairs(SHOW_AUTHOR) do
    local shown = pandoc.List{}
    for _, author in ipairs(list) do shown:insert(show(author)) end
    common.set_per_format(meta, family, 'author', shown)
  end
  if meta['author-meta'] == nil then
    common.set_per_format(meta, 'html', 'author-meta', table.concat(names, ', '))
  end
  common.set_per_format(meta, 'html', 'abstract', keywords(meta))
  return meta
end
