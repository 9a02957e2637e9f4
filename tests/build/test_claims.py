"""A coding whose results contradict one of the article's claims stops the build.

The edit is SYNTHETIC: in a copy of the sources the profit-driven modality is made to start in
2010 (with a phrase of the article that does name 2010, so the cleaning step accepts it), which
contradicts the article's claim that for-profit therapy came before the 2009 measures.
"""

from __future__ import annotations

import csv
import io

from tests.workflow import copy_sources, error_lines, snakemake

CLAIMS = "results/checks/claims.txt"


def test_a_contradicted_claim_fails_the_build_with_its_locator_and_value(tmp_path):
    tree = copy_sources(tmp_path / "tree")
    sheet = tree / "data" / "raw" / "modalities.csv"
    rows = list(csv.DictReader(io.StringIO(sheet.read_text(encoding="utf-8"))))
    for row in rows:
        if row["modality_id"] == "profit-driven":
            row.update(
                span_start="2010",
                span_start_evidence="until 2010 alone",
                span_start_locator="Patient- versus profit-driven experimental interventions "
                "with stem cells ¶3",
            )
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    sheet.write_text(buffer.getvalue(), encoding="utf-8")

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
