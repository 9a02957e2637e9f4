"""Author and CI tooling: the GitHub Actions workflow, the pre-commit hooks, `make preview`'s verb
(its behaviour: tests/unit/test_preview.py).

The workflow is checked for structure (actionlint is not installable here): it parses, runs on
push and pull request, builds and tests as `.ci/run` does, renders with Quarto, publishes the
HTML to Pages from main only, and uses only public actions pinned to a major version.
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
PAPER = ["results/paper.html", "results/paper.pdf", "results/paper.docx", "results/paper.xml"]


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


def test_runs_on_push_and_pull_request(workflow):
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert {"push", "pull_request"} <= set(triggers)
    assert workflow["permissions"] == {"contents": "read"}


def test_only_public_actions_pinned_to_a_major_version(workflow):
    for name, job in workflow["jobs"].items():
        for action in uses(job):
            assert ACTION.match(action), f"{name}: {action}"


def test_build_job_runs_the_project_ci_script(workflow):
    """The GitHub job is `.ci/run` itself (bare machine, system packages, tests) in a Debian
    container with Python 3.11, and keeps the paper the bare stage built."""
    job = workflow["jobs"]["build"]
    assert job["runs-on"] == "ubuntu-latest"
    assert "3.11" in job["container"] and "bookworm" in job["container"]
    lines = [line.strip() for line in runs(job).splitlines()]
    assert "bash .ci/run" in lines
    upload = step_using(job, "actions/upload-artifact")
    assert upload["with"]["path"].split() == PAPER


def test_quarto_job_renders_with_the_quarto_renderer(workflow):
    job = workflow["jobs"]["quarto"]
    setup = step_using(job, "quarto-dev/quarto-actions/setup")
    assert setup["uses"] == "quarto-dev/quarto-actions/setup@v2"
    environment = (ROOT / "environment.yml").read_text(encoding="utf-8")
    pinned = re.search(r"^\s*-\s*quarto=(\S+)", environment, flags=re.M)[1]
    assert str(setup["with"]["version"]) == pinned  # the same Quarto as environment.yml
    commands = runs(job)
    assert re.search(r"snakemake .*--config renderer=quarto", commands)
    renderers = yaml.safe_load((ROOT / "config" / "config.schema.yaml").read_text())
    assert "quarto" in renderers["properties"]["renderer"]["enum"]


def test_pages_publishes_the_html_from_main_only(workflow):
    job = workflow["jobs"]["pages"]
    assert "push" in job["if"] and "refs/heads/main" in job["if"]
    assert job["needs"] == "build"
    assert job["permissions"]["pages"] == "write"
    assert job["permissions"]["id-token"] == "write"
    assert job["environment"]["name"] == "github-pages"
    used = uses(job)
    assert any(action.startswith("actions/upload-pages-artifact@") for action in used)
    assert any(action.startswith("actions/deploy-pages@") for action in used)
    downloaded = step_using(job, "actions/download-artifact")["with"]
    assert (
        downloaded["name"]
        == step_using(workflow["jobs"]["build"], "actions/upload-artifact")["with"]["name"]
    )
    assert f"{downloaded['path']}/paper.html {downloaded['path']}/index.html" in runs(job)
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
