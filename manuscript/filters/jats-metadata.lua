--[[
jats-metadata.lua: front matter that pandoc's JATS writer takes from other fields (JATS only).

The keywords become the `kwd-group` (pandoc reads `tags`), and the manuscript's `licences`
(one per scope: text and data, code) become `license` elements with their links. Authors are
titleblock.lua's.
]]

if not FORMAT:match('jats') then return {} end

local licence_links = {
  ['CC BY 4.0'] = 'https://creativecommons.org/licenses/by/4.0/',
  ['MIT'] = 'https://opensource.org/license/mit',
}
local licence_scopes = { data = 'Text and data', code = 'Code' }

function Meta(meta)
  if meta.keywords and not meta.tags then
    meta.tags = meta.keywords
  end
  if meta.licences and not meta.license then
    local licences = pandoc.List{}
    local scopes = {}
    for scope in pairs(meta.licences) do table.insert(scopes, scope) end
    table.sort(scopes, function(a, b) return a > b end) -- "data" (text and data) first
    for _, scope in ipairs(scopes) do
      local name = pandoc.utils.stringify(meta.licences[scope])
      local label = licence_scopes[scope] or (scope:gsub('^%l', string.upper))
      local entry = { text = pandoc.MetaInlines{ pandoc.Str(label .. ': ' .. name) } }
      if licence_links[name] then
        entry.link = pandoc.MetaString(licence_links[name])
        if scope == 'data' then entry.type = pandoc.MetaString('open-access') end
      end
      licences:insert(pandoc.MetaMap(entry))
    end
    meta.license = licences
  end
  return meta
end
