"""`make diff`: what a reader of the paper would see change since another commit, and why.

    python -m tooling.paper_diff [REV] [--fail-on-change]

REV (default HEAD~1) is built from `git archive` in a scratch folder, unless a build of the
same sources is kept under results/diff/builds/; the working tree is built unless its manifest's
input hashes say `results/` is current. The builds are compared as a reader sees them, each
change tied to the source changes upstream of it, and the comparison is printed and written as
diff.json and one self-contained HTML page (read offline or attached to a review).
"""

from __future__ import annotations

import argparse
import contextlib
import html
import io
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path

from compendium.files import write_text_atomic
from tooling import compare, dependencies, sources, verify
from tooling.compare import Change
from tooling.sources import sha256

OUTPUT = Path("results") / "diff"
CAPTIONS = "results/provenance/captions.json"
MANUSCRIPT_TEXT = (".qmd", ".md", ".yml", ".yaml", ".lua", ".css", ".typ", ".bib")
#: The two halves of a comparison, what a reader sees and what caused it, and their groups.
PARTS = {"effects": "What a reader sees change", "sources": "What changed in the sources"}
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
#: The groups that mean the results changed (`--fail-on-change`); references and numbering
#: follow from the text alone.
RESULT_GROUPS = ("values_in_prose", "other_values", "cells", "figures")
#: How many entries of one group, and causes of one entry, the terminal shows (the report: all).
SHOWN, CAUSES_SHOWN = 12, 3
STYLE = """
body { font: 15px/1.45 system-ui, sans-serif; max-width: 72rem; margin: 2rem auto; padding: 1rem; }
table { border-collapse: collapse; width: 100%; margin-bottom: 1.5rem; }
th, td { border: 1px solid #c8c8c8; padding: .3rem .5rem; vertical-align: top; text-align: left;
  overflow-wrap: anywhere; }
td.old { background: #fbe9e9; } td.new { background: #e7f4e7; } p.warning { background: #fff4d6; }
"""


class DiffError(Exception):
    """A reason `make diff` cannot compare, in words for the user."""


@dataclass(frozen=True)
class Side:
    """One version of the paper: its sources and the results built from them."""

    label: str
    sources: Path
    results: Path

    def text(self, relative: str) -> str:
        path = (self.results.parent if relative.startswith("results/") else self.sources) / relative
        return path.read_text(encoding="utf-8") if path.is_file() else ""


def up_to_date(tree: Path, results: Path) -> bool:
    """Whether `results` was built from the sources of `tree` as they are now."""
    manifest = results / "manifest.json"
    recorded = json.loads(manifest.read_text(encoding="utf-8")) if manifest.is_file() else {}
    return bool(recorded.get("inputs")) and not verify.input_changes(recorded["inputs"], tree)


def build(tree: Path, what: str) -> None:
    print(f"diff: building {what} in {tree}", flush=True)
    started = time.time()
    completed = verify.rebuild(tree)
    if completed.returncode != 0:
        raise DiffError(f"the build of {what} failed:\n{verify.failure(tree, completed, started)}")


def revision_side(root: Path, commit: str, label: str, scratch: Path) -> Side:
    """REV's sources in `scratch`, and its results: kept from an earlier diff, or built now."""
    tree, kept = scratch / "tree", root / OUTPUT / "builds" / commit / "results"
    archive = subprocess.run(["git", "archive", commit], cwd=root, capture_output=True, check=True)
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        tar.extractall(tree, filter="data")
    if up_to_date(tree, kept):
        print(f"diff: reusing the build of {label} kept in {kept.relative_to(root)}", flush=True)
    else:
        build(tree, label)
        shutil.rmtree(kept, ignore_errors=True)
        shutil.copytree(tree / "results", kept, ignore=shutil.ignore_patterns("logs", "notebooks"))
    return Side(label, tree, kept)


# Comparing the two sides -----------------------------------------------------------------------


def source_changes(base: Side, current: Side) -> dict[str, list[Change]]:
    """What changed in the sources: coded rows (by row id and field), manuscript lines, and the
    code and configuration files (by their hashes)."""
    keys = compare.table_keys(current.sources)
    hashes = [
        sources.input_hashes(sources.build_inputs(tree), tree, lambda path: sha256(path)[:12])
        for tree in (base.sources, current.sources)
    ]
    changes: dict[str, list[Change]] = {"raw": [], "code": [], "manuscript": []}
    for change in compare.mapping_changes("code", *hashes):
        path, texts = change.where, (base.text(change.where), current.text(change.where))
        if path.startswith("data/raw/") and path.endswith(".csv"):
            rows = compare.row_changes(path, *texts, keys.get(Path(path).stem))
            changes["raw"] += [replace(row, kind="raw") for row in rows]
        elif path.startswith("manuscript/") or path == "references.bib":
            lines = compare.line_changes(path, *texts) if path.endswith(MANUSCRIPT_TEXT) else []
            changes["manuscript"] += lines or [replace(change, kind="manuscript")]
        elif not path.startswith("data/raw/"):
            changes["code"].append(change)
    return changes


def effects(base: Side, current: Side) -> dict[str, list[Change]]:
    """What a reader sees change, grouped."""
    keys, trees = compare.table_keys(current.sources), (base.results.parent, current.results.parent)
    sides = (base, current)
    manuscripts = [path for side in sides for path in side.sources.glob("manuscript/*.qmd")]
    printed = compare.values_in_prose("\n".join(path.read_text("utf-8") for path in manuscripts))

    def changes_of(path: str, figure: dict | None = None) -> list[Change]:
        return compare.artifact_changes(path, *trees, keys, figure)

    values = changes_of("results/values.json")
    tables = sorted(
        {path.name for side in sides for path in (side.results / "tables").glob("*.md")}
    )
    captions = json.loads(current.text(CAPTIONS) or base.text(CAPTIONS) or "{}")
    figures = [captions[label] for label in sorted(captions) if label.startswith("fig-")]
    papers = [side.text("results/paper.html") for side in sides]
    return {
        "values_in_prose": [change for change in values if change.where in printed],
        "other_values": [change for change in values if change.where not in printed],
        "cells": [cell for name in tables for cell in changes_of(f"results/tables/{name}")],
        "figures": [row for record in figures for row in changes_of(record["output"], record)],
        "references": compare.mapping_changes("reference", *map(compare.references, papers)),
        "numbering": compare.mapping_changes("number", *map(compare.numbering, papers)),
    }


# Tying each change to its causes ---------------------------------------------------------------


def _raw_row(change: Change) -> tuple[str, str]:
    """(table, row id) of a coded-row change `data/raw/T.csv row ID: field`."""
    table, _, rest = change.where.removeprefix("data/raw/").partition(".csv row ")
    return table, rest.split(": ", 1)[0]


def _program_files(side: Side, program: str) -> set[str]:
    """The program and every package file it imports (as the rule's `code=` inputs)."""
    if not (side.sources / program).is_file():
        return {program}
    with contextlib.chdir(side.sources):
        return {program, *dependencies.imported_files(program)}


def _direct(effect: Change, group: str, candidates: list[Change]) -> list[Change]:
    """The coded-row changes that show in `effect` itself: by row id, or by the changed text."""
    if group in ("values_in_prose", "other_values"):
        return [c for c in candidates if _raw_row(c)[1] in effect.where.split(".")]
    if group == "figures":
        return [c for c in candidates if ": {} row {}:".format(*_raw_row(c)) in effect.where]
    return [
        c for c in candidates if (c.new and c.new in effect.new) or (c.old and c.old in effect.old)
    ]


def lineage(side: Side) -> dict[str, tuple[set[str] | None, set[str]]]:
    """For each figure and table label: the coded tables upstream of it and its code files;
    `values` for the numbers of the prose (every table), and `value KEY` for a value whose
    record names the coded rows it was computed from (`table row id`)."""
    captions = json.loads(side.text(CAPTIONS) or "{}")
    values_code = _program_files(side, "analysis/scripts/values.py")
    found: dict[str, tuple[set[str] | None, set[str]]] = {"values": (None, values_code)}
    for key, entry in captions.pop("values", {}).items():
        rows = {
            f"{Path(source['table']).stem} row {row['id']}"
            for source in entry.get("sources", [])
            for row in source.get("rows", [])
        }
        found[f"value {key}"] = (rows, values_code)
    for label, record in captions.items():
        # The coding sheets the record names (where it names them) feed it too.
        sheets = compare.plotted_data(record) + str(record.get("sheets", "")).split("; ")
        files = _program_files(side, record["program"]) | set(compare.record_inputs(record))
        found[label] = ({Path(path).stem for path in sheets if path}, files)
    return found


def tie(group: str, effect: Change, causes: dict[str, list[Change]], lineage_of: dict) -> Change:
    """`effect` with the source changes upstream of it as its causes."""
    label = "values" if group.endswith("values") else effect.where.split(",")[0].split(":")[0]
    tables, files = lineage_of.get(label, (None, set()))
    if group in ("references", "numbering"):
        found = causes["manuscript"]
    else:
        candidates = [c for c in causes["raw"] if tables is None or _raw_row(c)[0] in tables]
        rows = lineage_of.get(f"value {effect.where}", (set(),))[0]
        recorded = [c for c in candidates if "{} row {}".format(*_raw_row(c)) in rows]
        found = recorded or _direct(effect, group, candidates) or candidates
        found += [
            c for c in causes["code"] + causes["manuscript"] if c.where.split(":")[0] in files
        ]
    lines = tuple(cause.line() for cause in found) or (
        "no source upstream of it changed: the tools that built the two versions may differ",
    )
    return replace(effect, causes=lines)


def run(root: Path, revision: str) -> dict:
    """Compare REV's paper with the working tree's; the comparison as a document."""
    if not sources.is_git_checkout(root):
        raise DiffError("it needs the history of a git checkout, and this tree has no .git")
    named = ["git", "rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}"]
    commit = subprocess.run(named, cwd=root, capture_output=True, text=True).stdout.strip()
    if not commit:
        raise DiffError(f"{revision} names no commit of this repository")
    with tempfile.TemporaryDirectory(prefix="paper-diff-") as scratch:
        base = revision_side(root, commit, f"{revision} ({commit[:10]})", Path(scratch))
        if not up_to_date(root, root / "results"):
            build(root, "the working tree")
        current = Side("working tree", root, root / "results")
        causes, lineage_of = source_changes(base, current), lineage(base) | lineage(current)
        seen = {
            group: [asdict(tie(group, effect, causes, lineage_of)) for effect in found]
            for group, found in effects(base, current).items()
        }
    return {
        "from": base.label,
        "to": current.label,
        "effects": seen,
        "sources": {group: [asdict(change) for change in found] for group, found in causes.items()},
        "warning": (verify.uncommitted_warning(root) or "").replace("verifies", "compares"),
    }


# The report -------------------------------------------------------------------------------------


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
                lines.append(f"    {Change(**change).line()}")
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
    page = [f"<head>{head}<title>{title}</title><style>{STYLE}</style></head>", "<body><main>"]
    return "\n".join(['<!DOCTYPE html>\n<html lang="en">', *page, *body, "</main></body></html>\n"])


def write(document: dict, folder: Path) -> Path:
    """diff.json and report.html under `folder`; the report's path."""
    folder.mkdir(parents=True, exist_ok=True)
    write_text_atomic(
        folder / "diff.json", json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    )
    write_text_atomic(folder / "report.html", render(document))
    return folder / "report.html"


def main(argv: list[str] | None = None, root: Path | None = None) -> int:
    parser = argparse.ArgumentParser(prog="make diff", description=__doc__.splitlines()[0])
    parser.add_argument("revision", nargs="?", default="HEAD~1", help="commit to compare with")
    parser.add_argument(
        "--fail-on-change",
        action="store_true",
        help="exit 1 when values, table cells or figure data changed (for a text-only branch)",
    )
    arguments = parser.parse_args(argv)
    root = (root or Path.cwd()).resolve()
    try:
        document = run(root, arguments.revision)
    except DiffError as error:
        print(f"diff: {error}", file=sys.stderr)
        return 2
    if document["warning"]:
        print(document["warning"], file=sys.stderr)
    report = write(document, root / OUTPUT)
    print(summary(document))
    print(f"report: {report.relative_to(root)}")
    if arguments.fail_on_change and results_changed(document):
        print("diff: the results changed (--fail-on-change)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
