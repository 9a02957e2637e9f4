"""results/pseudonymised/: the restricted tables with every sensitive value replaced by a code.

The only step that reads data/restricted/ for use downstream (see tooling.privacy).
"""

from pathlib import Path

from compendium.files import write_text_atomic
from tooling import privacy
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    # The rule names the directory; its files are the rule's inputs.
    restricted = Path(snakemake.params.restricted)
    directory = Path(snakemake.output.tables)
    directory.mkdir(parents=True, exist_ok=True)
    tables = None
    if privacy.is_present(restricted):
        tables = privacy.load(restricted)
        privacy.write_tables(privacy.pseudonymise(tables), directory)
    report = privacy.pseudonymisation_report(restricted, tables)
    write_text_atomic(snakemake.output.report, report)
