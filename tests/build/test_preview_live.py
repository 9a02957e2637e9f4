"""`make preview` on a built tree: each manuscript save shows up in the served page, and every
fetch meanwhile gets a page (never a 404); a save that breaks the document keeps the last good
page and shows the error above it. The test follows the page's own announcements of each new
version (server-sent events), as the page in a browser tab does, instead of polling."""

from __future__ import annotations

import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from tests.workflow import copy_tree, job_inputs
from tooling import preview, preview_timing
from tooling.preview_page import EVENTS_PATH

SNAKEMAKE = [str(Path(sys.executable).parent / "snakemake"), "--cores", "2", "--rerun-incomplete"]


def test_the_direct_render_writes_the_bytes_the_render_step_wrote(built, tmp_path, monkeypatch):
    """Guards the preview against drifting from the step: same inputs, same HTML. The files the
    direct render reads are those Snakemake listed for the render step of the session build."""
    monkeypatch.chdir(built)
    plan = preview.Plan(frozenset(job_inputs(built)["render"]), {})
    assert plan.renders_directly(["manuscript/article.qmd"])
    preview.render_html(plan, tmp_path / "paper.html")
    assert (tmp_path / "paper.html").read_bytes() == (built / "results" / "paper.html").read_bytes()


class Served:
    """The preview's page as a tab sees it: fetched after each announced version."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.events = urllib.request.urlopen(url.replace("/paper.html", EVENTS_PATH), timeout=60)
        self.fetches, self.not_a_page = 0, 0

    def fetch(self) -> bytes:
        self.fetches += 1
        try:
            with urllib.request.urlopen(self.url, timeout=10) as answer:
                return answer.read()
        except urllib.error.HTTPError as error:
            self.not_a_page += 1
            return f"HTTP {error.code}".encode()

    def next_version_with(self, text: bytes, timeout: float = 300) -> bytes:
        """The page once a version announced from now on contains `text`."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            line = self.events.readline()
            assert line, "the preview closed its event stream"
            if line.startswith(b"data: "):
                body = self.fetch()
                if text in body:
                    return body
        raise AssertionError(f"no version with {text!r} in {timeout} s")


def test_saves_are_served_and_a_broken_save_keeps_the_last_good_page(built, tmp_path):
    tree = copy_tree(built, tmp_path / "tree")
    process, url = preview_timing._start(tree, SNAKEMAKE)
    try:
        served = Served(url)
        good = served.fetch()
        assert b"<html" in good and b'role="alert"' not in good
        sentence = "A sentence saved while the preview runs."
        preview_timing._save_sentence(tree, sentence)
        served.fetch()  # while the save is being rendered and built: still a page
        good = served.next_version_with(sentence.encode())
        assert b'role="alert"' not in good
        served.fetch()  # while the steps that also read the manuscript rebuild

        preview_timing._save_sentence(tree, "See @fig-nowhere for nothing.")
        broken = served.next_version_with(b'role="alert"')
        assert b"fig-nowhere" in broken
        # the last good page is still there beneath the error
        assert good.split(b"<script>")[0][:2000] in broken
        assert served.not_a_page == 0
    finally:
        preview_timing.stop(process)
