"""fig-coexistence: modalities active per year, against the regulatory instruments."""

from compendium import derive, figures
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    cases = derive.read_cleaned(snakemake.input.cases)
    modalities = derive.read_cleaned(snakemake.input.modalities)
    instruments = derive.read_cleaned(snakemake.input.instruments)
    figure = figures.coexistence(cases, modalities, instruments)
    figures.save_svg(figure, snakemake.output.svg)
