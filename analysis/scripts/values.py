"""results/values.json: every number and date the prose states; results/values-sources.json:
the function and the data rows behind each of them."""

from compendium import derive, values
from compendium.files import write_text_atomic
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    tables = {
        name: derive.read_cleaned(path) for name, path in snakemake.input.items() if name != "code"
    }
    collected, sources = values.collect_sourced(tables, snakemake.params.flow_network)
    write_text_atomic(snakemake.output.values, values.to_json(collected))
    write_text_atomic(snakemake.output.sources, values.to_json(sources))
