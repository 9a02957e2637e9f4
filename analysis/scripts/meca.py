"""results/paper-meca.zip: JATS, PDF, figures, coded data and receipt as a MECA bundle."""

from pathlib import Path

from tooling import meca
from tooling.steps import reported_errors, source_date_epoch

with reported_errors(snakemake.log[0]):
    files = {
        "paper.xml": snakemake.input.jats,
        "paper.pdf": snakemake.input.pdf,
        **{f"figures/{Path(path).name}": path for path in snakemake.input.figures},
        **{f"data/{Path(path).name}": path for path in snakemake.input.data},
        "provenance.intoto.json": snakemake.input.receipt,
    }
    meca.write(Path(snakemake.output.bundle), files, source_date_epoch())
