"""tbl-robustness: the cycle findings under every declared coding alternative."""

from compendium import derive, network, pipe_tables, tables
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    flows = derive.read_cleaned(snakemake.input.flows)
    communities = derive.read_cleaned(snakemake.input.communities)
    settings = snakemake.params.flow_network
    labels = {alternative["id"]: alternative["label"] for alternative in settings["alternatives"]}
    pipe_tables.write(
        tables.robustness(network.robustness(flows, communities, settings), labels),
        "tbl-robustness",
        snakemake.input.captions,
        snakemake.output.table,
    )
