"""tbl-timeline-key: every numbered mark of fig-timeline."""

from compendium import derive, pipe_tables, tables
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    events = derive.read_cleaned(snakemake.input.events)
    instruments = derive.read_cleaned(snakemake.input.instruments)
    pipe_tables.write(
        tables.timeline_key(derive.timeline_events(events, instruments)),
        "tbl-timeline-key",
        snakemake.input.captions,
        snakemake.output.table,
    )
