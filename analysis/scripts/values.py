"""results/values.json: every number and date the prose states."""

from compendium import derive, values
from compendium.files import write_text_atomic
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    tables = {
        name: derive.read_cleaned(path) for name, path in snakemake.input.items() if name != "code"
    }
    write_text_atomic(
        snakemake.output.values,
        values.to_json(values.collect(tables, snakemake.params.flow_network)),
    )
