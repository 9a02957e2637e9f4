"""results/provenance/: caption and value provenance, the appendix table and the steps as data."""

import json
from pathlib import Path

from compendium.files import write_text_atomic
from tooling import provenance
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    steps = provenance.steps_of_rules(snakemake.params.steps)
    records = provenance.records(list(snakemake.input.artifacts), steps, Path.cwd())
    environment = provenance.tool_versions(Path(snakemake.input.lock).read_text())
    place = provenance.repository(snakemake.params.repository_url, Path(snakemake.input.citation))
    captions = provenance.caption_provenance(records, place)
    # every value the prose may print, beside the labels (no label is called "values")
    captions["values"] = provenance.value_entries(
        json.loads(Path(snakemake.input.values).read_text(encoding="utf-8")),
        json.loads(Path(snakemake.input.value_sources).read_text(encoding="utf-8")),
        Path(snakemake.input.package),
        provenance.step_of(snakemake.input.values, steps),
    )
    write_text_atomic(snakemake.output.captions, provenance.to_json(captions))
    write_text_atomic(
        snakemake.output.appendix,
        provenance.appendix(records, environment, provenance.where_files_are(place)),
    )
    # the workflow describes the steps defined before this one; this step adds itself
    this = {"rule": snakemake.rule, "inputs": list(snakemake.input)}
    described = [*snakemake.params.steps, {**this, "outputs": list(snakemake.output)}]
    write_text_atomic(snakemake.output.steps, provenance.to_json(described))
