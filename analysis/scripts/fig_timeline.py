"""fig-timeline: the dated events 2000-2012 by kind."""

from compendium import derive, figures
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    events = derive.read_cleaned(snakemake.input.events)
    instruments = derive.read_cleaned(snakemake.input.instruments)
    figure = figures.timeline(derive.timeline_events(events, instruments))
    figures.save_svg(figure, snakemake.output.svg)
