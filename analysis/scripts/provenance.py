"""results/provenance/: caption provenance, the appendix table and the README map."""

from pathlib import Path

from compendium.files import write_text_atomic
from tooling import links, provenance
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    steps = provenance.steps_of_rules(snakemake.params.steps)
    records = provenance.records(list(snakemake.input.artifacts), steps, Path.cwd())
    environment = provenance.tool_versions(Path(snakemake.input.lock).read_text())
    place = links.repository(snakemake.params.repository_url, Path(snakemake.input.citation))
    write_text_atomic(
        snakemake.output.captions,
        provenance.to_json(provenance.caption_provenance(records, place)),
    )
    write_text_atomic(
        snakemake.output.appendix,
        provenance.appendix(records, environment, links.where_files_are(place)),
    )
    write_text_atomic(snakemake.output.readme_map, provenance.readme_map(records))
