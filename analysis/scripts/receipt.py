"""results/provenance.intoto.json: the build receipt (in-toto Statement, SLSA Provenance)."""

from pathlib import Path

from compendium.files import write_text_atomic
from tooling import provenance, receipt
from tooling.file_cache import FileCache
from tooling.sources import input_hashes
from tooling.steps import reported_errors, source_date_epoch

with reported_errors(snakemake.log[0]):
    root = Path.cwd()
    # hashes of the files unchanged since the last receipt are taken from then
    cache = FileCache("receipt")
    document = receipt.statement(
        published=input_hashes(list(snakemake.input.artifacts), root, digest=cache.sha256),
        inputs=input_hashes(list(snakemake.input.sources), root, digest=cache.sha256),
        environment=provenance.tool_versions(Path(snakemake.input.lock).read_text()),
        parameters=dict(snakemake.params.config),
        source_date_epoch=source_date_epoch(),
    )
    cache.save()
    write_text_atomic(snakemake.output.receipt, provenance.to_json(document))
