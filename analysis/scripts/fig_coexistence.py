"""fig-coexistence: the years the article shows each modality active, against the instruments."""

from compendium import derive
from compendium.figures import coexistence, style
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    modalities = derive.read_cleaned(snakemake.input.modalities)
    instruments = derive.read_cleaned(snakemake.input.instruments)
    figure = coexistence.coexistence(modalities, instruments)
    style.save(figure, snakemake.output.svg, snakemake.output.png)
