"""The number check reads the manuscript's source: a number in the prose is a value shortcode or
one of the listed literal kinds, or it is reported with its file and line.

Manuscripts here are SYNTHETIC, written inline; one test runs the check on the real manuscript.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compendium.errors import BuildError
from tests.workflow import ROOT
from tooling import number_check

FRONT_MATTER = '---\ntitle: "An edition of a 2013 article"\nlicence: CC BY 4.0\n---\n\n'


def write(folder: Path, text: str, name: str = "article.qmd") -> Path:
    path = folder / "manuscript" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def problems(folder: Path, text: str) -> list[str]:
    return [
        str(error)
        for error in number_check.check(number_check.prose_lines(write(folder, text), folder))
    ]


def test_a_typed_number_is_reported_with_its_file_and_line(tmp_path):
    text = FRONT_MATTER + "# Results {#sec-results}\n\nThe clinic treated 4321 patients in 2009.\n"
    assert problems(tmp_path, text) == [
        'manuscript/article.qmd:8: number "4321" typed by hand: use {{< var … >}}',
        'manuscript/article.qmd:8: number "2009" typed by hand: use {{< var … >}}',
    ]


def test_a_shortcode_is_how_a_number_is_written(tmp_path):
    text = FRONT_MATTER + (
        "The clinic treated {{< var indicator.patients-2009.value >}} patients in "
        "{{< var event.opening-2009.year >}}, as the {{< meta subtitle >}} says.\n"
    )
    assert problems(tmp_path, text) == []


#: For each literal kind, prose that holds such a number and must pass, and a near miss that
#: holds the same digits outside the kind's syntax and must fail.
EXAMPLES = {
    "address": (
        "See <https://example.org/report-2011/page2.htm> and [the form](files/form-13829.docx)."
        "[^note-1]",
        "See the report of 2011.",
    ),
    "citation locator": (
        "As shown [@liao2008, p. 613; see @hu2010, pp. 23–4] and @moh2012 [para. 2].",
        "As shown on p. 613.",
    ),
    "label": (
        "## The measures {#sec-measures-2009}\n\nAs @sec-measures-2009 and @fig-x2 show "
        "[@cyranoski2009].",
        "As the measures of 2009 show.",
    ),
    "list marker": ("1. First item\n2) Second item", "Item 1 first."),
    "name with digits": ("Each file has a SHA-256 checksum; CO2 incubators sold well.", "SHA-512"),
}


def test_every_literal_kind_has_an_example():
    assert set(EXAMPLES) == {kind.name for kind in number_check.LITERAL_KINDS}
    assert all(kind.reason for kind in number_check.LITERAL_KINDS)


@pytest.mark.parametrize("kind", list(EXAMPLES))
def test_a_literal_kind_passes_only_in_its_own_syntax(tmp_path, kind):
    allowed, near_miss = EXAMPLES[kind]
    assert problems(tmp_path, FRONT_MATTER + allowed + "\n") == []
    assert problems(tmp_path, FRONT_MATTER + near_miss + "\n") != []


def test_front_matter_is_metadata_except_the_abstract(tmp_path):
    text = (
        "---\ntitle: A 2013 article\nsubtitle: BioSocieties 8(1), 2013\nabstract: |\n"
        "  Restated from 42 coded tables\n  in new words.\nkeywords:\n  - year 2012\n---\n\nBody.\n"
    )
    assert problems(tmp_path, text) == [
        'manuscript/article.qmd:5: number "42" typed by hand: use {{< var … >}}'
    ]


def test_an_authored_include_is_read_in_place_and_a_generated_one_is_not(tmp_path):
    write(tmp_path, "A part written with 77 typed in.\n", "part.qmd")
    text = FRONT_MATTER + (
        "{{< include ../results/tables/tbl-x.md >}}\n\n{{< include part.qmd >}}\n\nEnd 5.\n"
    )
    assert problems(tmp_path, text) == [
        'manuscript/part.qmd:1: number "77" typed by hand: use {{< var … >}}',
        'manuscript/article.qmd:10: number "5" typed by hand: use {{< var … >}}',
    ]


def test_the_step_stops_with_every_line_at_once(tmp_path):
    path = write(tmp_path, FRONT_MATTER + "In 2009,\nand 2010.\n")
    with pytest.raises(BuildError) as raised:
        number_check.require_values(path, tmp_path)
    assert [line.split(": number")[0] for line in str(raised.value).splitlines()] == [
        "manuscript/article.qmd:6",
        "manuscript/article.qmd:7",
    ]


def test_a_typed_number_in_a_table_caption_is_reported_with_its_line(tmp_path):
    article = write(tmp_path, FRONT_MATTER + "Prose without numbers.\n")
    captions = write(
        tmp_path,
        "# Captions, keyed by label (2 notes)\ntbl-a: >-\n  Pathways of the\n"
        "  2010 draft, with {{< var instrument.draft-2010.short_name >}}.\ntbl-b: Since 2004.\n",
        "captions.yml",
    )
    prose = number_check.prose_lines(article, tmp_path)
    prose += number_check.caption_lines(captions, tmp_path)
    assert [str(error) for error in number_check.check(prose)] == [
        'manuscript/captions.yml:4: number "2010" typed by hand: use {{< var … >}}',
        'manuscript/captions.yml:5: number "2004" typed by hand: use {{< var … >}}',
    ]


def test_the_manuscript_writes_every_number_as_a_value():
    manuscript = ROOT / "manuscript"
    prose = number_check.require_values(
        manuscript / "article.qmd", ROOT, manuscript / "captions.yml"
    )
    assert len(prose) > 100
    assert {line.file for line in prose} >= {"manuscript/article.qmd", "manuscript/captions.yml"}
