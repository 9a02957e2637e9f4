"""How `make diff` reports: a terminal summary, diff.json and one self-contained HTML page (no
scripts, fonts or images from anywhere else: it is read offline or attached to a review)."""

from __future__ import annotations

import html
import json
from pathlib import Path

from compendium.files import write_text_atomic
from tooling.compare import Change

#: The kinds of change that mean the results changed (`--fail-on-change`); references and
#: numbering follow from the text alone.
RESULT_GROUPS = ("values_in_prose", "other_values", "cells", "figures")
TITLES = {
    "values_in_prose": "Values in the prose",
    "other_values": "Other computed values (not printed)",
    "cells": "Table cells",
    "figures": "Figure data",
    "references": "References",
    "numbering": "Section, figure and table numbers",
    "raw": "Coded rows (data/raw)",
    "code": "Code and configuration files",
    "manuscript": "Manuscript lines",
}
#: The two halves of a comparison: what a reader sees, and what caused it.
PARTS = {"effects": "What a reader sees change", "sources": "What changed in the sources"}
#: How many entries of one group, and causes of one entry, the terminal shows (the report: all).
SHOWN = 12
CAUSES_SHOWN = 3
STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 1rem; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }
th, td { border: 1px solid #c8c8c8; padding: .3rem .5rem; vertical-align: top; text-align: left;
  overflow-wrap: anywhere; }
td.old { background: #fbe9e9; } td.new { background: #e7f4e7; } p.warning { background: #fff4d6; }
"""


def results_changed(document: dict) -> bool:
    return any(document["effects"][group] for group in RESULT_GROUPS)


def summary(document: dict) -> str:
    """The terminal's account: each group with its first entries and their causes."""
    lines = [f"diff: {document['from']} → {document['to']}"]
    for part, heading in PARTS.items():
        lines.append(f"{heading.lower()}:")
        for group, found in document[part].items():
            lines.append(f"  {TITLES[group].lower()}: {len(found) or 'none'}")
            for change in found[:SHOWN]:
                causes = change["causes"]
                lines.append(f"    {Change(**{**change, 'causes': ()}).line()}")
                lines += [f"        ← {cause}" for cause in causes[:CAUSES_SHOWN]]
                if len(causes) > CAUSES_SHOWN:
                    lines.append(f"        ← ... {len(causes) - CAUSES_SHOWN} more")
            if len(found) > SHOWN:
                lines.append(f"    ... {len(found) - SHOWN} more in the report")
    return "\n".join(lines)


def _section(group: str, found: list[dict], with_causes: bool) -> list[str]:
    """A group's heading and, when it has entries, their table."""
    heading = f'<h3 id="{group}">{html.escape(TITLES[group])}: {len(found) or "none"}</h3>'
    columns = ["where", "before", "after", *(["caused by"] if with_causes else [])]
    rows = []
    for change in found:
        where, old, new = (html.escape(change[key]) for key in ("where", "old", "new"))
        cells = f'<td><code>{where}</code></td><td class="old">{old}</td><td class="new">{new}</td>'
        if with_causes:
            causes = "".join(f"<li>{html.escape(cause)}</li>" for cause in change["causes"])
            cells += f"<td><ul>{causes}</ul></td>"
        rows.append(f"<tr>{cells}</tr>")
    header = "".join(f"<th>{column}</th>" for column in columns)
    table = [f"<table><thead><tr>{header}</tr></thead><tbody>", *rows, "</tbody></table>"]
    return [heading, *(table if found else [])]


def render(document: dict) -> str:
    """The report as one valid HTML5 page with its style inline."""
    title = html.escape(f"What changed in the paper: {document['from']} → {document['to']}")
    body = [f"<h1>{title}</h1>"]
    if document.get("warning"):
        body.append(f'<p class="warning">{html.escape(document["warning"])}</p>')
    if results_changed(document):
        body.append("<p>The results changed.</p>")
    else:
        body.append("<p>No value, table cell or figure data changed.</p>")
    for part, heading in PARTS.items():
        body.append(f"<h2>{heading}</h2>")
        for group, found in document[part].items():
            body += _section(group, found, with_causes=part == "effects")
    head = '<meta charset="utf-8"><meta name="viewport" content="width=device-width">'
    return "\n".join(
        [
            '<!DOCTYPE html>\n<html lang="en">',
            f"<head>{head}<title>{title}</title><style>{STYLE}</style></head>",
            "<body><main>",
            *body,
            "</main></body></html>",
            "",
        ]
    )


def write(document: dict, folder: Path) -> Path:
    """diff.json and the self-contained report.html under `folder`, each written whole; the
    report's path."""
    folder.mkdir(parents=True, exist_ok=True)
    write_text_atomic(
        folder / "diff.json", json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    )
    write_text_atomic(folder / "report.html", render(document))
    return folder / "report.html"
