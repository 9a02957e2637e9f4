"""results/pseudonymised/: the restricted tables with every sensitive value replaced by a code.

The only step that reads data/restricted/ for use downstream (see tooling.privacy).
"""

from pathlib import Path

from tooling import privacy
from tooling.steps import reported_errors, write_text_atomic

with reported_errors(snakemake.log[0]):
    restricted = privacy.RESTRICTED
    directory = Path(snakemake.output.tables)
    directory.mkdir(parents=True, exist_ok=True)
    tables = None
    if privacy.is_present(restricted):
        _, tables = privacy.load(restricted)
        privacy.write_tables(privacy.pseudonymise(tables), directory)
    report = privacy.pseudonymisation_report(restricted, tables)
    write_text_atomic(snakemake.output.report, report)
