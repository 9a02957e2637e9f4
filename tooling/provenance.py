"""Where every published artifact comes from, and the manifest a reviewer verifies against.

The workflow hands us its steps (rule, program, inputs, outputs) as plain data; from them we
write the provenance the captions and the appendix show, the figure/table → program → output map
of the README, and the manifest: every published file with its SHA-256, size and the rule that
made it, plus the versions of the tools that made them.
"""

from __future__ import annotations

import json
import platform
import re
from dataclasses import dataclass
from pathlib import Path

from tooling.dependencies import module_file
from tooling.sources import sha256

#: Short hashes in captions: long enough to tell two versions apart, short enough to read.
SHORT_HASH = 12


@dataclass(frozen=True)
class Step:
    rule: str
    program: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    #: the package function whose result the step writes, when it is one (see
    #: tooling.dependencies.computing_function)
    function: str | None = None


def steps_of_rules(described: list[dict]) -> list[Step]:
    """Steps as the workflow describes them (see analysis/rules/provenance.smk)."""
    return [
        Step(
            rule=step["rule"],
            program=step["program"],
            inputs=tuple(step["inputs"]),
            outputs=tuple(step["outputs"]),
            function=step.get("function"),
        )
        for step in sorted(described, key=lambda step: step["rule"])
    ]


def step_of(path: str, steps: list[Step]) -> Step | None:
    for step in steps:
        if path in step.outputs:
            return step
    return None


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
    if step is None:
        return []
    own = f"data/raw/{Path(path).stem}.csv"
    if path.startswith("results/data/") and own in step.inputs:
        return [own]
    found = [sheet for source in data_inputs(step) for sheet in coded_sheets(source, steps)]
    return list(dict.fromkeys(found))


def records(paths: list[str], steps: list[Step], root: Path, digest=sha256) -> list[dict]:
    """One record per published file: path, hash, size, the step that made it (its rule,
    program and inputs), the package function whose result it is and the coding sheets it
    comes from; the hash by `digest`."""
    result = []
    for path in sorted(paths):
        step = step_of(path, steps)
        file = root / path
        function = step.function if step else None
        result.append(
            {
                "path": path,
                "sha256": digest(file),
                "size": file.stat().st_size,
                "rule": step.rule if step else None,
                "program": step.program if step else None,
                "inputs": data_inputs(step) if step else [],
                "function": function,
                "module": module_file(function) if function else None,
                "sheets": coded_sheets(path, steps),
            }
        )
    return result


def label_of(path: str) -> str | None:
    """`results/figures/fig-flows.svg` → `fig-flows`: the manuscript label of an artifact."""
    match = re.fullmatch(r"results/(?:figures|tables)/((?:fig|tbl)-[a-z0-9-]+)\.\w+", path)
    return match[1] if match else None


def caption_provenance(artifact_records: list[dict], place: tuple[str, str] | None = None) -> dict:
    """For each figure and table label: the step's rule, program and inputs, the module and
    function that compute the artifact and the coding sheets it comes from, a short hash, and
    the URL of the module (else the program) in the repository when one is known
    (tooling.links)."""
    from tooling.links import file_url

    result = {}
    for record in artifact_records:
        label = label_of(record["path"])
        if label:
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
            url = file_url(place, record.get("module") or record["program"])
            if url:
                result[label]["url"] = url
    return result


def artifact_entries(captions: dict) -> dict:
    """The figure and table entries of captions.json, which also holds `values` (where each
    printed number comes from, tooling.value_provenance)."""
    return {label: entry for label, entry in captions.items() if label.startswith(("fig-", "tbl-"))}


def tool_versions(lock_text: str) -> dict:
    """Python, pandoc, typst and every package pinned in the lock file, as installed.

    `make verify` alone, in its scratch copy, asks for the versions a manifest recorded instead
    (tooling.differences.LABELS_FROM), to learn whether a difference is only these labels.
    """
    import os
    from importlib import metadata

    from tooling.differences import LABELS_FROM

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


def _cell(text: object) -> str:
    from compendium.pipe_tables import escape

    return escape(text)


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


def _short(function: str) -> str:
    """`compendium.figures.flows.flows` → `flows.flows`, as a script calls it."""
    return ".".join(function.split(".")[-2:])


def _made_by(record: dict, code) -> str:
    step = f"step {code(record['rule'] or '')} ({code(record['program'] or '')})"
    if record.get("module"):
        return f"{code(record['module'])} ({code(_short(record['function']))}), {step}"
    return step


def appendix(artifact_records: list[dict], environment: dict, where: str = "") -> str:
    """Markdown for the manuscript's appendix: where the files it names are, every artifact
    (with its figure or table number) → the module and step that made it → the coding sheets it
    comes from → hash, then the environment that made them."""
    lines = [
        *([where, ""] if where else []),
        "| Artifact | Made by | From the coding sheets | SHA-256 (first 12) |",
        "|:------------|:--------------------|:------------|:--------|",
    ]
    for record in artifact_records:
        label = label_of(record["path"])
        # `@label` becomes "Figure 2" (linked) through the cross-reference filter
        artifact = f"@{label} ({_cell(label)}), " if label else ""
        cells = [
            artifact + _cell(record["path"]),
            _made_by(record, _cell),
            _cell(", ".join(record["sheets"])),
            _cell(record["sha256"][:SHORT_HASH]),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    lines += [
        "",
        ": Every published file, the module and workflow step that made it, the coding sheets it "
        "comes from, and its checksum.",
        "",
        "| Tool or package | Version |",
        "|:------------------------|:----------|",
        f"| Python | {_cell(environment['python'])} |",
        f"| pandoc | {_cell(environment['pandoc'])} |",
        f"| typst | {_cell(environment['typst'])} |",
    ]
    lines += [
        f"| {_cell(name)} | {_cell(version)} |"
        for name, version in environment["packages"].items()
        if version and name not in ("typst",)
    ]
    lines += ["", ": The software that made this build.", ""]
    return "\n".join(lines)


def readme_map(artifact_records: list[dict], numbers: dict[str, str] | None = None) -> str:
    """The README's figure/table (number and label) → module → step → coding sheets → output
    map."""
    numbers = numbers or {}
    lines = [
        "| artifact | made by | from the coding sheets | output |",
        "|---|---|---|---|",
    ]

    def order(record: dict) -> tuple:
        """Figures, then tables, by number; the numbers of the text last."""
        word, _, number = numbers.get(label_of(record["path"]) or "", "~ 0").partition(" ")
        return (word, int(number), record["path"])

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


README_MAP = ("<!-- provenance-map:start -->\n", "<!-- provenance-map:end -->")


def refresh_readme(readme: Path, generated: Path) -> None:
    """Replace the README's copy of the figure and table map by the one the build generated."""
    text = readme.read_text(encoding="utf-8")
    start, end = README_MAP
    before, rest = text.split(start, 1)
    after = rest.split(end, 1)[1]
    readme.write_text(before + start + generated.read_text(encoding="utf-8") + end + after)


if __name__ == "__main__":
    import sys

    refresh_readme(Path(sys.argv[1]), Path(sys.argv[2]))
