"""A Quarto-format document as Quarto sees it: its project, metadata, values and bibliography.

Quarto looks for `_quarto.yml` in the document's folder and its parents; the folder holding it is
the project. The document's metadata is the project's (every key but `project` and `format`),
then `_metadata.yml` beside the document, then the document's own front matter, each overriding
the one before. `{{< var >}}` values come from `_variables.yml` in the project folder. A
`bibliography` is a path relative to the file that names it. The pandoc renderer gets all of it
from here, so the paper and any other document render alike.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import yaml

from compendium.errors import BuildError
from tooling.sources import sha256

ROOT = Path(__file__).resolve().parents[1]
FILTER_DIRECTORY = ROOT / "manuscript" / "filters"
# The filters of the one parse, for every format. The order matters: shortcodes first (an
# include brings in floats, a value may hold an @), callouts before floats and cross-references
# (a callout's heading is its title, not a section), the appendix before numbering, the title
# block last (it reads the expanded metadata).
FILTERS = (
    "shortcodes.lua",
    "callouts.lua",
    "floats.lua",
    "appendix.lua",
    "crossref.lua",
    "titleblock.lua",
)
# The filters of one format family alone, run on the parsed document; then, for every format,
# the filter that settles what the others left to the format (see common.lua).
FORMAT_FILTERS = {
    "html": ("html-table-scroll.lua",),
    "typst": ("typst-paths.lua",),
    "docx": ("docx-figures.lua",),
    "jats": ("jats-metadata.lua",),
}
PER_FORMAT_FILTER = "per-format.lua"
#: Every filter the renderer runs by name (the paper's render step lists them as inputs).
RENDERER_FILTERS = (
    *FILTERS,
    "common.lua",
    "provenance.lua",
    "citations.lua",
    *(name for names in FORMAT_FILTERS.values() for name in names),
    PER_FORMAT_FILTER,
)
NOT_METADATA = ("project", "format")
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".svg", ".webp")


def front_matter(document: Path) -> dict:
    """The YAML block at the top of a document."""
    text = document.read_text(encoding="utf-8")
    match = re.match(r"---\r?\n(.*?)\r?\n(?:---|\.\.\.)\s*\n", text, flags=re.S)
    # the block starts after the opening fence, on the file's second line
    return _mapping(match[1], document, first_line=2) if match else {}


def project_directory(document: Path) -> Path | None:
    """The nearest folder at or above the document's that holds `_quarto.yml`."""
    folders = [document.parent, *document.parent.parents]
    return next((folder for folder in folders if (folder / "_quarto.yml").is_file()), None)


def _layers(document: Path) -> list[tuple[dict, Path]]:
    """The project's, the folder's and the document's settings, weakest first, each with the
    folder its paths are relative to."""
    project = project_directory(document)
    layers = [(read_yaml(project / "_quarto.yml"), project)] if project else []
    if (document.parent / "_metadata.yml").is_file():
        layers.append((read_yaml(document.parent / "_metadata.yml"), document.parent))
    return [*layers, (front_matter(document), document.parent)]


def metadata(document: Path) -> dict:
    """The document's metadata, merged as Quarto merges it (`project` and `format` are not)."""
    merged: dict = {}
    for values, folder in _layers(document):
        merged.update({key: value for key, value in values.items() if key not in NOT_METADATA})
        if "bibliography" in values:
            merged["bibliography"] = _paths(values["bibliography"], folder)
    return merged


def format_options(document: Path, name: str) -> dict:
    """The `format: <name>:` options, merged alike (a `css` path made relative to here)."""
    options: dict = {}
    for values, folder in _layers(document):
        chosen = values.get("format")
        given = chosen.get(name) if isinstance(chosen, dict) else None
        for key, value in (given if isinstance(given, dict) else {}).items():
            options[key] = _paths(value, folder)[0] if key == "css" else value
    return options


def variables_file(document: Path) -> Path | None:
    project = project_directory(document)
    if project is not None and (project / "_variables.yml").is_file():
        return project / "_variables.yml"
    return None


def write_variables_json(source: Path | None, extra: dict | None, target: Path) -> Path:
    """The values as JSON for the filters: the values file (JSON, or YAML like
    `_variables.yml`) with a document's own `_quarto-vars` over it."""
    values: dict = {}
    if source is not None and source.suffix == ".json":
        values = json.loads(source.read_text(encoding="utf-8"))
    elif source is not None:
        values = read_yaml(source)
    values = _merged(values, extra or {})
    target.write_text(json.dumps(values, ensure_ascii=False, default=str), encoding="utf-8")
    return target


def _merged(base: dict, over: dict) -> dict:
    merged = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _merged(merged[key], value)
        else:
            merged[key] = value
    return merged


def static_images(document: Path) -> dict[str, str]:
    """SHA-256 of every image in the document's folder tree (static figures' provenance)."""
    return {
        path.as_posix(): sha256(path)
        for path in sorted(document.parent.rglob("*"))
        if path.suffix.lower() in IMAGE_SUFFIXES and path.is_file()
    }


def _paths(value, folder: Path) -> list[str]:
    values = value if isinstance(value, list) else [value]
    return [os.path.normpath(os.path.relpath(folder / str(item))) for item in values]


def read_yaml(path: Path) -> dict:
    return _mapping(path.read_text(encoding="utf-8"), path)


def _mapping(text: str, path: Path, first_line: int = 1) -> dict:
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as error:
        # where the construct that went wrong starts (an unclosed bracket's line), else where
        # the parser noticed
        mark = getattr(error, "context_mark", None) or getattr(error, "problem_mark", None)
        line = f":{mark.line + first_line}" if mark is not None else ""
        reason = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise BuildError(f"{path}{line}: not valid YAML: {reason}") from None
    if not isinstance(loaded, dict | None):
        raise BuildError(f"{path}: expected a YAML mapping")
    return loaded or {}
