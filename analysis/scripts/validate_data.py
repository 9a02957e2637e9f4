"""Validate the raw tables; write a summary of what was checked."""

from compendium.datapackage import load_tables
from compendium.files import write_text_atomic
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    tables = load_tables(snakemake.input.package)
    lines = [f"{name}: {len(table.rows)} rows valid" for name, table in sorted(tables.items())]
    write_text_atomic(snakemake.output.report, "\n".join(lines) + "\n")
