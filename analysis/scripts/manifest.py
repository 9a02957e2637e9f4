"""results/manifest.json: every published file with its hash, the tool versions, the inputs;
results/provenance/readme-map.md: the README's map of figures and tables."""

from pathlib import Path

from compendium.files import write_text_atomic
from tooling import provenance
from tooling.file_cache import FileCache
from tooling.sources import input_hashes
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    # hashes of the files unchanged since the last manifest are taken from then
    cache = FileCache("manifest")
    steps = provenance.steps_of_rules(snakemake.params.steps)
    records = provenance.records(
        list(snakemake.input.artifacts), steps, Path.cwd(), digest=cache.sha256
    )
    environment = provenance.tool_versions(Path(snakemake.input.lock).read_text())
    inputs = input_hashes(list(snakemake.input.sources), Path.cwd(), digest=cache.sha256)
    cache.save()
    write_text_atomic(
        snakemake.output.manifest,
        provenance.to_json(provenance.manifest(records, environment, inputs)),
    )
    mapped = [record for record in records if record["path"] in snakemake.params.mapped]
    labels = [label for record in mapped if (label := provenance.label_of(record["path"]))]
    # where each figure and table stands in the text gives its number
    manuscript = Path(snakemake.input.manuscript).read_text(encoding="utf-8")
    numbers = provenance.artifact_numbers(manuscript, labels)
    write_text_atomic(snakemake.output.readme_map, provenance.readme_map(mapped, numbers))
