"""`make preview`: what is watched, what a save re-renders directly, and the served page that
reloads itself, keeps the last good version and shows a failed build's error (never a 404)."""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from compendium.errors import BuildError
from tooling import preview, preview_plan, render
from tooling.preview_page import VERSION_PATH, Page, serve


def step(rule: str, inputs: list[str], outputs: list[str]) -> dict:
    return {"rule": rule, "inputs": inputs, "outputs": outputs}


#: The workflow's steps as the provenance step records them (results/provenance/steps.json).
STEPS = [
    step("render",
         ["manuscript/article.qmd", "manuscript/style.css", "manuscript/filters/crossref.lua",
          "manuscript/filters/reference-status.lua", "references.bib", "results/values.yml",
          "results/checks/bibliography.txt", "tooling/render.py"],
         # the same step writes the other formats: they are the renderer's, not other readers
         ["results/paper.html", "results/paper.pdf"]),
    step("check_bibliography", ["manuscript/article.qmd", "references.bib"],
         ["results/checks/bibliography.txt"]),
    step("clean_dates", ["data/raw/events.csv", "references.bib"], ["results/data/events.csv"]),
    step("values", ["results/data/events.csv"], ["results/values.yml"]),
    # after the paper, not before it: not a step the HTML waits for
    step("check_leaks", ["results/paper.html", "manuscript/article.qmd"],
         ["results/checks/leaks.txt"]),
]  # fmt: skip


def steps_with(old: str, new: str) -> list[dict]:
    return json.loads(json.dumps(STEPS).replace(old, new))


def test_snapshot_sees_additions_changes_and_removals_of_sources_only(tmp_path):
    (tmp_path / "manuscript").mkdir()
    (tmp_path / "data" / "raw").mkdir(parents=True)
    article = tmp_path / "manuscript" / "article.qmd"
    article.write_text("one")
    before = preview_plan.snapshot(tmp_path)
    assert list(before) == ["manuscript/article.qmd"]
    article.write_text("one two")  # size changes even if the clock is coarse
    table = tmp_path / "data" / "raw" / "events.csv"
    table.write_text("id\n")
    (tmp_path / "results").mkdir()
    (tmp_path / "results" / "paper.html").write_text("not watched")
    (tmp_path / "tooling" / "__pycache__").mkdir(parents=True)
    (tmp_path / "tooling" / "__pycache__" / "render.pyc").write_text("written by Python")
    after = preview_plan.snapshot(tmp_path)
    assert preview_plan.changes(before, after) == ["data/raw/events.csv", "manuscript/article.qmd"]
    table.unlink()
    assert preview_plan.changes(after, preview_plan.snapshot(tmp_path)) == ["data/raw/events.csv"]


def test_the_plan_says_what_renders_directly_and_what_else_must_be_built():
    plan = preview_plan.plan_from_steps(STEPS)
    assert plan.renders_directly(["manuscript/article.qmd"])
    assert plan.renders_directly(["manuscript/style.css", "manuscript/filters/crossref.lua"])
    # the renderer's own code is loaded in the preview: a change to it needs a fresh process
    assert not plan.renders_directly(["tooling/render.py"])
    assert not plan.renders_directly(["data/raw/events.csv"])
    assert not plan.renders_directly(["manuscript/article.qmd", "data/raw/events.csv"])
    assert not plan.renders_directly([])
    assert plan.rebuilds(["manuscript/article.qmd"]) == ["results/checks/bibliography.txt"]
    assert plan.rebuilds(["references.bib"]) == [
        "results/checks/bibliography.txt",
        "results/data/events.csv",
    ]
    assert plan.rebuilds(["manuscript/style.css"]) == []


def test_steps_without_the_html_step_are_an_error():
    with pytest.raises(BuildError, match=r"results/paper\.html"):
        preview_plan.plan_from_steps(steps_with("results/paper.html", "results/other.html"))


def test_the_plan_is_read_from_the_steps_the_build_recorded(tmp_path):
    with pytest.raises(BuildError, match=r"steps\.json: no record of the workflow's steps"):
        preview_plan.read_plan(tmp_path)
    (tmp_path / preview_plan.STEPS_FILE).parent.mkdir(parents=True)
    (tmp_path / preview_plan.STEPS_FILE).write_text(json.dumps(STEPS), encoding="utf-8")
    assert preview_plan.read_plan(tmp_path) == preview_plan.plan_from_steps(STEPS)


def test_the_page_keeps_the_last_good_paper_and_shows_a_failure_above_it():
    page = Page()
    assert page.current.paper is None and b"building" in page.current.body
    assert page.show(b"<html><body><p>first</p></body></html>")
    first = page.current
    assert b"<p>first</p>" in first.body and VERSION_PATH.encode() in first.body
    assert not page.show(b"<html><body><p>first</p></body></html>")  # same page: no reload
    page.fail("error: manuscript/article.qmd:3: citation key 'x' has no entry")
    failed = page.current
    assert failed.number == first.number + 1
    assert b"<p>first</p>" in failed.body
    assert b"citation key &#x27;x&#x27; has no entry" in failed.body
    assert failed.body.index(b'role="alert"') < failed.body.index(b"</body>")
    assert page.show(b"<html><body><p>first</p></body></html>")  # fixed: the error goes
    assert b'role="alert"' not in page.current.body


def _get(port: int, path: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as answer:
            assert answer.headers["Cache-Control"] == "no-store"
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_the_server_serves_the_page_from_memory_and_announces_each_version(tmp_path):
    page = Page()
    (tmp_path / "results" / "figures").mkdir(parents=True)
    (tmp_path / "results" / "figures" / "fig-x.svg").write_text("<svg/>", encoding="utf-8")
    (tmp_path / "results" / "values.json").write_text("{}", encoding="utf-8")
    server = serve(page, 0, root=tmp_path)
    try:
        host, port = server.server_address[:2]
        assert host == "127.0.0.1"
        assert _get(port, "/paper.html")[0] == 200  # before the first build: a page, not a 404
        assert _get(port, VERSION_PATH) == (200, b"0")  # what the page's script asks
        page.show(b"<html><body>new</body></html>")
        assert _get(port, VERSION_PATH) == (200, b"1")
        status, body = _get(port, "/paper.html")
        assert status == 200 and body.startswith(b"<html><body>new")
        assert _get(port, "/elsewhere.html")[0] == 404
        # the files the page links (results/figures, manuscript), and nothing else of the tree
        assert _get(port, "/results/figures/fig-x.svg") == (200, b"<svg/>")
        assert _get(port, "/results/values.json")[0] == 404
        assert _get(port, "/results/figures/../values.json")[0] == 404
        assert _get(port, "/results/figures/%2e%2e/values.json")[0] == 404
    finally:
        server.shutdown()
        server.server_close()


class FakePreview(preview.Preview):
    """The loop with Snakemake and pandoc replaced by recorders."""

    def __init__(self, page: Page) -> None:
        super().__init__(["snakemake"], page)
        self.plan = preview_plan.plan_from_steps(STEPS)
        self.builds: list[list[str]] = []
        self.renders = 0
        self.fail_render: str | None = None

    def render_now(self, ask_for_missing: bool = True) -> None:
        self.renders += 1
        if self.fail_render:
            self.page.fail(f"error: {self.fail_render}")
        else:
            self.page.show(f"<html><body>render {self.renders}</body></html>".encode())

    def build(self, targets: list[str]) -> tuple[bool, str | None]:
        self.builds.append(targets)
        return True, None


def test_a_manuscript_save_renders_at_once_then_builds_the_other_readers():
    fake = FakePreview(Page())
    fake.saved(["manuscript/article.qmd"])
    assert fake.renders == 1 and b"render 1" in fake.page.current.body
    assert fake.requested == {"results/checks/bibliography.txt"}


def test_a_data_save_goes_through_snakemake_and_the_old_page_stays_meanwhile():
    fake = FakePreview(Page())
    fake.page.show(b"<html><body>old</body></html>")
    fake.saved(["data/raw/events.csv"])
    assert fake.renders == 0
    assert fake.requested == {"results/paper.html"}
    assert b"old" in fake.page.current.body


def test_a_failed_render_keeps_the_old_page_with_its_error():
    fake = FakePreview(Page())
    fake.page.show(b"<html><body>old</body></html>")
    fake.fail_render = "manuscript/article.qmd:12: unknown cross-reference @fig-x"
    fake.saved(["manuscript/article.qmd"])
    assert b"old" in fake.page.current.body
    assert b"unknown cross-reference @fig-x" in fake.page.current.body


def test_the_watcher_hands_over_one_burst_of_saves_as_one_change(tmp_path):
    (tmp_path / "manuscript").mkdir()
    article = tmp_path / "manuscript" / "article.qmd"
    article.write_text("a")
    seen: list[list[str]] = []

    class Recorder:
        root = tmp_path

        def saved(self, changed):
            seen.append(changed)

    saves = iter([lambda: article.write_text("ab"), lambda: article.write_text("abc")])

    def between_polls(_seconds):  # instead of waiting: the author saves
        step = next(saves, None)
        if step:
            step()

    state = preview_plan.snapshot(tmp_path)
    preview.watch(Recorder(), 0, state, sleep=between_polls, polls=3)
    assert seen == [["manuscript/article.qmd"]]


def test_the_direct_render_is_the_render_steps_own(tmp_path, monkeypatch):
    """The direct render is the step's renderer on the files the HTML step reads."""
    calls = []
    monkeypatch.setattr(render, "render", lambda *args, **kw: calls.append((args, kw)))
    plan = preview_plan.plan_from_steps(
        steps_with("tooling/render.py", "results/provenance/captions.json")
    )
    preview_plan.render_html(plan, tmp_path / "paper.html", reader_cache=tmp_path / "cache")
    inputs = render.Inputs(
        manuscript=Path("manuscript/article.qmd"),
        values=Path("results/values.yml"),
        provenance=Path("results/provenance/captions.json"),
        reference_filter=Path("manuscript/filters/reference-status.lua"),
    )
    assert calls == [
        (
            (inputs, {"preview": tmp_path / "paper.html"}),  # figures linked, not embedded
            {"root": Path.cwd(), "reader_cache": tmp_path / "cache"},
        )
    ]


class CountedEvent(threading.Event):
    """An event that also tells when the loop comes back to wait on it a given time."""

    def __init__(self, times: int) -> None:
        super().__init__()
        self.times, self.back = times, threading.Event()

    def wait(self, timeout: float | None = None) -> bool:
        self.times -= 1
        if self.times == 0:
            self.back.set()
        return super().wait(timeout)


def test_builds_run_one_at_a_time_and_a_stale_result_is_not_shown():
    fake = FakePreview(Page())
    fake.page.show(b"<html><body>old</body></html>")

    def slow_build(targets):
        fake.builds.append(targets)
        fake.generation += 1  # the author saved again while it ran
        return False, "error: stale"

    fake.build = slow_build
    fake.wanted = CountedEvent(times=2)  # the second wait follows the stale build's outcome
    fake.request(["results/paper.html"])
    thread = threading.Thread(target=fake.build_loop, daemon=True)
    thread.start()
    assert fake.wanted.back.wait(5), "the loop never came back for the next request"
    assert fake.builds == [["results/paper.html"]]
    assert b"stale" not in fake.page.current.body


def test_after_a_change_to_the_renderers_code_every_save_goes_through_snakemake():
    fake = FakePreview(Page())
    fake.saved(["tooling/render.py"])
    assert fake.requested == {"results/paper.html"}
    fake.requested.clear()
    fake.saved(["manuscript/article.qmd"])
    assert fake.renders == 0
    assert fake.requested == {"results/paper.html"}


def test_a_generated_input_missing_during_a_direct_render_is_built_then_rendered(monkeypatch):
    """A build that reruns a step the render reads (the provenance step reads the manuscript)
    removes its output first; the direct render that meets the gap asks for the file and
    renders again once a build has made it, even when a check of that build fails."""
    renders = []

    def render_html(plan, output, reader_cache=None):
        renders.append(output)
        if len(renders) == 1:
            raise FileNotFoundError(2, "No such file", "results/provenance/captions.json")
        output.write_bytes(b"<html><body>rendered again</body></html>")

    monkeypatch.setattr(preview, "render_html", render_html)
    real = preview.Preview(["snakemake"], Page())
    real.plan = preview_plan.plan_from_steps(STEPS)
    real.page.show(b"<html><body>old</body></html>")
    real.wanted = CountedEvent(times=2)  # the second wait follows the build's outcome
    real.saved(["manuscript/article.qmd"])
    assert "results/provenance/captions.json" in real.requested
    assert b"old" in real.page.current.body and real.page.current.error is None
    built = []

    def build(targets):
        built.append(targets)
        return False, "error: manuscript/article.qmd:280: number typed by hand"

    real.build = build
    threading.Thread(target=real.build_loop, daemon=True).start()
    assert real.wanted.back.wait(5), "the loop never came back for the next request"
    assert "results/provenance/captions.json" in built[0]
    assert b"rendered again" in real.page.current.body
    assert b"number typed by hand" in real.page.current.body


def test_a_save_that_is_not_on_the_page_after_a_build_is_rendered_then(monkeypatch):
    """Whatever happened to the save's own render (it met a gap, or raced with the end of a
    build), the build loop renders the last save when the page does not show it yet."""
    renders = []

    def render_html(plan, output, reader_cache=None):
        renders.append(output)
        output.write_bytes(f"<html><body>render {len(renders)}</body></html>".encode())

    monkeypatch.setattr(preview, "render_html", render_html)
    real = preview.Preview(["snakemake"], Page())
    real.plan = preview_plan.plan_from_steps(STEPS)
    real.page.show(b"<html><body>old</body></html>")
    real.generation = 3  # three saves, none shown
    real.build = lambda targets: (True, None)
    real.wanted = CountedEvent(times=2)
    real.request(["results/checks/bibliography.txt"])
    threading.Thread(target=real.build_loop, daemon=True).start()
    assert real.wanted.back.wait(5), "the loop never came back for the next request"
    assert b"render 1" in real.page.current.body
    assert real.shown == 3


def test_a_save_that_cannot_be_shown_leaves_the_watcher_alive(monkeypatch):
    def render_html(plan, output, reader_cache=None):
        raise ValueError("the values file is not JSON")

    monkeypatch.setattr(preview, "render_html", render_html)
    real = preview.Preview(["snakemake"], Page())
    real.plan = preview_plan.plan_from_steps(STEPS)
    real.page.show(b"<html><body>old</body></html>")
    real.saved(["manuscript/article.qmd"])  # does not raise: the next save is still seen
    assert b"the values file is not JSON" in real.page.current.body
    assert "results/paper.html" in real.requested


def test_a_render_that_fails_while_a_build_rewrites_its_inputs_is_rendered_after_it(monkeypatch):
    """A save during a build: its render can meet a generated file the build has removed (an
    include pandoc cannot find). That failure is not the save's: it is rendered again, and
    shown, once the build is done, without waiting for another build."""
    renders = []

    def render_html(plan, output, reader_cache=None):
        renders.append(output)
        if len(renders) == 1:
            raise BuildError("manuscript/article.qmd:9: include file 'appendix.md' not found")
        output.write_bytes(b"<html><body>the save during the build</body></html>")

    monkeypatch.setattr(preview, "render_html", render_html)
    real = preview.Preview(["snakemake"], Page())
    real.plan = preview_plan.plan_from_steps(STEPS)
    real.page.show(b"<html><body>old</body></html>")
    built = []

    def build(targets):
        built.append(len(renders))
        if len(built) == 1:
            real.saved(["manuscript/article.qmd"])  # the author saves while this build runs
            assert b"old" in real.page.current.body and real.page.current.error is None
        return False, "error: manuscript/article.qmd:280: number typed by hand"

    real.build = build
    real.wanted = CountedEvent(times=2)  # the second wait follows the build's outcome
    real.request(["results/checks/numbers.txt"])
    threading.Thread(target=real.build_loop, daemon=True).start()
    assert real.wanted.back.wait(5), "the loop never came back for the next request"
    assert built[0] == 0 and len(renders) == 2  # rendered again before any other build
    assert b"the save during the build" in real.page.current.body
