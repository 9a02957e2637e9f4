"""Execute the rule's cleaning notebook with its named inputs and outputs as parameters."""

from pathlib import Path

from tooling.notebooks import execute
from tooling.steps import reported_errors

with reported_errors(snakemake.log[0]):
    outputs = {name: path for name, path in snakemake.output.items() if name != "executed"}
    inputs = {
        name: path for name, path in snakemake.input.items() if name not in ("notebook", "code")
    }
    execute(
        Path(snakemake.input.notebook),
        Path(snakemake.output.executed),
        {"inputs": inputs, "outputs": outputs},
        root=Path.cwd(),
    )
