"""A package as journals receive it: the files of a commit (`git archive`), no `.git`.

Build, verify and test must work there; tier 0 of `make verify` must tell a tampered output
and a tampered input from a faithful package without building anything.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
from pathlib import Path

import pytest

from tests.workflow import ROOT, copy_sources, copy_tree, environment, snakemake
from tooling import provenance, sources


def archived(destination: Path) -> Path:
    """`git archive` of the tree as it stands (uncommitted edits included, ignored files not),
    through a scratch index so that the repository's own index is left alone."""
    if not sources.is_git_checkout(ROOT):  # already such a package: its sources are the tree
        return copy_sources(destination)
    env = {**os.environ, "GIT_INDEX_FILE": str(destination.parent / "archive.index")}
    for command in (["git", "read-tree", "HEAD"], ["git", "add", "--all"]):
        subprocess.run(command, cwd=ROOT, env=env, check=True, capture_output=True)
    tree = subprocess.run(
        ["git", "write-tree"], cwd=ROOT, env=env, check=True, capture_output=True, text=True
    ).stdout.strip()
    tarball = destination.parent / "archive.tar"
    with open(tarball, "wb") as handle:
        subprocess.run(["git", "archive", tree], cwd=ROOT, stdout=handle, check=True)
    with tarfile.open(tarball) as archive:
        archive.extractall(destination, filter="data")
    return destination


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> Path:
    return archived(tmp_path_factory.mktemp("archive") / "package")


@pytest.fixture
def published(archive, built, tmp_path) -> Path:
    """The archive with the published files of a build and that build's manifest beside it."""
    package = shutil.copytree(archive, tmp_path / "package")
    shutil.copytree(built.parent / "results-as-built", package / "results")
    shutil.copy(package / "results" / "manifest.json", package / "manifest.json")
    return package


def verify(tree: Path, tier: int) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tooling.verify", "--tier", str(tier)],
        cwd=tree,
        capture_output=True,
        text=True,
        env=environment(),
        timeout=900,
    )


def test_an_archive_has_no_git_and_lists_the_sources_git_lists(archive):
    assert not (archive / ".git").exists()
    assert not sources.is_git_checkout(archive)
    assert sources.source_files(archive) == sources.source_files(ROOT)
    assert "data/raw/indicators.csv" in sources.build_inputs(archive)
    assert not [name for name in sources.build_inputs(archive) if name.startswith("tests/")]


def test_the_manifest_records_every_build_input(built):
    manifest = json.loads((built / "results" / "manifest.json").read_text(encoding="utf-8"))
    assert sorted(manifest["inputs"]) == sources.build_inputs(built)
    assert manifest["inputs"]["data/raw/indicators.csv"] == sources.sha256(
        built / "data" / "raw" / "indicators.csv"
    )


def test_tier0_accepts_a_faithful_package(published):
    completed = verify(published, 0)
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "0 differ, 0 missing, 0 new" in completed.stdout
    assert "0 changed, 0 missing, 0 not recorded" in completed.stdout
    # nothing was built
    assert not (published / ".snakemake").exists()


def test_tier0_detects_a_tampered_output(published):
    values = published / "results" / "values.json"
    values.write_bytes(values.read_bytes().replace(b"82", b"83", 1))
    completed = verify(published, 0)
    assert completed.returncode == 1
    assert "differs    results/values.json" in completed.stdout
    assert "0 changed" in completed.stdout


def test_tier0_detects_a_tampered_input(published):
    raw = published / "data" / "raw" / "indicators.csv"
    raw.write_bytes(raw.read_bytes().replace(b"2847", b"2848", 1))
    (published / "analysis" / "compendium" / "extra.py").write_text("X = 1\n")
    completed = verify(published, 0)
    assert completed.returncode == 1
    assert "changed    data/raw/indicators.csv" in completed.stdout
    assert "unrecorded analysis/compendium/extra.py" in completed.stdout
    assert "0 differ" in completed.stdout


def test_tier0_says_when_there_is_nothing_published(archive):
    completed = verify(archive, 0)
    assert completed.returncode == 1
    assert "No results/ here" in completed.stdout


def cluster_jobs_of_this_test() -> int:
    """Job processes the cluster executor started for the running test (the session's record
    of Snakemake processes, tests/process_count/)."""
    from tests.process_count.sitecustomize import RECORD

    test = os.environ["PYTEST_CURRENT_TEST"].split(" ")[0]
    lines = Path(os.environ[RECORD]).read_text(encoding="utf-8").splitlines()
    return sum(line.split("\t")[:2] == ["job", test] for line in lines)


def test_tier2_in_an_archive_reproduces_the_session_build_on_another_machine(
    archive, built, tmp_path
):
    """One clean build that shows three things. `make verify` (tier 2) rebuilds the archive
    from scratch and finds every file of the session build reproduced: the build works without
    git and is deterministic. And it prints the labels of another machine (Python 3.12.1):
    verify tells files that differ only in the printed tool versions from a difference of
    content, by rendering them again with the recorded labels and finding the very bytes. That
    each job also runs as a process of its own is the next test's."""
    package = shutil.copytree(archive, tmp_path / "package")
    session = json.loads((built / "results" / "manifest.json").read_text(encoding="utf-8"))
    (package / "manifest.json").write_text(json.dumps(session), encoding="utf-8")
    other_machine = tmp_path / "other-machine.json"
    other_machine.write_text(
        json.dumps({"environment": {**session["environment"], "python": "3.12.1"}})
    )
    env = {**environment(), provenance.LABELS_FROM: str(other_machine)}
    completed = subprocess.run(
        [sys.executable, "-m", "tooling.verify", "--tier", "2"],
        cwd=package,
        capture_output=True,
        text=True,
        env=env,
        timeout=1800,
    )
    text = completed.stdout
    assert completed.returncode == 0, text[-3000:] + completed.stderr[-3000:]
    assert re.search(r"\b0 differ, 0 missing, 0 new, of \d+ artifacts", text), text
    labelled = {line.split()[1] for line in text.splitlines() if line.startswith("labels ")}
    assert {"results/provenance/appendix.md", "results/paper.html", "results/paper.pdf"} <= labelled
    assert not {"results/values.json", "results/figures/fig-flows.svg"} & labelled
    python = session["environment"]["python"]
    assert f"python 3.12.1 here, {python} in manifest" in text, text
    assert os.environ.get(provenance.LABELS_FROM) is None

    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "tests/unit/test_workflows.py", "-k", "notebook"],
        cwd=package,
        capture_output=True,
        text=True,
        env=environment(),
    )
    assert collected.returncode == 0, collected.stdout[-3000:]


#: A cleaning notebook rerun, and the figure step and the values step that read its tables: jobs
#: that hand each other files only, two at a time.
CLUSTER_RERUN = "clean_coding"
CLUSTER_TARGETS = ("results/figures/fig-flows.svg", "results/values.json")
CLUSTER_JOBS = 3
REPORT = "results/report.html"


def test_jobs_run_each_as_a_process_of_its_own_and_write_the_session_build_bytes(built, tmp_path):
    """Snakemake's cluster-generic executor (profiles/cluster-generic) starts every job as a
    process of its own, the way a cluster scheduler does. In a copy of the session build, a
    cleaning notebook is run again and so are the figure and the values that read its tables:
    no job depends on another job's memory, working directory or undeclared input, so every
    file is byte for byte the session build's. The whole build's reproduction is tier 2's.
    The same run writes Snakemake's report of what it built (`make report`'s), which must be
    self-contained: a reader opens it offline."""
    tree = copy_tree(built, tmp_path / "tree")
    started = time.time()
    completed = snakemake(
        tree,
        "--workflow-profile", "profiles/cluster-generic",
        "--report", REPORT, "--report-after-run",
        *CLUSTER_TARGETS, "--forcerun", CLUSTER_RERUN,  # --forcerun takes every word after it
    )  # fmt: skip
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert cluster_jobs_of_this_test() == CLUSTER_JOBS, "jobs did not run through the executor"
    remade = {
        path.relative_to(tree).as_posix()
        for path in (tree / "results").rglob("*")
        if path.is_file() and path.stat().st_mtime >= started
    }
    assert {"results/data/flows.csv", *CLUSTER_TARGETS} <= remade, sorted(remade)
    report = (tree / REPORT).read_text(encoding="utf-8")
    assert "fig-flows" in report
    assert not re.search(r"""(?:src|href)=["']https?://""", report)
    for name in sorted(remade - {"results/.snakemake_timestamp", REPORT}):
        if "logs" not in name.split("/"):
            assert (tree / name).read_bytes() == (built / name).read_bytes(), name
