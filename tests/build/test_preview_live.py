"""`make preview` on a built tree: the current build is served without a first Snakemake run,
a manuscript save shows up in the served page, and every fetch meanwhile gets a page (never a
404), also while the steps that read the manuscript too are rebuilt; a save that breaks the
document keeps the last good page and shows the error above it. The test asks for the version
served, as the page's script in a browser tab does, and fetches the page when it changes. One
Snakemake run in all: the rebuild after the manuscript save."""

from __future__ import annotations

import base64
import os
import re
import subprocess
import threading
import time
import urllib.error
import urllib.request
from dataclasses import replace
from pathlib import Path

from tests.process_count.sitecustomize import RECORD
from tests.workflow import copy_tree, job_inputs, start_make
from tooling import bench, preview_plan, preview_splice, render
from tooling.preview_page import VERSION_PATH


def test_the_direct_render_writes_the_bytes_the_render_step_wrote(built, tmp_path, monkeypatch):
    """Guards the preview against drifting from the step: same inputs, same HTML. The files the
    direct render reads are those Snakemake listed for the render step of the session build."""
    monkeypatch.chdir(built)
    plan = preview_plan.Plan(frozenset(job_inputs(built)["render"]), {})
    assert plan.renders_directly(["manuscript/article.qmd"])
    inputs = preview_plan.plan_inputs(plan)
    render.render(inputs, {"html": tmp_path / "paper.html"}, root=built)
    assert (tmp_path / "paper.html").read_bytes() == (built / "results" / "paper.html").read_bytes()
    # the page the preview serves links the same figures instead of embedding them
    preview_plan.render_html(plan, tmp_path / "preview.html")
    page = (tmp_path / "preview.html").read_text(encoding="utf-8")
    paper = (tmp_path / "paper.html").read_text(encoding="utf-8")
    linked = re.findall(r'src="(\.\./results/figures/[^"]+)"', page)
    embedded = re.findall(r'src="data:image/svg\+xml;base64,([^"]+)"', paper)
    assert len(linked) == len(embedded) > 0
    for href, data in zip(linked, embedded, strict=True):
        assert (built / "manuscript" / href).read_bytes() == base64.b64decode(data)


def test_a_prose_edit_spliced_into_the_page_is_the_page_the_whole_render_makes(
    built, tmp_path, monkeypatch
):
    """The preview's fast path on real edits of the paper (a sentence with a value and a
    citation the paragraph had, a later paragraph, a word): the page it splices together is,
    byte for byte, the page the whole render makes of the edited manuscript (given as text: the
    session's tree stays as built). Each whole render costs seconds, so one edit holds three
    kinds of change; test_preview_splice takes each kind on its own."""
    from tests.unit.test_preview_splice import PROSE_EDITS, SENTENCE

    monkeypatch.chdir(built)
    inputs = preview_plan.plan_inputs(preview_plan.Plan(frozenset(job_inputs(built)["render"]), {}))
    article = inputs.manuscript.read_text(encoding="utf-8")
    render.render(inputs, {"preview": tmp_path / "before.html"}, root=built)
    before = (tmp_path / "before.html").read_bytes()
    value = "{{< var event.sfda-reform-2007.year >}}"
    edits = {
        "a sentence, a value, a citation": (
            SENTENCE,
            SENTENCE[:-1] + f" [@cyranoski2009]. It failed in {value}.",
        ),
        "a later paragraph": PROSE_EDITS["a later paragraph"],
    }
    for name, (old, new) in edits.items():
        text = article.replace(old, new)
        spliced = preview_splice.spliced_page(before, article, text, inputs, tmp_path)
        assert spliced is not None, f"{name}: not spliced"
        whole = tmp_path / f"{name}.html"
        render.render(replace(inputs, text=text), {"preview": whole}, root=built)
        assert spliced == whole.read_bytes(), f"{name}: the spliced page differs"
        assert spliced != before
    # the page the build made (figures embedded: its markup wraps otherwise), as the preview
    # splices into it when the first save comes before any render of its own
    old, new = PROSE_EDITS["a word changed"]
    text = article.replace(old, new)
    built_page = (built / preview_plan.TARGET).read_bytes()
    spliced = preview_splice.spliced_page(built_page, article, text, inputs, tmp_path, to="html")
    render.render(replace(inputs, text=text), {"html": tmp_path / "whole.html"}, root=built)
    assert spliced == (tmp_path / "whole.html").read_bytes()


class Served:
    """The preview's page as a tab sees it: fetched again when the version served changes."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.version = self.read_version()
        self.fetches, self.not_a_page = 0, 0

    def read_version(self) -> bytes:
        with urllib.request.urlopen(self.url.replace("/paper.html", VERSION_PATH)) as answer:
            return answer.read()

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
            time.sleep(0.25)  # as often as the page's script asks
            version = self.read_version()
            if version != self.version:
                self.version, body = version, self.fetch()
                if text in b" ".join(body.split()):  # pandoc wraps the page's lines
                    return body
        raise AssertionError(f"no version with {text!r} in {timeout} s")


def started_preview(tree: Path, timeout: float = 300) -> tuple[subprocess.Popen, str, list[str]]:
    """`make preview` on a free port: the process, the page's address, and the lines it prints
    (read on in a thread of their own, so that the pipe never fills)."""
    process = start_make(tree, "preview", "PORT=0")
    lines: list[str] = []
    ready = threading.Event()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            lines.append(line.rstrip("\n"))
            if line.startswith("preview: watching"):
                ready.set()
        ready.set()

    threading.Thread(target=read, daemon=True).start()
    ready.wait(timeout)
    url = re.search(r"(http://127\.0\.0\.1:\d+/paper\.html)", "\n".join(lines))
    assert url and any(line.startswith("preview: watching") for line in lines), lines
    return process, url[1], lines


def snakemake_runs_of_this_test() -> int:
    """Snakemake processes started for the running test (the session's record of them,
    tests/process_count/)."""
    test = os.environ["PYTEST_CURRENT_TEST"].split(" ")[0]
    lines = Path(os.environ[RECORD]).read_text(encoding="utf-8").splitlines()
    return sum(line.split("\t")[:2] == ["run", test] for line in lines)


def test_saves_are_served_and_a_broken_save_keeps_the_last_good_page(built, tmp_path):
    tree = copy_tree(built, tmp_path / "tree")
    process, url, lines = started_preview(tree)
    try:
        served = Served(url)
        good = served.fetch()
        assert b"<html" in good and b'role="alert"' not in good
        # the build was current: the page is the built paper, served without starting Snakemake
        paper = (tree / preview_plan.TARGET).read_bytes()
        assert paper[: paper.rfind(b"</body>")] in good
        assert snakemake_runs_of_this_test() == 0, lines
        sentence = "A sentence saved while the preview runs."
        # a paragraph of its own, which the preview renders itself: a sentence within a
        # paragraph is spliced into the built page first (the test above)
        article = tree / bench.EDITED
        text = article.read_text(encoding="utf-8")
        article.write_text(f"{text.rstrip()}\n\n{sentence}\n", encoding="utf-8")
        served.fetch()  # while the save is being rendered and built: still a page
        good = served.next_version_with(sentence.encode())
        assert b'role="alert"' not in good
        figure = re.search(rb'<img src="\.\./(results/figures/[^"]+)"', good)[1].decode()
        with urllib.request.urlopen(url.replace("paper.html", figure), timeout=10) as answer:
            assert answer.read() == (tree / figure).read_bytes()
        served.fetch()  # while the steps that also read the manuscript rebuild

        # a save that breaks the document's settings: only the renderer reads them, so this
        # save is the preview's own render alone, with no build after it
        settings = tree / "manuscript" / "_quarto.yml"
        settings.write_text(settings.read_text(encoding="utf-8") + "title: [unclosed\n")
        broken = served.next_version_with(b'role="alert"')
        assert b"manuscript/_quarto.yml:" in broken and b"not valid YAML" in broken
        # the last good page is still there beneath the error
        assert good.split(b"<script>")[0][:2000] in broken
        assert served.not_a_page == 0
        assert snakemake_runs_of_this_test() <= 1, lines
    finally:
        bench.stop_preview(process)
