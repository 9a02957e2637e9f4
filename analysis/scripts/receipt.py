"""results/provenance.intoto.json: the build receipt (in-toto Statement, SLSA Provenance)."""

from pathlib import Path

from compendium.files import write_text_atomic
from tooling import provenance, receipt
from tooling.sources import input_hashes
from tooling.steps import reported_errors, source_date_epoch

with reported_errors(snakemake.log[0]):
    root = Path.cwd()
    document = receipt.statement(
        published=input_hashes(list(snakemake.input.artifacts), root),
        inputs=input_hashes(list(snakemake.input.sources), root),
        environment=provenance.tool_versions(Path(snakemake.input.lock).read_text()),
        parameters=dict(snakemake.params.config),
        source_date_epoch=source_date_epoch(),
    )
    write_text_atomic(snakemake.output.receipt, provenance.to_json(document))
