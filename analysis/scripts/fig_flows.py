"""fig-flows: the knowledge-flow network between communities, cycles highlighted."""

from compendium import derive, network
from compendium.figures import flows, style
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    flow_table = derive.read_cleaned(snakemake.input.flows)
    communities = derive.read_cleaned(snakemake.input.communities)
    figure = flows.flows(network.flow_graph(flow_table, communities))
    style.save_svg(figure, snakemake.output.svg)
