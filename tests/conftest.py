"""Shared fixtures: the package on the path, and one real build per test session that the
build and browser tests assert on (corruptions run in copies of it)."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "analysis"))
sys.path.insert(0, str(ROOT))


#: Folders whose tests run the real build (or a browser on its output): `make test-fast` skips them.
BUILD_FOLDERS = ("build", "browser")


def pytest_collection_modifyitems(items):
    """Mark every test under tests/build and tests/browser `build`, so `-m "not build"` is the
    fast subset without a marker to forget in each new file."""
    for item in items:
        folder = Path(item.path).relative_to(ROOT / "tests").parts[0]
        if folder in BUILD_FOLDERS:
            item.add_marker(pytest.mark.build)
        elif folder == "conformance":
            item.add_marker(pytest.mark.conformance)


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """A clean build of a copy of this tree: the tree's path, with results/ filled."""
    from tests.workflow import copy_sources, snakemake

    tree = copy_sources(tmp_path_factory.mktemp("built") / "tree")
    completed = snakemake(tree)
    assert completed.returncode == 0, completed.stderr[-3000:]
    # Kept as built: later tests add files to results/ (a screenshot, a standards report).
    shutil.copytree(tree / "results", tree.parent / "results-as-built")
    return tree


@pytest.fixture(scope="session")
def html(built) -> str:
    return (built / "results" / "paper.html").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def pdf_text(built) -> str:
    from pypdf import PdfReader

    reader = PdfReader(built / "results" / "paper.pdf")
    return "\n".join(page.extract_text() or "" for page in reader.pages)
