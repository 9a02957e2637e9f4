"""The floor: a clean build's work done in one Python process, with no orchestration.

    python -m tooling.lower_bound [--plan PLAN.json] [--timings TIMINGS.json]

`make bench` measures the build against this yardstick. It does what a clean build does
(validate the coded data, check the bibliography, clean every table, draw every figure, write
every table and value, record provenance, render every format) with the same code, in
sequence, in this one process:

- every step runs its rule's own script (`analysis/scripts/*.py`) in this process, with a
  stand-in for the `snakemake` object Snakemake gives a script: the same package functions,
  the same pandoc and typst calls, the same files written;
- the cleaning notebooks run cell by cell in this process instead of in a Jupyter kernel;
  their executed copies (`results/notebooks/*.ipynb`) are written without cell outputs, which
  only a kernel produces; every other file is byte for byte what the build writes.

What it leaves out is what orchestration costs: a Snakemake process and its job scheduling,
one Python process and its imports per step, one kernel per notebook.

Which steps exist and what each reads and writes is taken from the Snakefile itself before the
clock starts (`plan`, with Snakemake's parser in a separate process), so the floor follows the
workflow as it changes instead of keeping a copy of it.
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path

PLAN_VERSION = 1


# -------------------------------------------------------------------------------------------------
# The plan: the workflow's steps, read once with Snakemake's parser (not timed)


def _plan_from_workflow() -> dict:
    """Parse the Snakefile in the current directory with Snakemake's API; describe its rules.

    Runs in its own process (`--print-plan`): parsing executes the Snakefile, which sets
    environment variables (the build date, the package path); those are recorded in the plan
    so that the floor sets them too.
    """
    before = dict(os.environ)
    from snakemake.api import SnakemakeApi
    from snakemake.settings.enums import Quietness
    from snakemake.settings.types import OutputSettings, ResourceSettings

    with SnakemakeApi(OutputSettings(quiet={Quietness.ALL})) as api:
        workflow_api = api.workflow(
            resource_settings=ResourceSettings(cores=1), snakefile=Path("Snakefile")
        )
        workflow = workflow_api._workflow  # the parsed workflow (pinned Snakemake 9)
        basedir = Path(workflow.basedir)
        rules = [_describe_rule(rule, basedir) for rule in workflow.rules]
        return {
            "version": PLAN_VERSION,
            "target": workflow.default_target,
            "config": dict(workflow.config),
            "environment": {
                name: value for name, value in os.environ.items() if before.get(name) != value
            },
            "rules": rules,
        }


def _describe_rule(rule, basedir: Path) -> dict:
    script = None
    if rule.script:
        path = Path(os.path.dirname(str(rule.snakefile))) / str(rule.script)
        script = os.path.relpath(os.path.normpath(path), basedir)
    return {
        "name": rule.name,
        "script": script,
        "runs_code": not rule.norun,
        "input": _describe_files(rule.input, rule.name, "input"),
        "output": _describe_files(rule.output, rule.name, "output"),
        "log": _describe_files(rule.log, rule.name, "log"),
        "params": _describe_params(rule.params, rule.name),
    }


def _describe_files(named_list, rule: str, kind: str) -> dict:
    """Files of a rule, flat and by name; an input function is called (no wildcards here)."""

    def resolved(item) -> list[str]:
        if callable(item):
            from snakemake.iocontainers import Wildcards

            item = item(Wildcards())
        if isinstance(item, str):
            return [str(item)]
        if isinstance(item, list | tuple):
            return [str(path) for path in item]
        raise SystemExit(f"floor: rule {rule}: {kind} {item!r} is not a file or a list of files")

    named = {}
    for name, value in named_list.items():
        if isinstance(value, str) or callable(value):
            files = resolved(value)
            named[name] = files[0] if isinstance(value, str) else files
        else:
            named[name] = [path for item in value for path in resolved(item)]
    return {"files": [path for item in named_list for path in resolved(item)], "named": named}


def _describe_params(params, rule: str) -> dict:
    named = {}
    for name, value in params.items():
        if callable(value):
            raise SystemExit(f"floor: rule {rule}: params.{name} is a function: not supported")
        named[name] = value
    return {"values": list(params), "named": named}


def plan(tree: Path, python: str = sys.executable) -> dict:
    """The plan of the workflow in `tree`, read by a separate Python process."""
    environment = dict(os.environ)
    environment["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(tree / "analysis"), str(tree), environment.get("PYTHONPATH")])
    )
    completed = subprocess.run(
        [python, "-m", "tooling.lower_bound", "--print-plan"],
        cwd=tree,
        capture_output=True,
        text=True,
        env=environment,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"cannot read the workflow's steps:\n{completed.stderr[-2000:]}")
    return json.loads(completed.stdout)


def steps_in_order(the_plan: dict) -> list[dict]:
    """The steps the default target needs, each after the steps that make its inputs."""
    rules = {rule["name"]: rule for rule in the_plan["rules"]}
    maker = {path: rule["name"] for rule in the_plan["rules"] for path in rule["output"]["files"]}
    ordered: list[str] = []
    visiting: set[str] = set()

    def visit(name: str) -> None:
        if name in ordered:
            return
        if name in visiting:
            raise RuntimeError(f"the workflow has a cycle through rule {name}")
        visiting.add(name)
        for path in rules[name]["input"]["files"]:
            if path in maker:
                visit(maker[path])
        visiting.discard(name)
        ordered.append(name)

    visit(the_plan["target"])
    steps = []
    for name in ordered:
        rule = rules[name]
        if rule["script"] is None:
            if rule["runs_code"] or rule["output"]["files"]:
                raise RuntimeError(f"rule {name} is not a script: the floor cannot run it")
            continue  # a target rule such as `all`: nothing to do
        steps.append(rule)
    return steps


# -------------------------------------------------------------------------------------------------
# Running a step in this process


class Named(list):
    """Snakemake's named lists as a script sees them: a list, and its named items as attributes."""

    def __init__(self, items: Iterable, named: dict | None = None) -> None:
        super().__init__(items)
        self._named = dict(named or {})

    def __getattr__(self, name: str):
        try:
            return self.__dict__["_named"][name]
        except KeyError:
            raise AttributeError(name) from None

    def items(self):
        return self._named.items()

    def keys(self):
        return self._named.keys()

    def get(self, name: str, default=None):
        return self._named.get(name, default)


class StepContext:
    """The `snakemake` object a rule's script reads its inputs, outputs and settings from."""

    def __init__(self, rule: dict, config: dict) -> None:
        self.rule = rule["name"]
        self.input = Named(rule["input"]["files"], rule["input"]["named"])
        self.output = Named(rule["output"]["files"], rule["output"]["named"])
        self.log = Named(rule["log"]["files"], rule["log"]["named"])
        self.params = Named(rule["params"]["values"], rule["params"]["named"])
        self.wildcards = Named([])
        self.threads = 1
        self.resources = Named([])
        self.config = config
        self.scriptdir = str(Path(rule["script"]).parent.resolve())


def execute_in_process(source: Path, executed: Path, parameters: dict, root: Path) -> None:
    """`tooling.notebooks.execute` without a kernel: the notebook's cells run here.

    Same reader, same injected parameters, same cells in the same order, each notebook in a
    fresh namespace; the executed copy is written without outputs.
    """
    import jupytext
    import nbformat

    from tooling import notebooks

    notebook = jupytext.read(source)
    notebooks.inject_parameters(notebook, parameters)
    namespace: dict = {"__name__": "__main__"}
    for index, cell in enumerate(notebook.cells):
        if cell.cell_type == "code":
            exec(compile(cell.source, f"{source} (cell {index})", "exec"), namespace)
    notebooks.scrub(notebook, root)
    executed.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, executed)


def run_step(rule: dict, config: dict) -> None:
    """Run one rule's script here, as Snakemake would in a process of its own."""
    for path in [*rule["output"]["files"], *rule["log"]["files"]]:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    try:
        runpy.run_path(
            rule["script"],
            init_globals={"snakemake": StepContext(rule, config)},
            run_name="__main__",
        )
    except SystemExit as stop:
        if stop.code not in (None, 0):
            raise RuntimeError(f"step {rule['name']} failed (see the error above)") from None


def run(the_plan: dict, say: Callable[[str], None] | None = None) -> dict[str, float]:
    """Every step of the plan, in order, in this process; seconds per step."""
    from tooling import notebooks

    os.environ.update(the_plan["environment"])
    notebooks.execute = execute_in_process  # read by run_notebook.py when it runs
    timings: dict[str, float] = {}
    for rule in steps_in_order(the_plan):
        start = time.perf_counter()
        run_step(rule, the_plan["config"])
        timings[rule["name"]] = time.perf_counter() - start
        if say:
            say(f"{rule['name']:<20} {timings[rule['name']]:6.2f} s")
    return timings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tooling.lower_bound", description=__doc__)
    parser.add_argument("--plan", type=Path, help="the workflow's steps, from --print-plan")
    parser.add_argument("--timings", type=Path, help="write the seconds of each step here")
    parser.add_argument("--print-plan", action="store_true", help="print the plan and stop")
    parser.add_argument("--quiet", action="store_true", help="do not list the steps")
    arguments = parser.parse_args(argv)
    if arguments.print_plan:
        json.dump(_plan_from_workflow(), sys.stdout)
        return 0
    started = time.perf_counter()
    the_plan = (
        json.loads(arguments.plan.read_text(encoding="utf-8"))
        if arguments.plan
        else plan(Path.cwd())
    )
    if the_plan.get("version") != PLAN_VERSION:
        print("floor: the plan was written by another version of this module", file=sys.stderr)
        return 2
    say = None if arguments.quiet else (lambda line: print(line, file=sys.stderr, flush=True))
    clock = time.perf_counter()
    try:
        timings = run(the_plan, say)
    except RuntimeError as error:
        print(f"floor: {error}", file=sys.stderr)
        return 1
    total = time.perf_counter() - clock
    if say:
        say(f"{'all steps':<20} {total:6.2f} s (plan {clock - started:.2f} s, not counted)")
    if arguments.timings:
        arguments.timings.parent.mkdir(parents=True, exist_ok=True)
        arguments.timings.write_text(
            json.dumps({"steps": timings, "total": total}, indent=2) + "\n", encoding="utf-8"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
