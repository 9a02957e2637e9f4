"""The preview's fast path for a prose edit: which saves it takes (one paragraph of plain prose
changed, nothing that reaches the rest of the paper) and which it leaves to the whole render, the
cut of the small render's HTML and the splice into the page, and the preview showing the spliced
page before the whole render's. Whether the spliced page is the whole render's, byte for byte,
is tested on the built paper (tests/build/test_preview_live.py)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from tests.workflow import ROOT
from tooling import preview, preview_plan, preview_splice, render
from tooling.preview_page import Page
from tooling.preview_splice import NEW_ID, OLD_ID, prose_edit

ARTICLE = (ROOT / "manuscript" / "article.qmd").read_text(encoding="utf-8")
#: a paragraph of the paper's introduction: two citations and no value, footnote or reference
SENTENCE = "That attempt was never carried through."
#: the start of the paragraph after it
NEXT = "The article follows how experimental clinical stem cell research"
LATER = "Critical voices have nonetheless appeared in several print media"


def edited(old: str, new: str, text: str = ARTICLE) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


#: Saves of the paper whose effect stays inside one paragraph.
PROSE_EDITS = {
    "a sentence added": (SENTENCE, SENTENCE + " Its text stayed a draft."),
    "a word changed": ("never carried through", "never completed"),
    # a value the paper prints elsewhere: its appendix entry is there already
    "a value added": (SENTENCE, "It failed in {{< var event.sfda-reform-2007.year >}}."),
    "a citation repeated": (SENTENCE, SENTENCE[:-1] + " [@cyranoski2009]."),
    "a later paragraph": (LATER, LATER + " and online"),
}


@pytest.mark.parametrize("old, new", PROSE_EDITS.values(), ids=PROSE_EDITS.keys())
def test_an_edit_inside_one_paragraph_of_prose_is_taken(old, new):
    edit = prose_edit(ARTICLE, edited(old, new))
    assert edit is not None
    assert old in edit.old and new in edit.new
    assert edit.old.count("\n") == edit.new.count("\n") == 0  # one paragraph, a line of its own
    assert edit.front_matter.startswith("---\ntitle:") and edit.front_matter in ARTICLE


#: Saves whose effect reaches beyond the paragraph, or that are not one paragraph changed.
DECLINED = {
    "a heading in the paragraph": (SENTENCE, "\n## A new part\n" + SENTENCE),
    "a new heading": (SENTENCE, SENTENCE + "\n\n## A new part"),
    "a label": (SENTENCE, "[That attempt]{#attempt} was never carried through."),
    "a footnote": (SENTENCE, SENTENCE + "^[A note.]"),
    "a footnote reference": (SENTENCE, SENTENCE + "[^responsibility]"),
    "a citation new to the paragraph": (SENTENCE, SENTENCE[:-1] + " [@li2008]."),
    "a citation new to the paper": (SENTENCE, SENTENCE[:-1] + " [@nobody2001]."),
    "a citation removed": ("technologies [@cyranoski2009]", "technologies"),
    "a cross-reference": (SENTENCE, SENTENCE[:-1] + " (@sec-pluralism)."),
    "a value new to the paper": (SENTENCE, "It failed {{< var indicator.nothing.value >}}."),
    "an include": (SENTENCE, "{{< include ../results/tables/tbl-notice.md >}}"),
    "another shortcode": (SENTENCE, SENTENCE + " {{< meta title >}}"),
    "raw HTML": (SENTENCE, SENTENCE + " <b>bold</b>"),
    "math": (SENTENCE, SENTENCE + " $x$"),
    "a list": (SENTENCE, "\n- " + SENTENCE),
    "a link by reference": (SENTENCE, SENTENCE + " See [Introduction]."),
    "a fenced div": (SENTENCE, "::: {.callout-note}\n" + SENTENCE + "\n:::"),
    "a block added": (SENTENCE, SENTENCE + "\n\nA paragraph of its own."),
    "a block removed": ("\n\n" + NEXT, " " + NEXT),
    "the front matter": ("lang: en-US", "lang: en-GB"),
}


@pytest.mark.parametrize("old, new", DECLINED.values(), ids=DECLINED.keys())
def test_an_edit_that_reaches_beyond_its_paragraph_is_left_to_the_whole_render(old, new):
    assert prose_edit(ARTICLE, edited(old, new)) is None


def test_two_paragraphs_changed_are_left_to_the_whole_render():
    both = edited(LATER, LATER + " and online", edited(SENTENCE, "That attempt failed."))
    assert prose_edit(ARTICLE, both) is None


def test_an_edit_of_the_same_text_is_no_edit():
    assert prose_edit(ARTICLE, ARTICLE) is None


@pytest.mark.parametrize(
    "before",
    ["::: {.callout-note}\n", "```\n", "<!-- a comment\n"],
    ids=["in a div", "in a code block", "in a comment"],
)
def test_a_paragraph_inside_a_region_is_left_to_the_whole_render(before):
    text = f"Intro.\n\n{before}\nSome words here.\n\nMore words.\n"
    assert prose_edit(text, text.replace("Some words", "Other words")) is None
    # the same paragraph outside the region is taken
    outside = "Intro.\n\nSome words here.\n\nMore words.\n"
    assert prose_edit(outside, outside.replace("Some words", "Other words")) is not None


def test_a_paragraph_that_occurs_twice_is_left_to_the_whole_render():
    text = "Same words.\n\nOther words.\n\nSame words.\n"
    assert prose_edit(text, text.replace("Same words.", "New words.", 1)) is None


def test_the_small_render_is_cut_into_the_old_and_the_new_paragraph():
    html = (
        f'<main>\n<div id="{OLD_ID}">\n<p>Old <em>text</em>.</p>\n</div>\n'
        f'<div id="{NEW_ID}">\n<p>New text.</p>\n</div>\n<div id="refs">\n</div>\n</main>'
    )
    assert preview_splice.cut(html) == ("<p>Old <em>text</em>.</p>", "<p>New text.</p>")
    # anything but one paragraph each: no cut
    two = html.replace("<p>New text.</p>", "<p>New.</p>\n<p>Text.</p>")
    assert preview_splice.cut(two) is None
    assert preview_splice.cut(html.replace(NEW_ID, "elsewhere")) is None


def test_the_splice_replaces_the_old_paragraph_only_when_the_page_holds_it_once():
    page = b"<h2>Part</h2>\n<p>Old text.</p>\n<p>Kept.</p>"
    spliced = preview_splice.splice(page, "<p>Old text.</p>", "<p>New text.</p>")
    assert spliced == b"<h2>Part</h2>\n<p>New text.</p>\n<p>Kept.</p>"
    assert preview_splice.splice(page, "<p>Missing.</p>", "<p>New text.</p>") is None
    twice = page + b"\n<p>Old text.</p>"
    assert preview_splice.splice(twice, "<p>Old text.</p>", "<p>New text.</p>") is None


def test_the_small_render_is_the_renderers_own_run_on_both_paragraphs(tmp_path, monkeypatch):
    """One run of render.render, given the text instead of the file: the front matter and each
    paragraph in its Div."""
    runs = []

    def paragraph(text: str, name: str) -> str:  # the text of Div `name`
        return text.split(f"::: {{#{name}}}\n")[1].split("\n:::")[0]

    def fake_render(inputs, outputs, root, reader_cache=None):
        runs.append(inputs)
        divs = [
            f'<div id="{name}">\n<p>{paragraph(inputs.text, name)}</p>\n</div>'
            for name in (OLD_ID, NEW_ID)
        ]
        outputs["preview"].write_text("\n".join(divs))

    monkeypatch.setattr(render, "render", fake_render)
    inputs = render.Inputs(manuscript=Path("manuscript/article.qmd"))
    page = b"<p>Intro.</p>\n<p>Some words here.</p>"
    old = "---\ntitle: T\n---\n\nIntro.\n\nSome words here.\n"
    new = old.replace("Some words", "Other words")
    spliced = preview_splice.spliced_page(page, old, new, inputs, tmp_path)
    assert spliced == b"<p>Intro.</p>\n<p>Other words here.</p>"
    assert len(runs) == 1 and runs[0].manuscript == inputs.manuscript
    assert runs[0].text.startswith("---\ntitle: T\n---\n")


def test_a_failing_small_render_declines_quietly(tmp_path, monkeypatch):
    def failing(*_arguments, **_keywords):
        raise render.BuildError("pandoc failed")

    monkeypatch.setattr(render, "render", failing)
    inputs = render.Inputs(manuscript=Path("manuscript/article.qmd"))
    old = "Intro.\n\nSome words here.\n"
    new = old.replace("Some", "Other")
    page = b"<p>Some words here.</p>"
    assert preview_splice.spliced_page(page, old, new, inputs, tmp_path) is None


class SplicingPreview(preview.Preview):
    """The preview of a manuscript of two paragraphs, its page the paragraphs in `<p>`: the
    small render and the whole one are stand-ins that make that page; each whole render tells
    `started` and waits for `gate`; `rendered` counts the whole renders done. The pages shown
    are recorded."""

    def __init__(self, tree: Path, monkeypatch) -> None:
        super().__init__(["snakemake"], Page(), root=tree)
        self.plan = preview_plan.Plan(
            frozenset({"manuscript/article.qmd", "results/values.json",
                       "results/provenance/captions.json",
                       "manuscript/filters/reference-status.lua"}),
            {},
        )  # fmt: skip
        self.article = tree / "manuscript" / "article.qmd"
        self.article.parent.mkdir()
        self.article.write_text("Intro.\n\nSome words here.\n", encoding="utf-8")
        self.gate, self.started = threading.Event(), threading.Event()
        self.rendered = threading.Semaphore(0)
        self.gate.set()
        self.formats: list[str] = []
        self.pages: list[bytes] = []
        show = self.page.show
        self.page.show = lambda paper: self.pages.append(paper) or show(paper)
        monkeypatch.setattr(preview_splice, "render_edit", self.render_edit)
        monkeypatch.setattr(preview, "render_html", self.render_html)

    def as_page(self, text: str, whole: bool = False) -> bytes:
        paragraphs = "\n".join(f"<p>{block}</p>" for block in text.strip().split("\n\n"))
        return (("<!-- whole -->\n" if whole else "") + paragraphs).encode()

    def render_edit(self, inputs, edit, scratch, to):
        self.formats.append(to)
        return f"<p>{edit.old}</p>", f"<p>{edit.new}</p>"

    def render_html(self, plan, output, reader_cache=None):
        text = self.article.read_text(encoding="utf-8")
        self.started.set()
        self.gate.wait(10)
        output.write_bytes(self.as_page(text, whole=True))

    def render_now(self, ask_for_missing: bool = True) -> None:
        super().render_now(ask_for_missing)
        self.rendered.release()

    def save(self, old: str, new: str) -> None:
        self.article.write_text(
            self.article.read_text(encoding="utf-8").replace(old, new), encoding="utf-8"
        )
        self.saved(["manuscript/article.qmd"])


def test_a_prose_save_shows_the_spliced_page_then_the_whole_render(tmp_path, monkeypatch):
    fake = SplicingPreview(tmp_path, monkeypatch)
    # the page as the build made it: its format (figures embedded) is the one spliced into
    first = fake.as_page(fake.article.read_text(encoding="utf-8"))
    fake.page.show(first)
    fake.remember(fake.article.read_text(encoding="utf-8"), first, "html")
    fake.gate.clear()  # the whole render waits until the spliced page is looked at
    fake.save("Some words", "New words")
    assert fake.pages[-1] == b"<p>Intro.</p>\n<p>New words here.</p>"
    assert fake.formats == ["html"]
    fake.gate.set()
    assert fake.rendered.acquire(timeout=10)  # the whole render follows and replaces it
    assert fake.page.current.paper == b"<!-- whole -->\n<p>Intro.</p>\n<p>New words here.</p>"
    # a page the preview did not make from a known text is never spliced into
    fake.published = None
    fake.save("New words", "Other words")
    assert fake.formats == ["html"]
    assert fake.pages[-1] == b"<!-- whole -->\n<p>Intro.</p>\n<p>Other words here.</p>"


def test_a_save_while_the_last_is_rendered_whole_is_spliced_at_once(tmp_path, monkeypatch):
    fake = SplicingPreview(tmp_path, monkeypatch)
    first = fake.as_page(fake.article.read_text(encoding="utf-8"))
    fake.page.show(first)
    fake.remember(fake.article.read_text(encoding="utf-8"), first, "preview")
    fake.gate.clear()  # the whole render of the first save takes its time
    fake.save("Some words", "New words")
    assert fake.started.wait(10)
    fake.save("New words", "Other words")  # spliced while that render runs
    assert fake.pages[-1] == b"<p>Intro.</p>\n<p>Other words here.</p>"
    fake.gate.set()
    assert fake.rendered.acquire(timeout=10) and fake.rendered.acquire(timeout=10)
    # the first save's whole render, out of date when it ended, was never shown; the second's,
    # asked for while the first ran, was
    assert fake.pages == [
        first,
        b"<p>Intro.</p>\n<p>New words here.</p>",
        b"<p>Intro.</p>\n<p>Other words here.</p>",
        b"<!-- whole -->\n<p>Intro.</p>\n<p>Other words here.</p>",
    ]
