"""A coding whose results contradict one of the article's claims stops the build.

The edit is SYNTHETIC (tests/build/troubled.py, CLAIM_EDIT): in a copy of the session build the
profit-driven modality is made to start in 2010 (with a phrase of the article that does name
2010, so the cleaning step accepts it), which contradicts the article's claim that for-profit
therapy came before the 2009 measures. Only the claims check and what it reads are rebuilt.
"""

from __future__ import annotations

from tests.build.troubled import CLAIM_EDIT, edit_rows
from tests.workflow import copy_tree, error_lines, snakemake

CLAIMS = "results/checks/claims.txt"


def test_a_contradicted_claim_fails_the_build_with_its_locator_and_value(built, tmp_path):
    tree = copy_tree(built, tmp_path / "tree")
    modalities = tree / "data" / "raw" / "modalities.csv"
    edit_rows(modalities, "modality_id", "profit-driven", CLAIM_EDIT)

    completed = snakemake(tree, CLAIMS)
    assert completed.returncode != 0
    # the step prints its line once; Snakemake echoes the step's log (--show-failed-logs)
    errors = sorted(set(error_lines(completed)))
    assert len(errors) == 1, completed.stderr[-2000:]
    assert "data/claims.yml: for-profit-before-2009-measures: contradicted" in errors[0]
    assert "[article: Problematization and regulation ¶4]" in errors[0]
    assert "computed: profit-driven documented active by 2010" in errors[0]
    assert "Traceback" not in completed.stdout + completed.stderr
    assert not (tree / CLAIMS).exists()
