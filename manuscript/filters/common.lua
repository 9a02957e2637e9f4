--[[
common.lua: helpers shared by the filters (loaded with `require 'common'`).

Errors: every filter stops a render with one line, `file:LINE: message`, because a document with
a hole in it must never be published. `locate` finds the line of a pattern in a source file;
`unsupported` names a Quarto construct that only Quarto itself renders.

Language: Quarto's words for the document's `lang` (captions, references, callout titles,
appendix titles), from Quarto's documented translations, overridable with `language:`.
]]

local M = {}

M.NBSP = '\u{a0}'

local sources = {}

function M.read_file(path)
  local handle = io.open(path, 'r')
  if not handle then return nil end
  local text = handle:read('a')
  handle:close()
  return text
end

-- The document `store_json` kept at `path`, or nil if there is none or it cannot be read whole.
function M.load_json(path)
  local text = M.read_file(path)
  local ok, doc = pcall(pandoc.read, text or '', 'json')
  if text and ok then return doc end
end

-- Writes `doc` as pandoc JSON to `path` in `folder` (a cache of the filters): written whole in
-- a folder of its own, then moved, so a render running beside this one never reads half a file.
function M.store_json(folder, path, doc)
  pandoc.system.make_directory(folder, true)
  pandoc.system.with_temporary_directory(folder, 'partial', function(partial_folder)
    local partial = pandoc.path.join{ partial_folder, pandoc.path.filename(path) }
    local handle = io.open(partial, 'w')
    if handle then
      handle:write(pandoc.write(doc, 'json'))
      handle:close()
      os.rename(partial, path)
    end
  end)
end

function M.source_text(path)
  if sources[path] == nil then sources[path] = M.read_file(path) or '' end
  return sources[path]
end

function M.escape_pattern(text)
  return (text:gsub('[%^%$%(%)%%%.%[%]%*%+%-%?]', '%%%0'))
end

-- "path:LINE" of the nth match of a Lua pattern in a file ("path" if there is none).
function M.locate(path, pattern, nth)
  local text, position = M.source_text(path), 0
  for _ = 1, nth or 1 do
    position = text:find(pattern, position + 1)
    if not position then return path end
  end
  if text:sub(position, position) == '\n' then position = position + 1 end
  local _, newlines = text:sub(1, position - 1):gsub('\n', '')
  return path .. ':' .. (newlines + 1)
end

function M.fail(location, message)
  io.stderr:write(location, ': ', message, '\n')
  os.exit(1)
end

-- Stops at the first line of `path` matching `pattern`.
function M.fail_at(path, pattern, message, nth)
  M.fail(M.locate(path, pattern, nth), message)
end

function M.unsupported(path, pattern, construct)
  M.fail_at(path, pattern, construct .. ' is not supported by the pandoc renderer '
    .. '(works with renderer: quarto)')
end

-- The document's own path: the renderer may have pandoc read a copy, and names the original.
-- `blocks` with `fill` applied to every Div reached through Divs alone (a Div it changes is not
-- searched further), far cheaper than a walk of every element; callers walk the whole document
-- when this finds nothing.
function M.fill_divs(blocks, fill)
  for index, block in ipairs(blocks) do
    if block.t == 'Div' then
      local filled = fill(block)
      if filled ~= nil then
        blocks[index] = filled
      else
        block.content = M.fill_divs(block.content, fill)
        blocks[index] = block
      end
    end
  end
  return blocks
end

local named = (PANDOC_WRITER_OPTIONS.variables or {})['source-path']
M.input = named and tostring(named) or PANDOC_STATE.input_files[1] or '-'

-- Output formats ------------------------------------------------------------------------------
-- The filters before and around citeproc run once, for every output format at once
-- (tooling/render.py writes the four formats from one parse). Where what they make depends on
-- the format, they mark it, and per-format.lua, run for each format, settles it:
--   a Div or Span with `formats-show="html typst"`: its content in those families, else nothing;
--   a Div with `formats-unwrap="typst"`: its content in those families, else the Div itself;
--   an attribute `formats:html:style="..."`: the attribute `style` in that family only;
--   metadata `per-format.<family>.<key>`: `<key>` in that family (`other` serves the rest).

M.FORMAT_FAMILIES = { 'html', 'typst', 'docx', 'jats' }

-- The family of a pandoc output format ('html5' is html, 'jats_archiving' jats), or 'other'.
function M.format_family(format)
  for _, family in ipairs(M.FORMAT_FAMILIES) do
    if format:match(family) then return family end
  end
  return 'other'
end

-- Content that only the listed families show (a Div for blocks, a Span for inlines).
function M.shown_in(families, content, inline)
  local make = inline and pandoc.Span or pandoc.Div
  return make(content, pandoc.Attr('', {}, { ['formats-show'] = table.concat(families, ' ') }))
end

-- Metadata that only one family gets (see per-format.lua).
function M.set_per_format(meta, family, key, value)
  local choices = meta['per-format'] or {}
  local chosen = choices[family] or {}
  chosen[key] = value
  choices[family] = chosen
  meta['per-format'] = choices
end

-- Metadata ------------------------------------------------------------------------------------

function M.inlines(value)
  if value == nil then return nil end
  local kind = pandoc.utils.type(value)
  if kind == 'Inlines' then return value end
  if kind == 'Blocks' then return pandoc.utils.blocks_to_inlines(value) end
  return pandoc.Inlines(pandoc.utils.stringify(value))
end

function M.list(value)
  if value == nil then return pandoc.List{} end
  if pandoc.utils.type(value) == 'List' then return value end
  return pandoc.List{ value }
end

function M.is_true(value)
  if value == nil then return false end
  if type(value) == 'boolean' then return value end
  local text = pandoc.utils.stringify(value)
  return text == 'true' or text == 'yes'
end

-- Language ------------------------------------------------------------------------------------
-- Quarto's translations (its documentation's language files): the words a reader sees.

local WORDS = {
  en = {
    ['crossref-fig-title'] = 'Figure', ['crossref-tbl-title'] = 'Table',
    ['crossref-eq-prefix'] = 'Equation', ['crossref-sec-prefix'] = 'Section',
    ['crossref-ch-prefix'] = 'Chapter', ['crossref-apx-prefix'] = 'Appendix',
    ['callout-note-title'] = 'Note', ['callout-tip-title'] = 'Tip',
    ['callout-warning-title'] = 'Warning', ['callout-important-title'] = 'Important',
    ['callout-caution-title'] = 'Caution',
    ['section-title-appendices'] = 'Appendices', ['section-title-references'] = 'References',
    ['section-title-reuse'] = 'Reuse',
    ['section-title-citation'] = 'Citation', ['section-title-footnotes'] = 'Footnotes',
    ['appendix-attribution-cite-as'] = 'For attribution, please cite this work as:',
  },
  de = {
    ['crossref-fig-title'] = 'Abbildung', ['crossref-tbl-title'] = 'Tabelle',
    ['crossref-eq-prefix'] = 'Gleichung', ['crossref-sec-prefix'] = 'Kapitel',
    ['crossref-ch-prefix'] = 'Kapitel', ['crossref-apx-prefix'] = 'Anhang',
    ['callout-note-title'] = 'Hinweis', ['callout-tip-title'] = 'Tipp',
    ['callout-warning-title'] = 'Warnung', ['callout-important-title'] = 'Wichtig',
    ['callout-caution-title'] = 'Vorsicht',
    ['section-title-appendices'] = 'Anhang', ['section-title-references'] = 'Literatur',
    ['section-title-reuse'] = 'Wiederverwendung',
    ['section-title-citation'] = 'Zitat', ['section-title-footnotes'] = 'Fußnoten',
    ['appendix-attribution-cite-as'] = 'Bitte zitieren Sie diese Arbeit als:',
  },
  fr = {
    ['crossref-fig-title'] = 'Figure', ['crossref-tbl-title'] = 'Table',
    ['crossref-eq-prefix'] = 'Équation', ['crossref-sec-prefix'] = 'Section',
    ['crossref-ch-prefix'] = 'Chapitre', ['crossref-apx-prefix'] = 'Annexe',
    ['callout-note-title'] = 'Note', ['callout-tip-title'] = 'Astuce',
    ['callout-warning-title'] = 'Avertissement', ['callout-important-title'] = 'Important',
    ['callout-caution-title'] = 'Mise en garde',
    ['section-title-appendices'] = 'Annexes', ['section-title-references'] = 'Les références',
    ['section-title-reuse'] = 'Réutilisation',
    ['section-title-citation'] = 'Citation', ['section-title-footnotes'] = 'Notes de bas de page',
    ['appendix-attribution-cite-as'] = 'Veuillez citer ce travail comme suit :',
  },
  es = {
    ['crossref-fig-title'] = 'Figura', ['crossref-tbl-title'] = 'Tabla',
    ['crossref-eq-prefix'] = 'Ecuación', ['crossref-sec-prefix'] = 'Sección',
    ['crossref-ch-prefix'] = 'Capítulo', ['crossref-apx-prefix'] = 'Apéndice',
    ['callout-note-title'] = 'Nota', ['callout-tip-title'] = 'Tip',
    ['callout-warning-title'] = 'Advertencia', ['callout-important-title'] = 'Importante',
    ['callout-caution-title'] = 'Precaución',
    ['section-title-appendices'] = 'Apéndices', ['section-title-references'] = 'Referencias',
    ['section-title-reuse'] = 'Reutilización',
    ['section-title-citation'] = 'Cómo citar', ['section-title-footnotes'] = 'Notas',
    ['appendix-attribution-cite-as'] = 'Por favor, cita este trabajo como:',
  },
  zh = {
    ['crossref-fig-title'] = '图', ['crossref-tbl-title'] = '表',
    ['crossref-eq-prefix'] = '式', ['crossref-sec-prefix'] = '小节',
    ['crossref-ch-prefix'] = '章节', ['crossref-apx-prefix'] = '附录',
    ['callout-note-title'] = '注记', ['callout-tip-title'] = '提示',
    ['callout-warning-title'] = '警告', ['callout-important-title'] = '重要',
    ['callout-caution-title'] = '注意',
    ['section-title-appendices'] = '附录', ['section-title-references'] = '参考文献',
    ['section-title-reuse'] = '二次使用',
    ['section-title-citation'] = '引用格式', ['section-title-footnotes'] = '脚注',
    ['appendix-attribution-cite-as'] = '请按如下格式引用：',
  },
}

-- The words for a document: its `lang` (en-GB -> en; an unknown language falls back to
-- English, as Quarto does), then any key the document sets under `language:`.
function M.words(meta)
  local lang = meta.lang and pandoc.utils.stringify(meta.lang):lower():match('^(%a+)') or 'en'
  local words = {}
  for key, text in pairs(WORDS.en) do words[key] = text end
  for key, text in pairs(WORDS[lang] or {}) do words[key] = text end
  if pandoc.utils.type(meta.language) == 'table' then
    for key, text in pairs(meta.language) do words[key] = pandoc.utils.stringify(text) end
  end
  return words
end

-- The `crossref:` option `key` as Inlines (or `default`, a string).
function M.crossref_option(meta, key, default)
  local options = meta.crossref
  local value = pandoc.utils.type(options) == 'table' and options[key] or nil
  if value == nil then return default and pandoc.Inlines(default) or nil end
  if type(value) == 'boolean' then return value end
  return M.inlines(value)
end

return M
