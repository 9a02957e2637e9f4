"""Check references.bib and the manuscript's citations; report uncited entries."""

from pathlib import Path

from compendium.bibliography import (
    check_citations,
    check_statuses,
    cited_keys,
    load_bibliography,
)
from compendium.files import write_text_atomic
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    entries = load_bibliography(snakemake.input.bibliography)
    check_statuses(entries, file=str(snakemake.input.bibliography))
    manuscript = Path(snakemake.input.manuscript)
    cited = cited_keys(manuscript.read_text(encoding="utf-8"))
    uncited = check_citations(entries, cited, manuscript=str(manuscript))
    lines = [f"{len(entries)} entries, {len({key for key, _ in cited})} cited keys"]
    lines += [f"uncited: {key}" for key in uncited]
    write_text_atomic(snakemake.output.report, "\n".join(lines) + "\n")
