"""fig-flows: the knowledge-flow network between communities, cycles highlighted."""

from compendium import derive, figures, network
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    flows = derive.read_cleaned(snakemake.input.flows)
    communities = derive.read_cleaned(snakemake.input.communities)
    figure = figures.flows(network.flow_graph(flows, communities))
    figures.save_svg(figure, snakemake.output.svg)
