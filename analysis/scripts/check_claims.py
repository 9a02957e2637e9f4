"""results/checks/claims.txt: the article's claims, checked against the computed results."""

from compendium import claims, derive
from compendium.files import write_text_atomic
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    listed = claims.load(snakemake.input.claims)
    tables = {
        name: derive.read_cleaned(path)
        for name, path in snakemake.input.items()
        if name not in ("code", "claims")
    }
    computed = claims.computed_from(tables, snakemake.params.flow_network)
    lines = claims.check(listed, computed, path=snakemake.input.claims)
    write_text_atomic(snakemake.output.report, "\n".join(lines) + "\n")
