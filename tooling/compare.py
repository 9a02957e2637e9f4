"""What a reader of the paper sees change between two builds, and which sources changed: pure
comparisons of values, table cells, table rows, references and numbering, each from text.

`make diff` (tooling/paper_diff.py) and `make verify` both describe differences with these.
"""

from __future__ import annotations

import difflib
import html
import json
import re
from dataclasses import dataclass, replace
from itertools import zip_longest
from pathlib import Path

from tooling.provenance import coded_tables, flatten, rows_by_id

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
    causes: tuple[str, ...] = ()

    def line(self) -> str:
        if self.old and self.new:
            return f"{self.where}: {self.old} → {self.new}"
        if self.new:
            return f"{self.where}: added ({self.new})"
        if self.old:
            return f"{self.where}: removed (was {self.old})"
        return self.where


def mapping_changes(kind: str, before: dict[str, str], after: dict[str, str]) -> list[Change]:
    """Every key whose text differs, was added or was removed, in key order (an absent key
    reads as empty text)."""
    return [
        Change(kind, key, before.get(key, ""), after.get(key, ""))
        for key in sorted(before.keys() | after.keys())
        if before.get(key, "") != after.get(key, "")
    ]


def value_changes(before_json: str, after_json: str) -> list[Change]:
    """The values (results/values.json) whose printed text differs."""
    before, after = (flatten(json.loads(text)) for text in (before_json, after_json))
    return mapping_changes("value", before, after)


def values_in_prose(manuscript: str) -> set[str]:
    """The value keys the manuscript prints."""
    return set(VALUE_IN_PROSE.findall(manuscript))


def keyed_changes(
    kind: str, before: dict, after: dict, row_name: str, field_name: str, whole
) -> list[Change]:
    """Rows (id → column → text) that differ: a row on one side only whole (as `whole` writes
    it), else one change per differing field; `row_name` and `field_name` format their names."""
    changes = []
    for row_id in dict.fromkeys([*before, *after]):
        where = row_name.format(row_id)
        if row_id in before and row_id in after:
            fields = [
                {field_name.format(where, name): text for name, text in side[row_id].items()}
                for side in (before, after)
            ]
            changes += mapping_changes(kind, *fields)
        else:
            old, new = (whole(side.get(row_id, {})) for side in (before, after))
            changes.append(Change(kind, where, old, new))
    return changes


def _cells(line: str) -> list[str]:
    """The cells of one pipe-table line; `\\|` is a bar inside a cell, other escapes are dropped."""
    parts = re.split(r"(?<!\\)\|", line.strip())[1:-1]
    return [re.sub(r"\\(.)", r"\1", part.strip()) for part in parts]


def pipe_table(markdown: str) -> tuple[dict[str, dict[str, str]], str]:
    """The rows (column → cell) and the caption of the first pipe table in `markdown`; rows by
    their first cell when it names each row once, else by their position."""
    lines = [line for line in markdown.splitlines() if line.lstrip().startswith("|")]
    caption = next((line[1:].strip() for line in markdown.splitlines() if line[:2] == ": "), "")
    header, rows = (_cells(lines[0]) if lines else []), [_cells(line) for line in lines[2:]]
    labels = [row[0] if row else "" for row in rows]
    if len(set(labels)) < len(labels):
        labels = [f"row {number}" for number in range(1, len(rows) + 1)]
    return {label: dict(zip(header, row)) for label, row in zip(labels, rows)}, caption


def cell_changes(table: str, before_md: str, after_md: str) -> list[Change]:
    """The cells of table `table` that differ, each named by its row and its column header;
    rows present on one side only, whole, and a changed caption."""
    (before, old_caption), (after, new_caption) = pipe_table(before_md), pipe_table(after_md)
    changes = keyed_changes(
        "cell", before, after, f"{table}, row “{{}}”", "{}, column “{}”", _joined_cells
    )
    if old_caption != new_caption:
        changes.append(Change("cell", f"{table}, caption", old_caption, new_caption))
    return changes


def _joined_cells(row: dict[str, str]) -> str:
    return " | ".join(row.values())


def _named_fields(row: dict[str, str]) -> str:
    return ", ".join(f"{name}={text}" for name, text in row.items() if text)


def row_changes(
    table: str, before_csv: str, after_csv: str, key: list[str] | None = None
) -> list[Change]:
    """Rows of a CSV table that differ, matched by `key` (the table's primary key; the first
    column when none is given), one change per changed field; added and removed rows whole."""
    before, after = rows_by_id(before_csv, key), rows_by_id(after_csv, key)
    changes = keyed_changes("row", before, after, f"{table} row {{}}", "{}: {}", _named_fields)
    return sorted(changes, key=lambda change: change.where)


def table_keys(tree: Path) -> dict[str, list[str]]:
    """The primary keys of the coded tables of the sources in `tree`."""
    package = Path(tree) / "data" / "datapackage.json"
    if not package.is_file():
        return {}
    return {name: key for name, (_, key) in coded_tables(package).items()}


def record_inputs(record: dict) -> list[str]:
    """The inputs a caption record names (results/provenance/captions.json), as a list."""
    inputs = record.get("inputs", [])
    return [name.strip() for name in (inputs.split(";") if isinstance(inputs, str) else inputs)]


def plotted_data(record: dict) -> list[str]:
    """The cleaned tables a figure's step reads, whether its record names them or the coded
    tables they are cleaned from (one cleaned table per coded table, of the same name)."""
    names = [Path(name).stem for name in record_inputs(record) if name.endswith(".csv")]
    return [f"results/data/{name}.csv" for name in dict.fromkeys(names)]


# The rendered paper, and the sources ----------------------------------------------------------


def _text(fragment: str) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def references(paper_html: str) -> dict[str, str]:
    """The bibliography of the rendered paper: citation key → the entry's text."""
    entries = re.findall(
        r'<div id="ref-([^"]+)" class="csl-entry"[^>]*>(.*?)</div>', paper_html, re.S
    )
    return {key: _text(entry) for key, entry in entries}


def numbering(paper_html: str) -> dict[str, str]:
    """What the paper calls each labelled section, figure and table: `sec-x` → "1.2",
    `fig-x` → "Figure 1", `tbl-x` → "Table 3"."""
    sections = r'<section id="([^"]+)"[^>]*>\s*<h\d[^>]*data-number="([^"]+)"'
    numbers = dict(re.findall(sections, paper_html))
    # each float's label, then the text up to the next float, where its caption is
    pieces = re.split(r'<(?:figure|table|div)[^>]* id="((?:fig|tbl)-[^"]+)"', paper_html)
    for label, following in zip(pieces[1::2], pieces[2::2]):
        caption = re.search(r"<(?:fig)?caption[^>]*>(.*?)</(?:fig)?caption>", following, re.S)
        if caption:
            numbers[label] = _text(caption.group(1)).split(":", 1)[0]
    return numbers


def line_changes(path: str, before: str, after: str) -> list[Change]:
    """The changed lines of a text file, each named by the file and its line number (the new
    line's number, or the old one's for a removed line)."""
    changes = []
    matcher = difflib.SequenceMatcher(a=before.splitlines(), b=after.splitlines(), autojunk=False)
    for tag, old_start, old_end, new_start, new_end in matcher.get_opcodes():
        pairs = zip_longest(
            matcher.a[old_start:old_end], matcher.b[new_start:new_end], fillvalue=""
        )
        for offset, (old, new) in enumerate(pairs if tag != "equal" else ()):
            number = (new_start if offset < new_end - new_start else old_start) + offset + 1
            changes.append(Change("manuscript", f"{path}:{number}", old, new))
    return changes


def artifact_changes(
    path: str, before: Path, after: Path, keys: dict, figure: dict | None = None
) -> list[Change]:
    """What changed in one published file between two trees (each holding `results/`), as a
    reader names it; for a figure (`figure`: its captions.json record), the rows of the data it
    plots and whether its drawing changed; other text files by their first changed lines."""
    old, new = (
        (tree / path).read_text(encoding="utf-8", errors="replace")
        if (tree / path).is_file()
        else ""
        for tree in (before, after)
    )
    name = Path(path)
    if figure is not None:
        changes = [
            Change("figure", f"{name.stem}: {row.where}", row.old, row.new)
            for data in plotted_data(figure)
            for row in artifact_changes(data, before, after, keys)
        ]
        if changes and old == new:
            note = "its drawing is the same (no changed field is drawn)"
        elif not changes and old != new:
            note = "the drawing changed; the data it plots did not"
        else:
            return changes
        return [*changes, Change("figure", f"{name.stem}: {note}")]
    if path == "results/values.json":
        return value_changes(old or "{}", new or "{}")
    if path.startswith("results/tables/") and name.suffix == ".md":
        return cell_changes(name.stem, old, new)
    if path.startswith("results/data/") and name.suffix == ".csv":
        return row_changes(name.stem, old, new, keys.get(name.stem))
    if name.suffix not in TEXT_SUFFIXES:
        return []
    lines = [
        replace(line, old=line.old[:160], new=line.new[:160])
        for line in line_changes(path, old, new)
    ]
    more = [Change("line", f"... {len(lines) - EXCERPT_LINES} more changed lines")]
    return lines[:EXCERPT_LINES] + (more if len(lines) > EXCERPT_LINES else [])
