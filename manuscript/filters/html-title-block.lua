--[[
html-title-block.lua: Quarto's title-block fields for pandoc's HTML template (HTML output only).

pandoc's template prints each author as plain text, so an author written the Quarto way,
`- name: ...` with an `affiliation:`, comes out as the word "true". Each such author becomes its
name, a line break and the affiliation (class "affiliation"), and `author-meta` (the page's
<meta name="author">) keeps the names alone. The template shows no keywords; they are added
below the abstract as a paragraph of class "keywords", as the PDF shows them.
]]

if not FORMAT:match('html') then return {} end

local function inlines(value)
  if value == nil then return nil end
  local kind = pandoc.utils.type(value)
  if kind == 'Inlines' then return value end
  if kind == 'Blocks' then return pandoc.utils.blocks_to_inlines(value) end
  return pandoc.Inlines(pandoc.utils.stringify(value))
end

local function authors(meta)
  local list = meta.author
  if list == nil then return end
  if pandoc.utils.type(list) ~= 'List' then list = pandoc.List{ list } end
  local shown, names = pandoc.List{}, pandoc.List{}
  for _, author in ipairs(list) do
    if pandoc.utils.type(author) == 'table' and author.name then
      local name = inlines(author.name)
      local entry = name:clone()
      local affiliation = inlines(author.affiliation)
      if affiliation and #affiliation > 0 then
        entry:insert(pandoc.LineBreak())
        entry:insert(pandoc.Span(affiliation, pandoc.Attr('', { 'affiliation' })))
      end
      shown:insert(pandoc.MetaInlines(entry))
      names:insert(pandoc.utils.stringify(name))
    else
      shown:insert(author)
      names:insert(pandoc.utils.stringify(author))
    end
  end
  meta.author = shown
  if meta['author-meta'] == nil then meta['author-meta'] = table.concat(names, ', ') end
end

local function keywords(meta)
  local list = meta.keywords
  if list == nil then return end
  if pandoc.utils.type(list) ~= 'List' then list = pandoc.List{ list } end
  if #list == 0 then return end
  local line = pandoc.Inlines{ pandoc.Strong('Keywords'), pandoc.Space() }
  for i, keyword in ipairs(list) do
    if i > 1 then line:extend{ pandoc.Str('\u{a0}·'), pandoc.Space() } end
    line:insert(pandoc.Span(inlines(keyword), pandoc.Attr('', { 'keyword' })))
  end
  local paragraph = pandoc.Para(line)
  local abstract = meta.abstract
  if abstract == nil then
    meta.abstract = pandoc.MetaBlocks{ paragraph }
    return
  end
  local kind = pandoc.utils.type(abstract)
  local blocks = kind == 'Blocks' and abstract or pandoc.Blocks{ pandoc.Plain(inlines(abstract)) }
  blocks:insert(pandoc.Div({ paragraph }, pandoc.Attr('', { 'keywords' })))
  meta.abstract = pandoc.MetaBlocks(blocks)
end

return {
  {
    Meta = function(meta)
      authors(meta)
      keywords(meta)
      return meta
    end,
  },
}
