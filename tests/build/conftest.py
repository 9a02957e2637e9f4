"""One real build per test session; tests assert on it or on corrupted copies of it."""

from __future__ import annotations

import pytest

from tests.workflow import copy_sources, snakemake


@pytest.fixture(scope="session")
def built(tmp_path_factory):
    """A clean build of a copy of this tree: the tree's path, with results/ filled."""
    tree = copy_sources(tmp_path_factory.mktemp("built") / "tree")
    completed = snakemake(tree)
    assert completed.returncode == 0, completed.stderr[-3000:]
    return tree


@pytest.fixture(scope="session")
def html(built) -> str:
    return (built / "results" / "paper.html").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def pdf_text(built) -> str:
    from pypdf import PdfReader

    reader = PdfReader(built / "results" / "paper.pdf")
    return "\n".join(page.extract_text() or "" for page in reader.pages)
