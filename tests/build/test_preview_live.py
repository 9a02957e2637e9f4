"""`make preview` on a built tree: each manuscript save shows up in the served page, and every
fetch meanwhile gets a page (never a 404); a save that breaks the document keeps the last good
page and shows the error above it."""

from __future__ import annotations

import sys
import time
import urllib.request
from pathlib import Path

from tests.workflow import copy_tree
from tooling import preview, preview_timing

SNAKEMAKE = [str(Path(sys.executable).parent / "snakemake"), "--cores", "2", "--rerun-incomplete"]


def test_the_direct_render_writes_the_bytes_the_render_step_wrote(built, tmp_path, monkeypatch):
    """Guards the preview against drifting from the step: same inputs, same HTML."""
    monkeypatch.chdir(built)
    plan = preview.read_plan(SNAKEMAKE)
    assert plan.renders_directly(["manuscript/article.qmd"])
    preview.render_html(plan, tmp_path / "paper.html")
    assert (tmp_path / "paper.html").read_bytes() == (built / "results" / "paper.html").read_bytes()


def test_each_save_is_served_and_the_page_is_never_missing(built, tmp_path):
    tree = copy_tree(built, tmp_path / "tree")
    timing = preview_timing.measure(tree, SNAKEMAKE, saves=2)
    assert len(timing.seconds) == 2
    assert timing.not_a_page == 0
    assert timing.fetches >= 2


def test_a_broken_save_keeps_the_last_good_page_with_its_error(built, tmp_path, monkeypatch):
    tree = copy_tree(built, tmp_path / "tree")
    monkeypatch.chdir(tree)
    process, url = preview_timing._start(tree, SNAKEMAKE)
    try:
        good = urllib.request.urlopen(url, timeout=10).read()
        assert b'role="alert"' not in good
        preview_timing._save_sentence(tree, "See @fig-nowhere for nothing.")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            body = urllib.request.urlopen(url, timeout=10).read()
            if b'role="alert"' in body:
                break
            time.sleep(0.05)
        assert b'role="alert"' in body
        assert b"fig-nowhere" in body
        # the last good page is still there beneath the error
        assert good.split(b"<script>")[0][:2000] in body
    finally:
        preview_timing.stop(process)
