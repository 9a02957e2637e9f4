"""results/manifest.json: every published file with its hash, the tool versions, the inputs."""

from pathlib import Path

from compendium.files import write_text_atomic
from tooling import provenance
from tooling.sources import input_hashes
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    steps = provenance.steps_of_rules(snakemake.params.steps)
    records = provenance.records(list(snakemake.input.artifacts), steps, Path.cwd())
    environment = provenance.tool_versions(Path(snakemake.input.lock).read_text())
    inputs = input_hashes(list(snakemake.input.sources), Path.cwd())
    write_text_atomic(
        snakemake.output.manifest,
        provenance.to_json(provenance.manifest(records, environment, inputs)),
    )
