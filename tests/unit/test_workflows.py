"""Author and CI tooling: the GitHub Actions workflow, the pre-commit hooks, `make preview`'s verb
(its behaviour: tests/unit/test_preview.py).

The workflow is checked where it can go wrong without anyone editing it (actionlint is not
installable here): it parses, uses only public actions pinned to a major version, and what it
repeats from elsewhere (the Python of the lock, the paper's formats, Quarto's pin, the
renderers, make's verbs, the artifact the Pages job publishes) still agrees with its source.
"""

from __future__ import annotations

import re
import subprocess

import pytest
import yaml

from tests.workflow import ROOT
from tooling import sources

WORKFLOW = ROOT / ".github" / "workflows" / "build.yml"
ACTION = re.compile(r"^(?P<name>(?:actions|quarto-dev)/[\w.-]+(?:/[\w.-]+)*)@v(?P<major>\d+)$")


def source_files() -> list[str]:
    """The files of the tree as a fresh clone would have them: tracked or new, not ignored."""
    return sources.source_files(ROOT)


def locked_versions() -> dict[str, str]:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    return {m[1].lower(): m[2] for m in re.finditer(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)", text, re.M)}


@pytest.fixture(scope="module")
def workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def steps(job: dict) -> list[dict]:
    return job["steps"]


def runs(job: dict) -> str:
    return "\n".join(step.get("run", "") for step in steps(job))


def uses(job: dict) -> list[str]:
    return [step["uses"] for step in steps(job) if "uses" in step]


def step_using(job: dict, action: str) -> dict:
    (step,) = [step for step in steps(job) if step.get("uses", "").startswith(action + "@")]
    return step


# The GitHub Actions workflow -------------------------------------------------------------------


def test_every_workflow_file_parses():
    files = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
    assert files == [WORKFLOW]
    for path in files:
        assert isinstance(yaml.safe_load(path.read_text(encoding="utf-8")), dict)


def test_only_public_actions_pinned_to_a_major_version(workflow):
    for name, job in workflow["jobs"].items():
        for action in uses(job):
            assert ACTION.match(action), f"{name}: {action}"


def paper_outputs() -> list[str]:
    """The paper's formats as the Snakefile lists them (PAPER_OUTPUTS)."""
    text = (ROOT / "Snakefile").read_text(encoding="utf-8")
    listed = re.search(r"^PAPER_OUTPUTS = \[\n((?:    .*\n)+)\]", text, re.M)
    assert listed, "PAPER_OUTPUTS is no longer a list in the Snakefile"
    return re.findall(r'"([^"]+)"', listed[1])


def test_the_build_job_uses_the_python_of_the_lock_and_keeps_every_format(workflow):
    """Two facts the workflow repeats from elsewhere: the Python the lock is made for (the
    Makefile's PYTHON_VERSION) and the paper's formats (the Snakefile's PAPER_OUTPUTS)."""
    job = workflow["jobs"]["build"]
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    python = re.search(r"^PYTHON_VERSION := (\S+)$", makefile, re.M)[1]
    assert re.match(rf"python:{re.escape(python)}-", job["container"]), job["container"]
    upload = step_using(job, "actions/upload-artifact")
    assert upload["with"]["path"].split() == paper_outputs()


def test_quarto_job_renders_with_the_quarto_of_environment_yml(workflow):
    job = workflow["jobs"]["quarto"]
    setup = step_using(job, "quarto-dev/quarto-actions/setup")
    environment = (ROOT / "environment.yml").read_text(encoding="utf-8")
    pinned = re.search(r"^\s*-\s*quarto=(\S+)", environment, flags=re.M)[1]
    assert str(setup["with"]["version"]) == pinned
    renderers = yaml.safe_load((ROOT / "config" / "config.schema.yaml").read_text())
    chosen = re.findall(r"--config renderer=(\w+)", runs(job))
    assert chosen and set(chosen) <= set(renderers["properties"]["renderer"]["enum"]), chosen


def test_pages_publishes_what_the_build_job_kept(workflow):
    """The Pages job downloads the artifact the build job uploads, and publishes that folder."""
    job = workflow["jobs"]["pages"]
    assert job["needs"] == "build"
    downloaded = step_using(job, "actions/download-artifact")["with"]
    uploaded = step_using(workflow["jobs"]["build"], "actions/upload-artifact")["with"]
    assert downloaded["name"] == uploaded["name"]
    assert step_using(job, "actions/upload-pages-artifact")["with"]["path"] == downloaded["path"]


def test_make_verbs_used_by_the_workflow_exist(workflow):
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    verbs = set(re.findall(r"^([a-z]+):", makefile, flags=re.M))
    for job in workflow["jobs"].values():
        for verb in re.findall(r"^\s*make(?: ([a-z]+))?\s*$", runs(job), flags=re.M):
            assert (verb or "paper") in verbs


# pre-commit ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hooks() -> dict[str, dict]:
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    found = {}
    for repo in config["repos"]:
        for hook in repo["hooks"]:
            found[hook["id"]] = {**hook, "repo": repo["repo"], "rev": repo.get("rev")}
    return found


def test_pre_commit_runs_the_locked_versions_of_the_linters(hooks):
    versions = locked_versions()
    for hook, package in [
        ("ruff-check", "ruff"), ("ruff-format", "ruff"),
        ("snakefmt", "snakefmt"), ("jupytext", "jupytext"),
    ]:  # fmt: skip
        assert hooks[hook]["rev"] == f"v{versions[package]}", hook


def test_pre_commit_syncs_the_notebooks(hooks):
    jupytext = hooks["jupytext"]
    assert "--sync" in jupytext["args"]
    notebooks = [name for name in source_files() if name.startswith("analysis/notebooks/")]
    assert notebooks
    assert all(re.search(jupytext["files"], name) for name in notebooks)


def test_pre_commit_rejects_notebooks_with_outputs(hooks):
    (local,) = [hook for hook in hooks.values() if hook["repo"] == "local"]
    assert local["language"] == "fail"
    for name in ("analysis/notebooks/clean_dates.ipynb", "results/notebooks/x.ipynb", "a.ipynb"):
        assert re.search(local["files"], name), name
    for name in ("analysis/notebooks/clean_dates.py", "notes.ipynb.md"):
        assert not re.search(local["files"], name), name
    # and the rule holds today: no notebook with outputs is part of the sources
    assert [name for name in source_files() if name.endswith(".ipynb")] == []


# make preview ----------------------------------------------------------------------------------


def test_preview_verb_is_in_make_help():
    listed = subprocess.run(["make", "help"], cwd=ROOT, capture_output=True, text=True).stdout
    assert re.search(r"make preview\s+\S", listed)
