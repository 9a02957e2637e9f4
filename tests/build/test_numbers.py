"""Every number in the rendered prose comes from data, a citation or a cross-reference."""

from __future__ import annotations

import yaml

from compendium.bibliography import load_bibliography
from tooling import number_check


def allowed_numbers(built) -> set[str]:
    values = yaml.safe_load((built / "results" / "values.json").read_text(encoding="utf-8"))
    manuscript = (built / "manuscript" / "article.qmd").read_text(encoding="utf-8")
    front_matter = yaml.safe_load(manuscript.split("---", 2)[1])
    bibliography = load_bibliography(built / "references.bib")
    years = {entry.fields.get("year", "") for entry in bibliography.values()}
    return (
        number_check.bound_numbers(values)
        | number_check.bound_numbers(front_matter)
        | number_check.citation_locators(manuscript)
        | {year for year in years if year}
    )


def test_the_rendered_prose_holds_no_typed_number(built, html):
    unbound = number_check.unbound_numbers(number_check.prose_text(html), allowed_numbers(built))
    assert unbound == []


def test_a_typed_number_is_caught(built, html):
    """The same check on the real paper with one typed number added (a synthetic change)."""
    typed = html.replace("</body>", "<p>The clinic treated 4321 patients.</p></body>")
    unbound = number_check.unbound_numbers(number_check.prose_text(typed), allowed_numbers(built))
    assert len(unbound) == 1
    assert unbound[0].startswith("4321 in")
