"""Render the synthetic fixture documents through the render command and check the output.

The fixtures in tests/fixtures/filters/ are small, invented documents (see the README there); the
tests pin the filters to Quarto's documented behaviour for `var`, `meta`, `include` and
cross-references. Each render copies the fixtures into a temporary project laid out like the
repository (manuscript/, results/values.json, references.bib) and runs `compendium-render`'s
code from its root, so paths in messages and in the typst output are the real ones.
"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typst

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "filters"


def make_project(directory: Path) -> Path:
    shutil.copytree(FIXTURES, directory / "manuscript")
    (directory / "results").mkdir()
    shutil.copy(FIXTURES / "values.json", directory / "results" / "values.json")
    shutil.copy(FIXTURES / "references.bib", directory / "references.bib")
    (directory / "manuscript" / "article.qmd").write_text(
        (FIXTURES / "article.qmd")
        .read_text(encoding="utf-8")
        .replace("abstract: |", "bibliography: ../references.bib\nabstract: |", 1),
        encoding="utf-8",
    )
    return directory


def output_path(document: str, to: str) -> str:
    return f"results/{Path(document).stem}.{'typ' if to == 'typst' else 'html'}"


def render(project: Path, document: str, to: str) -> subprocess.CompletedProcess[str]:
    """`compendium-render manuscript/DOC --to html|typst` in the project (typst: the source)."""
    command = [sys.executable, "-m", "tooling.render_cli", f"manuscript/{document}", "--to", to]
    command += ["--output", output_path(document, to), "--values", "results/values.json"]
    return subprocess.run(
        command, cwd=project, capture_output=True, text=True, timeout=120, check=False
    )


def flat(page: str) -> str:
    """The page on one line, every run of white space (NBSP included) one ordinary space."""
    return re.sub(r"\s+", " ", page)


def visible_text(markup: str) -> str:
    """Text of an HTML page as a reader sees it: no tags, entities decoded, spaces collapsed."""
    text = re.sub(r"<[^>]+>", " ", markup)
    return flat(html.unescape(text))


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_project(tmp_path_factory.mktemp("filters"))


@pytest.fixture(scope="module")
def page(project: Path) -> str:
    result = render(project, "article.qmd", "html")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""  # no warnings at all, "citation not found" among them
    return (project / "results" / "article.html").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def typst_source(project: Path) -> Path:
    result = render(project, "article.qmd", "typst")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return project / "results" / "article.typ"


@pytest.fixture(scope="module")
def typst_text(project: Path, typst_source: Path) -> str:
    """What typst itself lays out, read through its HTML export (a PDF holds no plain text)."""
    exported = typst.compile(
        str(typst_source), format="html", root=str(project), ignore_system_fonts=True
    )
    return visible_text(exported.decode("utf-8"))


# Shortcodes ----------------------------------------------------------------------------------


def test_var_takes_dotted_keys_numbers_and_strings_as_written(page: str) -> None:
    text = visible_text(page)
    assert "We count 42 interviews over 1999–2001, a share of 0.50, in 2021." in text
    assert "The note holds the deepest value." in text  # three levels deep, in a footnote
    assert 'Escapes: café "quoted" it\'s;' in text
    assert "folded: a plain value that a YAML dump has wrapped onto a second line." in text


def test_shortcodes_work_in_every_inline_context(page: str) -> None:
    text = visible_text(page)
    assert "<title>Synthetic fixture with 42 interviews</title>" in page
    assert "A list item with 42 entries." in text
    assert "2.1 Detail on 42" in text  # heading
    assert '<a href="https://example.org">Link text for 1999–2001</a>' in page
    assert "Figure 1: Timeline of 42 interviews" in text  # figure caption
    assert "Table 1: Counts per group at 0.50" in text  # table caption
    assert "<td>42</td>" in page  # table cell
    assert "{{<" not in page.replace("{{&lt; var study.interviews &gt;}}", "")


def test_meta_keeps_metadata_formatting_and_reaches_the_abstract(page: str) -> None:
    assert "quoting <em>an emphasised motto</em>" in page


def test_escaped_shortcode_is_written_literally(page: str) -> None:
    assert "Escaped shortcode: {{< var study.interviews >}}." in visible_text(page)


def test_hostile_value_is_text_not_markup_in_html(page: str) -> None:
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; *not emphasis* #hash $5 @handle" in flat(page)


def test_hostile_value_is_text_not_markup_in_typst(typst_text: str) -> None:
    assert "Hostile value: <script>alert(1)</script> *not emphasis* #hash $5 @handle." in typst_text


def test_include_is_relative_to_the_including_file_and_nests(page: str) -> None:
    text = visible_text(page)
    assert "Included text for 1999–2001." in text  # manuscript/includes/table.md
    assert "Nested include, year 2021." in text  # manuscript/includes/nested/paragraph.md
    assert 'class="included"' not in page  # the provenance wrapper is gone


# Cross-references ----------------------------------------------------------------------------


def test_figures_tables_and_sections_are_numbered_in_document_order(page: str) -> None:
    page = flat(page)
    assert re.search(r'<figure id="fig-timeline">.*?Figure 1: Timeline', page, re.S)
    assert re.search(r'<figure id="fig-network">.*?Figure 2: Network', page, re.S)
    assert '<table id="tbl-counts"> <caption>Table 1: Counts' in page
    assert '<table id="tbl-included"> <caption>Table 2: An included table' in page
    for number, label in [("1", "sec-intro"), ("2", "sec-methods"), ("2.1", "sec-detail"),
                          ("3", "sec-closing")]:  # fmt: skip
        assert re.search(rf'<section id="{label}" [^>]*data-number="{number}"', page)
    assert '<section id="appendix" class="level3 unnumbered">' in page


def test_fig_alt_becomes_the_image_alt_text(page: str) -> None:
    assert 'alt="Alt text for 1999–2001"' in page
    assert 'alt="Network"' in page  # without fig-alt the caption serves, unprefixed


def test_references_become_links_with_quarto_wording(page: str) -> None:
    refs = flat(page)
    for expected in [
        '<a href="#fig-timeline">Figure 1</a>;',
        '; <a href="#fig-network">2</a>;',  # [-@fig-network]
        '<a href="#fig-timeline">Figure 1</a>, <a href="#fig-network">Figure 2</a>',
        '<a href="#tbl-counts">see 1</a>, first row',  # Quarto: a prefix replaces "Table"
        '<a href="#sec-methods">Section 2</a>',
        '<a href="#sec-detail">Section 2.1</a>',
        '<a href="#fig-network">Figure 2</a>',  # @Fig-network
        '<a href="#tbl-included">Table 2</a>',  # a table from an include
        'pointing to <a href="#fig-timeline">Figure 1</a>',  # in the abstract
    ]:
        assert expected in refs


def test_crossrefs_are_replaced_before_citeproc(page: str) -> None:
    # the page fixture already asserts an empty stderr under --fail-if-warnings
    assert re.search(r"\(\s*Example 2000\s*\)", visible_text(page))
    assert "A Synthetic Book for Filter Tests" in page
    assert 'data-cites="fig-' not in page


# typst ---------------------------------------------------------------------------------------


def test_typst_compiles_so_every_link_lands(project: Path, typst_source: Path) -> None:
    pdf = project / "results" / "article.pdf"
    typst.compile(str(typst_source), output=str(pdf), root=str(project), ignore_system_fonts=True)
    assert pdf.read_bytes().startswith(b"%PDF")
    source = typst_source.read_text(encoding="utf-8")
    for label in ["fig-timeline", "fig-network", "tbl-counts", "tbl-included", "sec-detail"]:
        assert f"#link(<{label}>)" in source
        assert f"\n<{label}>" in source  # the label the link points at


def test_typst_rejects_a_link_to_a_missing_label(project: Path, typst_source: Path) -> None:
    """Control for the test above: a dangling link really is a compile error."""
    broken = typst_source.with_name("broken.typ")
    broken.write_text(
        typst_source.read_text(encoding="utf-8").replace("\n<tbl-included>", "\n"),
        encoding="utf-8",
    )
    with pytest.raises(typst.TypstError, match="tbl-included"):
        typst.compile(str(broken), root=str(project), ignore_system_fonts=True)


def test_typst_captions_numbers_and_sections_match_html(typst_text: str) -> None:
    for caption in ["Figure 1: Timeline of 42 interviews", "Figure 2: Network",
                    "Table 1: Counts per group at 0.50", "Table 2: An included table"]:  # fmt: skip
        assert caption in typst_text
    assert "Figure 1: Figure" not in typst_text and "Table 1: Table" not in typst_text
    for heading in ["1 Introduction", "2 Methods", "2.1 Detail on 42", "3 Closing"]:
        assert heading in typst_text
    joined = re.sub(r" ([,;)])", r"\1", typst_text)  # the HTML export spaces around links
    assert "Figure 1, Figure 2" in joined and "Section 2.1" in joined


def test_typst_image_paths_are_root_relative(typst_source: Path) -> None:
    source = typst_source.read_text(encoding="utf-8")
    assert 'image("/manuscript/figures/square.svg")' in source


def test_typst_needs_the_path_filter(project: Path, typst_source: Path) -> None:
    """Control: with the path as written, typst looks beside the .typ file and fails."""
    unresolved = typst_source.with_name("unresolved.typ")
    unresolved.write_text(
        typst_source.read_text(encoding="utf-8").replace(
            "/manuscript/figures/square.svg", "figures/square.svg"
        ),
        encoding="utf-8",
    )
    with pytest.raises(typst.TypstError):
        typst.compile(str(unresolved), root=str(project), ignore_system_fonts=True)


# Failures ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (
            "fail-unknown-var.qmd",
            "manuscript/fail-unknown-var.qmd:7: unknown value key 'study.missing' "
            "(not in results/values.json)",
        ),
        (
            "fail-unknown-meta.qmd",
            "manuscript/fail-unknown-meta.qmd:7: unknown metadata key 'fixture.missing' "
            "(not in the document's metadata)",
        ),
        (
            "fail-missing-include.qmd",
            "manuscript/fail-missing-include.qmd:7: include file "
            "'manuscript/includes/absent.md' not found",
        ),
        (
            "fail-include-content.qmd",
            "manuscript/includes/bad-var.md:3: unknown value key 'study.absent' "
            "(not in results/values.json)",
        ),
        (
            "fail-malformed.qmd",
            "manuscript/fail-malformed.qmd:7: malformed shortcode '{{< var >}}'",
        ),
        (
            "fail-unknown-crossref.qmd",
            "manuscript/fail-unknown-crossref.qmd:7: unknown cross-reference '@fig-nope'",
        ),
        (
            "fail-duplicate-label.qmd",
            "manuscript/fail-duplicate-label.qmd:7: duplicate label '#fig-twice'",
        ),
        (
            "fail-mixed-citation.qmd",
            "manuscript/fail-mixed-citation.qmd:7: a cross-reference and a literature citation",
        ),
    ],
)
@pytest.mark.parametrize("to", ["html", "typst"])
def test_mistakes_stop_the_render_with_file_and_line(
    project: Path, document: str, message: str, to: str
) -> None:
    result = render(project, document, to)
    assert result.returncode != 0
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr  # one line, no Lua traceback
    assert lines[0].startswith("error: " + message)
    assert not (project / output_path(document, to)).exists()


# Provenance ----------------------------------------------------------------------------------


def test_a_static_image_is_a_figure_whose_provenance_is_its_file_and_hash(project: Path) -> None:
    import hashlib

    (project / "results" / "captions.json").write_text("{}", encoding="utf-8")
    command = [sys.executable, "-m", "tooling.render_cli", "manuscript/static-figure.qmd"]
    command += ["--to", "html", "--output", "results/static.html"]
    command += ["--provenance", "results/captions.json"]
    result = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    text = visible_text((project / "results" / "static.html").read_text(encoding="utf-8"))
    text = re.sub(r" ([.;])", r"\1", text)  # visible_text spaces out inline elements
    digest = hashlib.sha256((FIXTURES / "figures" / "square.svg").read_bytes()).hexdigest()
    caption = "Figure 1: A grey square drawn by hand Static file manuscript/figures/square.svg;"
    assert f"{caption} SHA-256 {digest[:12]}." in text
    assert "See Figure 1." in text


def test_a_figure_with_no_provenance_stops_with_its_line(project: Path) -> None:
    (project / "results" / "captions.json").write_text("{}", encoding="utf-8")
    command = [sys.executable, "-m", "tooling.render_cli", "manuscript/fail-no-provenance.qmd"]
    command += ["--to", "html", "--output", "results/remote.html"]
    command += ["--provenance", "results/captions.json"]
    result = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)
    assert result.returncode == 1
    assert result.stderr.startswith(
        "error: manuscript/fail-no-provenance.qmd:7: no provenance for 'fig-remote'"
    )
