"""The build checks the numbers of the prose before it renders (tooling/number_check.py; the
check itself is tested in tests/unit/test_number_check.py, a typed number stopping the build in
tests/build/test_bad_sources.py)."""

from __future__ import annotations

from tooling import number_check


def test_the_build_checked_every_line_of_the_prose_and_captions_it_rendered(built):
    report = (built / "results" / "checks" / "numbers.txt").read_text(encoding="utf-8")
    manuscript = built / "manuscript"
    prose = number_check.prose_lines(manuscript / "article.qmd", built)
    prose += number_check.caption_lines(manuscript / "captions.yml", built)  # printed as prose
    assert report.startswith(f"{len(prose)} lines of prose: every number is a value")
