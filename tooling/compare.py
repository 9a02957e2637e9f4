"""What a reader of the paper sees change between two builds, and which sources changed: pure
comparisons of values, table cells, table rows, references and numbering, each from text.

`make diff` (tooling/paper_diff.py) and `make verify` both describe differences with these.
"""

from __future__ import annotations

import csv
import difflib
import html
import io
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

#: Files worth a line-by-line excerpt when no finer comparison applies.
TEXT_SUFFIXES = (".csv", ".md", ".json", ".xml", ".yml")
EXCERPT_LINES = 6
#: Where a value the prose prints appears in the manuscript: `{{< var key >}}`.
VALUE_IN_PROSE = re.compile(r"\{\{<\s*var\s+([^\s>]+)\s*>\}\}")


@dataclass(frozen=True)
class Change:
    """One thing that differs: `where` names it (a value key, a table's row and column, a
    figure, a reference, a label), `old`/`new` are its text ('' when absent)."""

    kind: str  # value, cell, row, figure, reference, number, raw, code, manuscript
    where: str
    old: str = ""
    new: str = ""
    #: The source changes that caused it (filled by the caller that knows the lineage).
    causes: tuple[str, ...] = field(default=())

    def line(self) -> str:
        if self.old and self.new:
            return f"{self.where}: {self.old} → {self.new}"
        if self.new:
            return f"{self.where}: added ({self.new})"
        if self.old:
            return f"{self.where}: removed (was {self.old})"
        return self.where


def flatten(document: object, prefix: str = "") -> dict[str, str]:
    """Nested mappings as `a.b.c` keys; leaves as text."""
    if isinstance(document, dict):
        flat: dict[str, str] = {}
        for key, value in document.items():
            flat |= flatten(value, f"{prefix}.{key}" if prefix else str(key))
        return flat
    return {prefix: "" if document is None else str(document)}


def mapping_changes(kind: str, before: dict[str, str], after: dict[str, str]) -> list[Change]:
    """Every key whose text differs, was added or was removed, in key order."""
    return [
        Change(kind, key, before.get(key, ""), after.get(key, ""))
        for key in sorted(before.keys() | after.keys())
        if before.get(key) != after.get(key)
    ]


def value_changes(before_json: str, after_json: str) -> list[Change]:
    """The values (results/values.json) whose printed text differs."""
    return mapping_changes(
        "value", flatten(json.loads(before_json)), flatten(json.loads(after_json))
    )


def values_in_prose(manuscript: str) -> set[str]:
    """The value keys the manuscript prints."""
    return set(VALUE_IN_PROSE.findall(manuscript))


# Tables -----------------------------------------------------------------------------------------


def _cells(line: str) -> list[str]:
    """The cells of one pipe-table line; `\\|` is a bar inside a cell, other escapes are dropped."""
    parts = re.split(r"(?<!\\)\|", line.strip())[1:-1]
    return [re.sub(r"\\(.)", r"\1", part.strip()) for part in parts]


def pipe_table(markdown: str) -> tuple[list[str], list[list[str]], str]:
    """The header, the rows and the caption of the first pipe table in `markdown`."""
    lines = [line for line in markdown.splitlines() if line.lstrip().startswith("|")]
    caption = next(
        (line[1:].strip() for line in markdown.splitlines() if line.startswith(": ")), ""
    )
    if len(lines) < 2:
        return [], [], caption
    return _cells(lines[0]), [_cells(line) for line in lines[2:]], caption


def _labelled(rows: list[list[str]]) -> dict[str, list[str]]:
    """Rows by their first cell when it names each row once, else by their position."""
    firsts = [row[0] if row else "" for row in rows]
    if len(set(firsts)) == len(firsts):
        return dict(zip(firsts, rows, strict=True))
    return {f"row {number}": row for number, row in enumerate(rows, 1)}


def cell_changes(table: str, before_md: str, after_md: str) -> list[Change]:
    """The cells of table `table` that differ, each named by its row and its column header;
    rows and columns present on one side only, and a changed caption."""
    old_header, old_rows, old_caption = pipe_table(before_md)
    new_header, new_rows, new_caption = pipe_table(after_md)
    before, after = _labelled(old_rows), _labelled(new_rows)
    changes = []
    for label in [*before, *(label for label in after if label not in before)]:
        old_row, new_row = before.get(label), after.get(label)
        if old_row is None or new_row is None:
            text = " | ".join(old_row or new_row or [])
            old, new = (text, "") if new_row is None else ("", text)
            changes.append(Change("cell", f"{table}, row “{label}”", old, new))
            continue
        old_cells, new_cells = dict(zip(old_header, old_row)), dict(zip(new_header, new_row))
        for column in [*old_header, *(name for name in new_header if name not in old_header)]:
            if old_cells.get(column, "") != new_cells.get(column, ""):
                where = f"{table}, row “{label}”, column “{column}”"
                changes.append(
                    Change("cell", where, old_cells.get(column, ""), new_cells.get(column, ""))
                )
    if old_caption != new_caption:
        changes.append(Change("cell", f"{table}, caption", old_caption, new_caption))
    return changes


# Coded and cleaned data -------------------------------------------------------------------------


def read_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def row_changes(
    table: str, before_csv: str, after_csv: str, key: list[str] | None = None
) -> list[Change]:
    """Rows of a CSV table that differ, matched by `key` (the table's primary key; the first
    column when none is given), one change per changed field; added and removed rows whole."""
    before, after = read_rows(before_csv), read_rows(after_csv)
    columns = list((before or after or [{}])[0].keys())
    key = key or columns[:1]

    def by_id(rows: list[dict[str, str]]) -> dict[str, dict[str, str]]:
        return {"/".join(row.get(name) or "" for name in key): row for row in rows}

    old, new = by_id(before), by_id(after)
    changes = []
    for row_id in [*old, *(row_id for row_id in new if row_id not in old)]:
        if row_id not in new or row_id not in old:
            whole = ", ".join(
                f"{name}={value}"
                for name, value in (old.get(row_id) or new[row_id]).items()
                if value
            )
            gone = row_id not in new
            changes.append(
                Change("row", f"{table} row {row_id}", whole if gone else "", "" if gone else whole)
            )
            continue
        for name in old[row_id].keys() | new[row_id].keys():
            if old[row_id].get(name) != new[row_id].get(name):
                changes.append(
                    Change(
                        "row",
                        f"{table} row {row_id}: {name}",
                        old[row_id].get(name) or "",
                        new[row_id].get(name) or "",
                    )
                )
    return sorted(changes, key=lambda change: change.where)


def primary_keys(datapackage_json: str, schemas: dict[str, str]) -> dict[str, list[str]]:
    """Each coded table's primary key, from the data package and its schema files' texts."""
    keys = {}
    for resource in json.loads(datapackage_json).get("resources", []):
        schema = resource.get("schema")
        if isinstance(schema, str):
            schema = json.loads(schemas.get(schema, "{}"))
        primary = (schema or {}).get("primaryKey")
        if primary:
            keys[resource["name"]] = [primary] if isinstance(primary, str) else list(primary)
    return keys


# The rendered paper -----------------------------------------------------------------------------


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def references(paper_html: str) -> dict[str, str]:
    """The bibliography of the rendered paper: citation key → the entry's text."""
    starts = list(re.finditer(r'<div id="ref-([^"]+)" class="csl-entry"[^>]*>', paper_html))
    entries = {}
    for start in starts:
        end = paper_html.find("</div>", start.end())
        entries[start.group(1)] = _text(paper_html[start.end() : end])
    return entries


def numbering(paper_html: str) -> dict[str, str]:
    """What the paper calls each labelled section, figure and table: `sec-x` → "1.2",
    `fig-x` → "Figure 1", `tbl-x` → "Table 3"."""
    numbers = {}
    for match in re.finditer(
        r'<section id="([^"]+)"[^>]*>\s*<h\d[^>]*data-number="([^"]+)"', paper_html
    ):
        numbers[match.group(1)] = match.group(2)
    floats = list(re.finditer(r'<(?:figure|table|div)[^>]* id="((?:fig|tbl)-[^"]+)"', paper_html))
    for index, match in enumerate(floats):
        end = floats[index + 1].start() if index + 1 < len(floats) else len(paper_html)
        caption = re.search(
            r"<(?:fig)?caption[^>]*>(.*?)</(?:fig)?caption>", paper_html[match.end() : end], re.S
        )
        if caption:
            numbers[match.group(1)] = _text(caption.group(1)).split(":", 1)[0]
    return numbers


# Sources ---------------------------------------------------------------------------------------


def line_changes(path: str, before: str, after: str) -> list[Change]:
    """The changed lines of a text file, each named by the file and its line number (the new
    line's number, or the old one's for a removed line)."""
    changes = []
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        if tag == "equal":
            continue
        old_lines = matcher.a[old_start:old_end]
        new_lines = matcher.b[new_start:new_end]
        for offset in range(max(len(old_lines), len(new_lines))):
            old = old_lines[offset] if offset < len(old_lines) else ""
            new = new_lines[offset] if offset < len(new_lines) else ""
            number = new_start + offset + 1 if offset < len(new_lines) else old_start + offset + 1
            changes.append(Change("manuscript", f"{path}:{number}", old, new))
    return changes


def file_changes(before: dict[str, str], after: dict[str, str]) -> list[Change]:
    """Files whose hash differs, was added or was removed: `before`/`after` map path → sha256
    (shown shortened)."""
    return [
        Change("code", path, before.get(path, "")[:12], after.get(path, "")[:12])
        for path in sorted(before.keys() | after.keys())
        if before.get(path) != after.get(path)
    ]


def record_inputs(record: dict) -> list[str]:
    """The inputs a caption record names (results/provenance/captions.json), as a list."""
    inputs = record.get("inputs", [])
    return [name.strip() for name in (inputs.split(";") if isinstance(inputs, str) else inputs)]


def plotted_data(record: dict) -> list[str]:
    """The cleaned tables a figure's step reads, whether its record names them or the coded
    tables they are cleaned from (one cleaned table per coded table, of the same name)."""
    names = [Path(name).stem for name in record_inputs(record) if name.endswith(".csv")]
    return [f"results/data/{name}.csv" for name in dict.fromkeys(names)]


def table_keys(tree: Path) -> dict[str, list[str]]:
    """The primary keys of the coded tables of the sources in `tree`."""
    package = Path(tree) / "data" / "datapackage.json"
    schemas = {
        f"schemas/{path.name}": path.read_text(encoding="utf-8")
        for path in sorted((Path(tree) / "data" / "schemas").glob("*.json"))
    }
    return primary_keys(package.read_text(encoding="utf-8") if package.is_file() else "{}", schemas)


def excerpt(before: str, after: str) -> list[str]:
    """The first changed lines, `-` as before and `+` as after."""
    lines = [
        line[:160]
        for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    more = len(lines) - EXCERPT_LINES
    return lines[:EXCERPT_LINES] + ([f"... {more} more changed lines"] if more > 0 else [])


def describe(path: str, before: str, after: str, keys: dict[str, list[str]]) -> list[str]:
    """What changed in one published file, as `make diff` names it: values by key, table cells
    by row and column, cleaned rows by id and field; other text files by their changed lines."""
    name = Path(path)
    if path == "results/values.json":
        changes = value_changes(before, after)
    elif path.startswith("results/tables/") and name.suffix == ".md":
        changes = cell_changes(name.stem, before, after)
    elif path.startswith("results/data/") and name.suffix == ".csv":
        changes = row_changes(name.stem, before, after, keys.get(name.stem))
    else:
        return excerpt(before, after) if name.suffix in TEXT_SUFFIXES else []
    return [change.line() for change in changes]
