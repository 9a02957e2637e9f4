"""A coding whose results contradict one of the article's claims stops the build.

The edit is SYNTHETIC (tests/build/troubled.py): in the session's `troubled` rebuild the
profit-driven modality is made to start in 2010 (with a phrase of the article that does name
2010, so the cleaning step accepts it), which contradicts the article's claim that for-profit
therapy came before the 2009 measures.
"""

from __future__ import annotations

from tests.build.troubled import errors_of_the_checks

CLAIMS = "results/checks/claims.txt"


def test_a_contradicted_claim_fails_the_build_with_its_locator_and_value(troubled):
    assert troubled.returncode != 0
    # the step prints its line once; Snakemake echoes the step's log (--show-failed-logs)
    claims, _, _ = errors_of_the_checks(troubled.errors)
    errors = sorted(set(claims))
    assert len(errors) == 1, troubled.output[-2000:]
    assert "data/claims.yml: for-profit-before-2009-measures: contradicted" in errors[0]
    assert "[article: Problematization and regulation ¶4]" in errors[0]
    assert "computed: profit-driven documented active by 2010" in errors[0]
    assert "Traceback" not in troubled.output
    assert not (troubled.tree / CLAIMS).exists()
