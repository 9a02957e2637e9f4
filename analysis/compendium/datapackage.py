"""Read the raw tables through their Frictionless descriptor, and validate them.

`data/datapackage.json` is the single source of truth for what a valid raw table is. The
descriptor and its schema files are read here (a broken JSON file names its line and member),
each sheet's CSV structure by `compendium.sheets`, and its values are validated against the
Table Schema by frictionless through `compendium.schema_check`.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from compendium import schema_check
from compendium.errors import BuildError
from compendium.sheets import Table, display_path, read_rows

__all__ = ["Table", "ValidationFailed", "display_path", "load_descriptor", "load_tables"]


class ValidationFailed(BuildError):
    """Several problems at once: one line each, so the author can fix them in one pass."""

    def __init__(self, problems: list[BuildError]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))

    def __str__(self) -> str:
        return self.message


def load_descriptor(package_path: Path) -> dict:
    """The data package with every resource's schema file read in."""
    package_path = Path(package_path)
    shown = display_path(package_path)
    descriptor = _read_json(package_path, shown)
    resources = descriptor.get("resources")
    if not isinstance(resources, list) or not resources:
        raise BuildError("expected a non-empty list of resources", file=shown, field="resources")
    for index, resource in enumerate(resources):
        for key in ("name", "path", "schema"):
            if key not in resource:
                raise BuildError(
                    f"resource {index + 1} has no '{key}'", file=shown, field=f"resources[{index}]"
                )
        if isinstance(resource["schema"], str):
            schema_path = package_path.parent / resource["schema"]
            resource["schema"] = _read_json(schema_path, display_path(schema_path))
        if "fields" not in resource["schema"]:
            raise BuildError(
                "schema has no 'fields'", file=shown, field=f"{resource['name']}.schema"
            )
    return descriptor


def _read_json(path: Path, shown: str) -> dict:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BuildError("file not found", file=shown) from None
    except UnicodeDecodeError as error:
        raise BuildError(f"not UTF-8 (byte {error.start})", file=shown) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise BuildError(
            f"invalid JSON: {error.msg} (column {error.colno})",
            file=shown,
            line=error.lineno,
            field=_member_before(text, error.pos),
        ) from None


#: A JSON member name: a string followed by a colon.
_MEMBER = re.compile(r'"((?:[^"\\]|\\.)*)"\s*:')


def _member_before(text: str, position: int) -> str | None:
    """The last member name before `position`: the JSON counterpart of a table's field.

    A value that does not parse sits after its `"key":`, so the last key before the error is
    the member the author has to fix.
    """
    members = _MEMBER.findall(text[:position])
    return members[-1] if members else None


def with_references(resources: list[dict], names: set[str]) -> set[str]:
    """`names` and every table their foreign keys refer to, directly or not."""
    by_name = {resource["name"]: resource for resource in resources}
    wanted, pending = set(), list(names)
    while pending:
        name = pending.pop()
        if name in wanted or name not in by_name:
            continue
        wanted.add(name)
        for foreign_key in by_name[name]["schema"].get("foreignKeys", []):
            pending.append(foreign_key["reference"].get("resource") or name)
    return wanted


def load_tables(package_path: Path, names: list[str] | None = None) -> dict[str, Table]:
    """The tables of the package (all, or `names` and the tables they refer to), validated;
    all problems are reported at once.

    A cleaning step reads only the tables it cleans and their references, so that an edit to
    another table does not make it run again.
    """
    package_path = Path(package_path)
    descriptor = load_descriptor(package_path)
    selected = (
        with_references(descriptor["resources"], set(names))
        if names is not None
        else {resource["name"] for resource in descriptor["resources"]}
    )
    tables: dict[str, Table] = {}
    problems: list[BuildError] = []
    for resource in descriptor["resources"]:
        if resource["name"] not in selected:
            continue
        path = package_path.parent / resource["path"]
        try:
            rows = read_rows(path, resource["schema"])
        except BuildError as error:
            problems.append(error)
            continue
        tables[resource["name"]] = Table(resource["name"], path, resource["schema"], rows)
    # A reference into a sheet that could not be read would only repeat its problem.
    problems.extend(schema_check.problems(tables, references=not problems))
    if problems:
        raise ValidationFailed(problems)
    return tables
