"""Where every published artifact and every printed number comes from, and the manifest a
reviewer verifies against.

From the workflow's steps (rule, program, inputs, outputs, as plain data) come the provenance of
captions and appendix, the README's map and the manifest. A number goes further: the values step
records the function and coded rows behind each value (`results/values-sources.json`), looked up
in `data/raw/*.csv` for the locator each cites, so that a reviewer follows a number to the row a
coder wrote, not to an intermediate file.
"""

from __future__ import annotations

import csv
import io
import json
import os
import platform
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import yaml

from compendium.errors import BuildError
from tooling.dependencies import module_file
from tooling.sources import sha256

#: Short hashes in captions: long enough to tell two versions apart, short enough to read.
SHORT_HASH = 12
#: Names a manifest whose tool versions the build prints instead of its own. Only `make verify`
#: sets it, in its scratch copy, to learn whether a difference is only these labels.
LABELS_FROM = "COMPENDIUM_ENVIRONMENT_LABELS"
#: What the values step records about each value; named in the errors about it.
VALUE_SOURCES = "results/values-sources.json"


@dataclass(frozen=True)
class Step:
    rule: str | None
    program: str | None
    inputs: Sequence[str]
    outputs: Sequence[str]
    #: the package function whose result the step writes (tooling.dependencies.computing_function)
    function: str | None = None


def steps_of_rules(described: list[dict]) -> list[Step]:
    """Steps as the workflow describes them (see analysis/rules/provenance.smk)."""
    return [Step(**step) for step in sorted(described, key=lambda step: step["rule"])]


def step_of(path: str, steps: list[Step]) -> Step | None:
    return next((step for step in steps if path in step.outputs), None)


def data_inputs(step: Step) -> list[str]:
    """The inputs a reader cares about: data and captions, not the package's code files."""
    return [
        path for path in step.inputs if not path.startswith(("analysis/compendium/", "tooling/"))
    ]


def coded_sheets(path: str, steps: list[Step]) -> list[str]:
    """The coding sheets (data/raw/) a file is made from. A cleaned table comes from the sheet of
    its own name: its cleaning step reads the others only to check references against them.
    Anything else comes from the sheets of the cleaned tables it reads."""
    if path.startswith("data/raw/"):
        return [path]
    step = step_of(path, steps)
    own = f"data/raw/{Path(path).stem}.csv"
    if step is None or (path.startswith("results/data/") and own in step.inputs):
        return [own] if step else []
    found = [sheet for source in data_inputs(step) for sheet in coded_sheets(source, steps)]
    return list(dict.fromkeys(found))


def records(paths: list[str], steps: list[Step], root: Path, digest=sha256) -> list[dict]:
    """One record per published file: hash (by `digest`), size, step, function, coding sheets."""
    result = []
    for path in sorted(paths):
        step = step_of(path, steps) or Step(None, None, (), ())  # a static input
        result.append(
            {
                "path": path,
                "sha256": digest(root / path),
                "size": (root / path).stat().st_size,
                "rule": step.rule,
                "program": step.program,
                "inputs": data_inputs(step),
                "function": step.function,
                "module": step.function and module_file(step.function),
                "sheets": coded_sheets(path, steps),
            }
        )
    return result


def label_of(path: str) -> str | None:
    """`results/figures/fig-flows.svg` → `fig-flows`: the manuscript label of an artifact."""
    match = re.fullmatch(r"results/(?:figures|tables)/((?:fig|tbl)-[a-z0-9-]+)\.\w+", path)
    return match[1] if match else None


def caption_provenance(artifact_records: list[dict], place: tuple[str, str] | None = None) -> dict:
    """For each figure and table label: its record with a short hash, and the URL of its module
    (else its program) in the repository when one is known."""
    result = {}
    for record in artifact_records:
        if label := label_of(record["path"]):
            result[label] = {
                "rule": record["rule"],
                "program": record["program"],
                "inputs": "; ".join(record["inputs"]),
                "output": record["path"],
                "sha256": record["sha256"][:SHORT_HASH],
            }
            if record.get("module"):
                result[label] |= {
                    "module": record["module"],
                    "function": record["function"],
                    "sheets": "; ".join(record["sheets"]),
                }
            if url := file_url(place, record.get("module") or record["program"]):
                result[label]["url"] = url
    return result


# Where the paper's links to programs and data point --------------------------------------------
# A link relative to `results/paper.html` breaks once the file is published alone, so links go to
# the repository (`repository_url` of config/config.yaml, else `repository-code` of CITATION.cff)
# at the release tag of CITATION.cff's version: a commit cannot record its own id, and the
# outputs' hashes are committed with the sources. Without a URL the paper says where files are.


def repository(configured: str, citation: Path) -> tuple[str, str] | None:
    metadata = yaml.safe_load(citation.read_text(encoding="utf-8")) if citation.exists() else {}
    url = (configured or metadata.get("repository-code") or "").rstrip("/")
    return (url, f"v{metadata['version']}") if url else None


def file_url(place: tuple[str, str] | None, path: str) -> str | None:
    # the form GitHub and GitLab both serve
    return f"{place[0]}/blob/{place[1]}/{path}" if place else None


def where_files_are(place: tuple[str, str] | None) -> str:
    """One sentence for the appendix: where the programs and data it names can be found."""
    if place is None:
        return (
            "The programs and data named in captions and below are paths in this edition's "
            "source package (its repository or archive), which is not part of this document."
        )
    return (
        f"The programs and data named in captions and below are files of the repository "
        f"<{place[0]}> at release `{place[1]}`; captions link to them there."
    )


def tool_versions(lock_text: str) -> dict:
    """Python, pandoc, typst and every package pinned in the lock file, as installed; or the
    versions the manifest named by LABELS_FROM recorded."""
    from importlib import metadata

    if os.environ.get(LABELS_FROM):
        return json.loads(Path(os.environ[LABELS_FROM]).read_text(encoding="utf-8"))["environment"]
    from tooling.render import pandoc_version

    packages = {}
    for name in re.findall(r"^([A-Za-z0-9_.-]+)==", lock_text, re.M):
        try:
            packages[name.lower()] = metadata.version(name)
        except metadata.PackageNotFoundError:
            packages[name.lower()] = None
    return {
        "python": platform.python_version(),
        "pandoc": pandoc_version(),
        "typst": metadata.version("typst"),
        "packages": dict(sorted(packages.items())),
    }


def manifest(artifact_records: list[dict], environment: dict, inputs: dict[str, str]) -> dict:
    """Published files, the tools that made them, and the sources they were made from (path →
    SHA-256), so that `make verify TIER=0` can check both without building."""
    return {
        "artifacts": [
            {key: record[key] for key in ("path", "sha256", "size", "rule")}
            for record in artifact_records
        ],
        "environment": environment,
        "inputs": inputs,
    }


def to_json(document: dict) -> str:
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# The appendix and the README map ---------------------------------------------------------------


def artifact_numbers(manuscript: str, labels: list[str]) -> dict[str, str]:
    """`fig-flows` → "Figure 2": each kind numbered in the order the manuscript places it (a
    figure where it is defined, a table where its file is included), as crossref.lua does."""

    def place(label: str) -> int | None:
        found = [manuscript.find(mark) for mark in (f"{{#{label}", f"/{label}.md")]
        return min((position for position in found if position >= 0), default=None)

    numbers = {}
    for kind, word in (("fig", "Figure"), ("tbl", "Table")):
        placed = sorted(
            (place(label), label)
            for label in labels
            if label.startswith(f"{kind}-") and place(label) is not None
        )
        numbers |= {label: f"{word} {number}" for number, (_, label) in enumerate(placed, 1)}
    return numbers


def _made_by(record: dict, code) -> str:
    """The module and function (as a script calls it: `flows.flows`), then the step."""
    step = f"step {code(record['rule'] or '')} ({code(record['program'] or '')})"
    if not record.get("module"):
        return step
    function = ".".join(record["function"].split(".")[-2:])
    return f"{code(record['module'])} ({code(function)}), {step}"


def appendix(artifact_records: list[dict], environment: dict, where: str = "") -> str:
    """Markdown for the manuscript's appendix: where its files are, every artifact → module and
    step → coding sheets → hash, then the environment that made them."""
    from compendium.pipe_tables import escape

    lines = [
        *([where, ""] if where else []),
        "| Artifact | Made by | From the coding sheets | SHA-256 (first 12) |",
        "|:------------|:--------------------|:------------|:--------|",
    ]
    for record in artifact_records:
        label = label_of(record["path"])
        # `@label` becomes "Figure 2" (linked) through the cross-reference filter
        artifact = f"@{label} ({escape(label)}), " if label else ""
        cells = [
            artifact + escape(record["path"]),
            _made_by(record, escape),
            escape(", ".join(record["sheets"])),
            escape(record["sha256"][:SHORT_HASH]),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    tools = [(name, environment[name.lower()]) for name in ("Python", "pandoc", "typst")]
    packages = environment["packages"].items()
    tools += [(name, version) for name, version in packages if version and name != "typst"]
    lines += [
        "",
        ": Every published file, the module and workflow step that made it, the coding sheets it "
        "comes from, and its checksum.",
        "",
        "| Tool or package | Version |",
        "|:------------------------|:----------|",
        *(f"| {escape(name)} | {escape(version)} |" for name, version in tools),
        "",
        ": The software that made this build.",
        "",
    ]
    return "\n".join(lines)


def readme_map(artifact_records: list[dict], numbers: dict[str, str]) -> str:
    """The README's figure/table (number and label) → module → step → coding sheets → output
    map: figures, then tables, by number; the numbers of the text last."""

    def order(record: dict) -> tuple:
        word, _, number = numbers.get(label_of(record["path"]) or "", "~ 0").partition(" ")
        return (word, int(number), record["path"])

    lines = ["| artifact | made by | from the coding sheets | output |", "|---|---|---|---|"]
    for record in sorted(artifact_records, key=order):
        label = label_of(record["path"])
        if label is None and record["path"] != "results/values.json":
            continue
        name = f"{numbers[label]} (`{label}`)" if label in numbers else label
        cells = [
            name or "numbers in the text",
            _made_by(record, lambda text: f"`{text}`"),
            ", ".join(f"`{path}`" for path in record["sheets"]),
            f"`{record['path']}`",
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def refresh_readme(readme: Path, generated: Path) -> None:
    """Replace the README's copy of the figure and table map by the one the build generated."""
    start, end = "<!-- provenance-map:start -->\n", "<!-- provenance-map:end -->"
    before, rest = readme.read_text(encoding="utf-8").split(start, 1)
    after = rest.split(end, 1)[1]
    readme.write_text(before + start + generated.read_text(encoding="utf-8") + end + after)


# Coded rows, and the values computed from them -------------------------------------------------


def flatten(document: object, prefix: str = "") -> dict[str, str]:
    """Nested mappings as `a.b.c` keys; leaves as text."""
    if not isinstance(document, dict):
        return {prefix: "" if document is None else str(document)}
    flat: dict[str, str] = {}
    for key, value in document.items():
        flat |= flatten(value, f"{prefix}.{key}" if prefix else str(key))
    return flat


def coded_tables(package: Path) -> dict[str, tuple[str, list[str]]]:
    """table → (its coding sheet's path, its primary key's columns), from the data package."""
    from compendium.datapackage import load_descriptor

    found = {}
    for resource in load_descriptor(package)["resources"]:
        key = resource["schema"].get("primaryKey") or []
        sheet = f"{Path(package).parent.name}/{resource['path']}"
        found[resource["name"]] = (sheet, [key] if isinstance(key, str) else list(key))
    return found


def rows_by_id(csv_text: str, key: list[str] | None = None) -> dict[str, dict[str, str]]:
    """The rows of a CSV text by their id: the `key` columns (the first column when none is
    given) joined by '/'."""
    rows = list(csv.DictReader(io.StringIO(csv_text), restval=""))
    key = key or list((rows or [{}])[0])[:1]
    return {"/".join(row.get(name) or "" for name in key): row for row in rows}


def _cited_rows(key: str, recorded: dict, tables: dict, root: Path) -> list[dict]:
    """The rows a value's record names, table by table, each with the locator it cites."""
    cited = []
    for table, ids in sorted(recorded.items()):
        sheet, columns = tables.get(table, (table, []))
        rows = rows_by_id((root / sheet).read_text(encoding="utf-8"), columns) if columns else {}
        if absent := [identifier for identifier in ids if identifier not in rows]:
            raise BuildError(
                f"value '{key}' names row '{absent[0]}' of {sheet}, which has no such row",
                file=VALUE_SOURCES,
                field=f"{key}.rows.{table}",
            )
        rows = [{"id": row, "locator": rows[row].get("locator", "")} for row in ids]
        cited.append({"table": sheet, "rows": rows})
    return cited


def value_entries(values: dict, sources: dict, package: Path, step: Step) -> dict:
    """For each value key: the value, the rule and script of its step, the function (and its
    module's file) that computed it, and its coded rows, each with the locator it cites."""
    flat = flatten(values)
    if missing := sorted(set(flat) - set(sources)):
        raise BuildError(f"value '{missing[0]}' has no recorded source", file=VALUE_SOURCES)
    tables, root = coded_tables(package), Path(package).parent.parent
    return {
        key: {
            "value": text,
            "rule": step.rule,
            "script": step.program,
            "function": sources[key]["function"],
            "module": module_file(sources[key]["function"]),
            "sources": _cited_rows(key, sources[key]["rows"], tables, root),
        }
        for key, text in sorted(flat.items())
    }


if __name__ == "__main__":
    import sys

    refresh_readme(Path(sys.argv[1]), Path(sys.argv[2]))
