"""A package as journals receive it: the files of a commit (`git archive`), no `.git`.

Build, verify and test must work there; tier 0 of `make verify` must tell a tampered output
and a tampered input from a faithful package without building anything.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from tests.workflow import ROOT, copy_sources, environment
from tooling import sources


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


def test_build_verify_and_tests_work_in_an_archive(archive, built, tmp_path):
    """Tier 2 from the archive: a clean build of its sources reproduces the first build."""
    package = shutil.copytree(archive, tmp_path / "package")
    shutil.copy(built / "results" / "manifest.json", package / "manifest.json")
    completed = verify(package, 2)
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    assert "0 differ, 0 missing, 0 new" in completed.stdout
    collected = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "tests/unit/test_workflows.py", "-k", "notebook"],
        cwd=package,
        capture_output=True,
        text=True,
        env=environment(),
    )
    assert collected.returncode == 0, collected.stdout[-3000:]
