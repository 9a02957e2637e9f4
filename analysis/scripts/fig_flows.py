"""fig-flows: the knowledge-flow network between communities, cycles highlighted."""

from compendium import derive, network
from compendium.figures import flows, style
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    flow_table = derive.read_cleaned(snakemake.input.flows)
    communities = derive.read_cleaned(snakemake.input.communities)
    settings = snakemake.params.flow_network
    chosen = next(
        alternative
        for alternative in settings["alternatives"]
        if alternative["id"] == settings["figure_alternative"]
    )
    graph = network.alternative_graph(flow_table, communities, chosen)
    figure = flows.flows(graph, chosen["label"].lower())
    style.save(figure, snakemake.output.svg, snakemake.output.png)
