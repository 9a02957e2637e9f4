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
#: How many entries of one group the terminal shows (the HTML report shows all).
SHOWN = 12
CAUSES_SHOWN = 3
STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 0 1rem;
  color: #1b1b1b; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }
th, td { border: 1px solid #c8c8c8; padding: .3rem .5rem; vertical-align: top; text-align: left; }
th { background: #eeeeee; }
td.old { background: #fbe9e9; } td.new { background: #e7f4e7; }
code, td { overflow-wrap: anywhere; }
ul.causes { margin: 0; padding-left: 1.1rem; font-size: 90%; }
p.warning { background: #fff4d6; padding: .5rem; }
"""


def results_changed(document: dict) -> bool:
    return any(document["effects"][group] for group in RESULT_GROUPS)


def _line(change: dict) -> str:
    return Change(**{**change, "causes": ()}).line()


def summary(document: dict) -> str:
    """The terminal's account: each group with its first entries and their causes."""
    lines = [f"diff: {document['from']} → {document['to']}"]
    for part, heading in (("effects", "what a reader sees change"), ("sources", "source changes")):
        lines.append(f"{heading}:")
        for group, found in document[part].items():
            lines.append(f"  {TITLES[group].lower()}: {len(found) or 'none'}")
            for change in found[:SHOWN]:
                lines.append(f"    {_line(change)}")
                lines += [f"        ← {cause}" for cause in change["causes"][:CAUSES_SHOWN]]
                if len(change["causes"]) > CAUSES_SHOWN:
                    lines.append(f"        ← ... {len(change['causes']) - CAUSES_SHOWN} more")
            if len(found) > SHOWN:
                lines.append(f"    ... {len(found) - SHOWN} more in the report")
    return "\n".join(lines)


def _rows(found: list[dict], with_causes: bool) -> list[str]:
    rows = []
    for change in found:
        cells = [
            f"<td><code>{html.escape(change['where'])}</code></td>",
            f'<td class="old">{html.escape(change["old"])}</td>',
            f'<td class="new">{html.escape(change["new"])}</td>',
        ]
        if with_causes:
            causes = "".join(f"<li>{html.escape(cause)}</li>" for cause in change["causes"])
            cells.append(f'<td><ul class="causes">{causes}</ul></td>')
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return rows


def _section(group: str, found: list[dict], with_causes: bool) -> list[str]:
    heading = f'<h3 id="{group}">{html.escape(TITLES[group])}: {len(found) or "none"}</h3>'
    if not found:
        return [heading]
    header = "<th>where</th><th>before</th><th>after</th>" + (
        "<th>caused by</th>" if with_causes else ""
    )
    table = f"<table><thead><tr>{header}</tr></thead><tbody>"
    return [heading, table, *_rows(found, with_causes), "</tbody></table>"]


def render(document: dict) -> str:
    """The report as one valid HTML5 page with its style inline."""
    title = f"What changed in the paper: {document['from']} → {document['to']}"
    body = [f"<h1>{html.escape(title)}</h1>"]
    if document.get("warning"):
        body.append(f'<p class="warning">{html.escape(document["warning"])}</p>')
    verdict = (
        "The results changed."
        if results_changed(document)
        else "No value, table cell or figure data changed."
    )
    body.append(f"<p>{verdict}</p>")
    body.append("<h2>What a reader sees change</h2>")
    for group, found in document["effects"].items():
        body += _section(group, found, with_causes=True)
    body.append("<h2>What changed in the sources</h2>")
    for group, found in document["sources"].items():
        body += _section(group, found, with_causes=False)
    return "\n".join(
        [
            "<!DOCTYPE html>",
            '<html lang="en">',
            '<head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            f"<title>{html.escape(title)}</title><style>{STYLE}</style></head>",
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
    outputs = {
        "diff.json": json.dumps(document, indent=2, ensure_ascii=False) + "\n",
        "report.html": render(document),
    }
    for name, text in outputs.items():
        write_text_atomic(folder / name, text)
    return folder / "report.html"
