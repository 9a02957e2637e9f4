"""The build's settings: config/config.yaml checked against config/config.schema.yaml.

The workflow loads them through `load` instead of Snakemake's `configfile:` and `validate`, so a
wrong setting stops the build with its final message, `file:line: setting: what is wrong`,
produced once, here, and not re-read from Snakemake's exception text. Whether the chosen renderer
can run is checked here too: while the workflow is read, so before Snakemake removes any output.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Mapping
from pathlib import Path

from compendium.errors import BuildError
from tooling.quarto import read_yaml


def load(path: str | Path, schema_path: str | Path, overrides: Mapping) -> dict:
    """The settings of `path`, `overrides` (Snakemake's `--config`) taking precedence."""
    path = Path(path)
    settings = {**read_yaml(path), **overrides}
    problem = first_problem(settings, read_yaml(Path(schema_path)))
    if problem is None and settings["renderer"] == "quarto" and not shutil.which("quarto"):
        install = "install Quarto or set renderer: pandoc"
        problem = "renderer", f"renderer 'quarto' selected but `quarto` is not on PATH; {install}"
    if problem:
        setting, message = problem
        text = path.read_text(encoding="utf-8")
        raise BuildError(message, file=str(path), line=line_of(text, setting), field=setting)
    if settings["renderer"] == "pandoc":
        from tooling.render import pandoc_binary

        pandoc_binary()
    return settings


def first_problem(settings: dict, schema: dict) -> tuple[str, str] | None:
    """The first setting that breaks the schema and what is wrong with it, in the author's words."""
    import jsonschema

    validator = jsonschema.Draft202012Validator(schema)
    error = min(validator.iter_errors(settings), key=lambda error: list(error.path), default=None)
    if error is None:
        return None
    known = list(schema.get("properties", {}))
    if error.validator == "additionalProperties":
        unknown = sorted(set(settings) - set(known))[0]
        return unknown, f"unknown setting; the settings are: {', '.join(known)}"
    if error.validator == "required":
        missing = next(name for name in error.validator_value if name not in settings)
        return missing, "is required"
    setting = ".".join(str(part) for part in error.path)
    if error.validator == "enum":
        allowed = ", ".join(str(term) for term in error.validator_value)
        return setting, f"{error.instance!r} is not one of: {allowed}"
    return setting, error.message


def line_of(text: str, setting: str) -> int | None:
    """The line where `setting` is written, if it is."""
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"^['\"]?{re.escape(setting)}['\"]?\s*:", line):
            return number
    return None
