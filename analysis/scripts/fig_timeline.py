"""fig-timeline: the dated events 2000-2012 by kind."""

from compendium import derive
from compendium.figures import style, timeline
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    events = derive.read_cleaned(snakemake.input.events)
    instruments = derive.read_cleaned(snakemake.input.instruments)
    shown = derive.timeline_events(events, instruments)
    figure = timeline.timeline(shown)
    style.save(figure, snakemake.output.svg, snakemake.output.png, titles=timeline.titles(shown))
