"""results/manifest.json: every published file with its hash, and the tool versions."""

from pathlib import Path

from tooling import provenance
from tooling.steps import reported_errors, write_text_atomic

with reported_errors(snakemake.log[0]):
    steps = provenance.steps_from_workflow(snakemake.params.steps)
    records = provenance.records(list(snakemake.input.artifacts), steps, Path.cwd())
    environment = provenance.tool_versions(Path(snakemake.input.lock).read_text())
    write_text_atomic(
        snakemake.output.manifest, provenance.to_json(provenance.manifest(records, environment))
    )
