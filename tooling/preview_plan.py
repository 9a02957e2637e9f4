"""What a save in `make preview` changes, and how the HTML is rendered without Snakemake.

The sources are polled (a stat of every watched file). The plan comes from the steps the last
build recorded (STEPS_FILE): which files the render step reads itself, and which other steps
read the same sources and must be rebuilt after a save.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from compendium.errors import BuildError
from tooling import render

#: What a save can change: the sources of every step.
WATCHED = ("Snakefile", "config", "data", "manuscript", "references.bib", "analysis", "tooling")
TARGET = "results/paper.html"
STEPS_FILE = Path("results/provenance/steps.json")
REFERENCE_FILTER = "/reference-status.lua"
GENERATED = "results/"
Snapshot = dict[str, tuple[int, int]]


def snapshot(root: Path, watched: Iterable[str] = WATCHED) -> Snapshot:
    """Modification time and size of every file under the watched paths."""
    state: Snapshot = {}
    for name in watched:
        top = root / name
        files = [top] if top.is_file() else (top.rglob("*") if top.is_dir() else [])
        for path in files:
            if "__pycache__" in path.parts:
                continue
            try:
                status = path.stat()
            except FileNotFoundError:  # removed while we looked
                continue
            if path.is_file():
                state[path.relative_to(root).as_posix()] = (status.st_mtime_ns, status.st_size)
    return state


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """Files added, removed or modified between two snapshots, sorted."""
    return sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )


@dataclass(frozen=True)
class Plan:
    """What the HTML is made from, as Snakemake's summary of the target's jobs lists it."""

    #: the HTML step's own inputs: sources (the renderer reads them) and generated files
    renderer_reads: frozenset[str]
    #: for each source, the outputs of the other steps that read it
    other_readers: dict[str, frozenset[str]]

    def renders_directly(self, changed: Iterable[str]) -> bool:
        """Whether every change is a file the renderer reads itself, not code it has loaded."""
        changed = list(changed)
        return bool(changed) and all(
            name in self.renderer_reads and not name.endswith(".py") for name in changed
        )

    def stale_code(self, changed: Iterable[str]) -> list[str]:
        """Changed files of the renderer's own code (Python this process has loaded)."""
        return [name for name in changed if name in self.renderer_reads and name.endswith(".py")]

    def rebuilds(self, changed: Iterable[str]) -> list[str]:
        """What Snakemake must build after a direct render: the other steps' outputs."""
        return sorted({output for name in changed for output in self.other_readers.get(name, ())})


def plan_from_steps(steps: list[dict], target: str = TARGET) -> Plan:
    """The plan from the workflow's steps (rule, inputs, outputs): the step that writes `target`
    and, for each source, the outputs of the steps it waits for that read that source too."""
    html = next((step for step in steps if target in step["outputs"]), None)
    if html is None:
        raise BuildError(f"the workflow has no step that writes {target}")
    writers = {output: step for step in steps for output in step["outputs"]}
    # the steps the target waits for: the writers of its generated inputs, and of theirs
    upstream, waiting = {}, [html]
    while waiting:
        step = waiting.pop()
        for name in step["inputs"]:
            writer = writers.get(name)
            if writer and writer["rule"] not in upstream and writer is not html:
                upstream[writer["rule"]] = writer
                waiting.append(writer)
    other_readers: dict[str, set[str]] = {}
    for step in upstream.values():
        for name in step["inputs"]:
            if not name.startswith(GENERATED):
                other_readers.setdefault(name, set()).update(step["outputs"])
    return Plan(
        frozenset(html["inputs"]),
        {name: frozenset(outputs) for name, outputs in other_readers.items()},
    )


def read_plan(root: Path) -> Plan:
    """The plan from the steps the last build recorded (STEPS_FILE)."""
    try:
        steps = json.loads((root / STEPS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise BuildError(f"{STEPS_FILE}: no record of the workflow's steps ({error})") from None
    return plan_from_steps(steps)


def render_html(plan: Plan, output: Path, reader_cache: Path | None = None) -> None:
    """The HTML as the render step makes it, from the files the step reads, with its figures
    and stylesheet linked (served by tooling.preview_page) instead of embedded."""
    render.render(
        plan_inputs(plan), {"preview": output}, root=Path.cwd(), reader_cache=reader_cache
    )


def plan_inputs(plan: Plan) -> render.Inputs:
    """The render step's inputs among the files it reads."""

    def the(kind: str, pattern: str) -> Path:
        found = sorted(name for name in plan.renderer_reads if re.search(pattern, name))
        if len(found) != 1:
            raise BuildError(f"the HTML step reads {len(found)} {kind}, expected one")
        return Path(found[0])

    return render.Inputs(
        manuscript=the("documents (.qmd)", r"\.qmd$"),
        values=the("values files", r"(^|/)values\.\w+$"),
        provenance=the("provenance records", r"captions\.json$"),
        # the step passes this filter by name (it runs after citeproc); the renderer finds the
        # others itself
        reference_filter=the("reference filters", re.escape(REFERENCE_FILTER) + "$"),
    )


def configured_renderer(root: Path) -> str:
    """The renderer config/config.yaml selects: a direct render uses the pandoc one only."""
    import yaml

    try:
        settings = yaml.safe_load((root / "config" / "config.yaml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return "unknown"
    return str((settings or {}).get("renderer", "pandoc"))
