"""results/checks/numbers.txt: every number in the manuscript's prose is written as a value."""

from pathlib import Path

from compendium.files import write_text_atomic
from tooling import number_check
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    prose = number_check.require_values(
        Path(snakemake.input.manuscript), Path.cwd(), Path(snakemake.input.captions)
    )
    write_text_atomic(
        snakemake.output.report,
        f"{len(prose)} lines of prose: every number is a value or a listed literal kind\n",
    )
