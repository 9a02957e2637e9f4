"""The reference list's certainty marks (reference-status.lua, after citeproc) and the phone
table region (html-table-scroll.lua), on small synthetic documents written here."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pypandoc
import pytest

FILTERS = Path(__file__).resolve().parents[2] / "manuscript" / "filters"

BIBLIOGRAPHY = """\
@article{sure2001,
  author   = {Sure, Ann},
  title    = {A confirmed work},
  journal  = {Journal},
  year     = {2001},
  x-status = {verified}
}

@article{probable2002,
  author        = {Probable, Bo},
  title         = {A likely work},
  journal       = {Journal},
  year          = {2002},
  x-status      = {likely},
  x-unconfirmed = {pages}
}

@misc{unknown2003,
  author   = {Unknown},
  year     = {2003},
  x-status = {identification uncertain}
}
"""

DOCUMENT = """\
Text [@sure2001; @probable2002; @unknown2003].

| a | b |
|---|---|
| 1 | 2 |

: A small table.

::: {#refs}
:::
"""


def render(tmp_path: Path, to: str, bibliography: str = BIBLIOGRAPHY):
    (tmp_path / "refs.bib").write_text(bibliography, encoding="utf-8")
    (tmp_path / "doc.md").write_text(DOCUMENT, encoding="utf-8")
    return subprocess.run(
        [
            pypandoc.get_pandoc_path(),
            "doc.md",
            "-t",
            to,
            "--lua-filter",
            str(FILTERS / "html-table-scroll.lua"),
            "--citeproc",
            "--bibliography",
            "refs.bib",
            "--lua-filter",
            str(FILTERS / "reference-status.lua"),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )


def entries(html: str) -> dict[str, str]:

    found = re.findall(r'<div id="ref-([^"]+)" class="csl-entry"[^>]*>(.*?)</div>', html, re.S)
    return {key: " ".join(re.sub(r"<[^>]+>", "", text).split()) for key, text in found}


def test_only_entries_that_are_not_verified_are_marked(tmp_path):
    completed = render(tmp_path, "html")
    assert completed.returncode == 0, completed.stderr
    shown = entries(completed.stdout)
    assert shown["sure2001"].endswith("Journal.")
    assert shown["probable2002"].endswith("[unverified]")
    assert shown["unknown2003"] == "Unknown. 2003. [not identified]"


def test_in_typst_the_mark_is_a_box_that_never_splits(tmp_path):
    completed = render(tmp_path, "typst")
    assert completed.returncode == 0, completed.stderr
    assert "#box[\\[unverified\\]]" in completed.stdout
    assert "#box[\\[not identified\\]]" in completed.stdout
    assert "table-scroll" not in completed.stdout  # the table region is HTML only


@pytest.mark.parametrize(
    ("status_line", "complaint"),
    [("", 'no x-status for entry "sure2001"'), ("x-status = {fine},", 'unknown x-status "fine"')],
)
def test_an_entry_without_a_known_status_stops_the_render(tmp_path, status_line, complaint):
    bibliography = BIBLIOGRAPHY.replace("x-status = {verified}", status_line.rstrip(","), 1)
    completed = render(tmp_path, "html", bibliography)
    assert completed.returncode != 0
    assert complaint in completed.stderr


def test_a_table_is_a_named_focusable_scroll_region_in_html(tmp_path):
    completed = render(tmp_path, "html")
    assert completed.returncode == 0, completed.stderr
    region = re.search(r'<div class="table-scroll"([^>]*)>\s*<table>', completed.stdout)
    assert region, completed.stdout
    attributes = dict(re.findall(r'([\w-]+)="([^"]*)"', region[1]))
    assert attributes == {"role": "region", "tabindex": "0", "aria-label": "A small table"}
