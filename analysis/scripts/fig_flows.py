"""fig-flows: the knowledge-flow network between communities, cycles highlighted."""

from compendium import derive, figures, network
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    flows = derive.read_cleaned(snakemake.input.flows)
    communities = derive.read_cleaned(snakemake.input.communities)
    settings = snakemake.params.flow_network
    chosen = next(
        alternative
        for alternative in settings["alternatives"]
        if alternative["id"] == settings["figure_alternative"]
    )
    graph = network.alternative_graph(flows, communities, chosen)
    figure = figures.flows(graph, chosen["label"].lower())
    figures.save_svg(figure, snakemake.output.svg)
