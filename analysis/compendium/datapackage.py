"""Read the raw tables through their Frictionless descriptor, and validate them.

`data/datapackage.json` is the single source of truth for what a valid raw table is. We
implement the part of the Table Schema specification the descriptor uses (types string,
integer, number, year, boolean; constraints required, enum, pattern, minimum, maximum, unique;
primary and foreign keys) rather than call the `frictionless` library during the build: it is
the one step every build runs first, and our messages name file, row and field in one line.
A test checks that `frictionless validate` agrees with this module on the real package.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from pathlib import Path

from compendium.errors import BuildError

#: CSV line numbers are 1-based and the header is line 1, so data row i sits on line i + 2.
HEADER_LINES = 1


@dataclass(frozen=True)
class Table:
    """A raw table as validated text: the descriptor's name, its file and its rows."""

    name: str
    path: Path
    schema: dict
    rows: list[dict[str, str | None]]

    @property
    def field_names(self) -> list[str]:
        return [field["name"] for field in self.schema["fields"]]


class ValidationFailed(BuildError):
    """Several problems at once: one line each, so the author can fix them in one pass."""

    def __init__(self, problems: list[BuildError]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(problem) for problem in problems))

    def __str__(self) -> str:
        return self.message


def display_path(path: Path) -> str:
    """A path as the author knows it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


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
        raise BuildError(f"invalid JSON: {error.msg}", file=shown, line=error.lineno) from None


def read_rows(path: Path, schema: dict) -> list[dict[str, str | None]]:
    """The rows of one CSV file as strings, empty cells as None; structural errors raise."""
    shown = display_path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BuildError("file not found", file=shown) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise BuildError(
            f"not valid UTF-8 (byte 0x{raw[error.start]:02x}); save the file as UTF-8",
            file=shown,
            line=line,
        ) from None
    if text.startswith("\ufeff"):
        raise BuildError("starts with a byte-order mark; save as UTF-8 without BOM", file=shown)
    if not text.strip():
        raise BuildError("file is empty; expected a header row and data rows", file=shown)
    expected = [field["name"] for field in schema["fields"]]
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
        if header != expected:
            raise BuildError(
                f"header is {header}, expected {expected}", file=shown, line=1, field="header"
            )
        rows = []
        missing = set(schema.get("missingValues", [""]))
        for record in reader:
            line = reader.line_num
            if len(record) != len(expected):
                raise BuildError(
                    f"row has {len(record)} cells, expected {len(expected)}",
                    file=shown,
                    line=line,
                )
            rows.append(
                {name: (None if cell in missing else cell) for name, cell in zip(expected, record)}
            )
    except csv.Error as error:
        raise BuildError(f"malformed CSV: {error}", file=shown, line=reader.line_num) from None
    if not rows:
        raise BuildError("has a header but no data rows", file=shown)
    return rows


def _check_cell(value: str, field: dict) -> str | None:
    """What is wrong with one non-empty cell, or None."""
    kind = field.get("type", "string")
    constraints = field.get("constraints", {})
    number: float | None = None
    if kind in ("integer", "year"):
        if not re.fullmatch(r"-?\d+", value):
            return f"'{value}' is not an integer"
        number = int(value)
    elif kind == "number":
        try:
            number = float(value)
        except ValueError:
            return f"'{value}' is not a number"
    elif kind == "boolean" and value not in (
        field.get("trueValues", ["true"]) + field.get("falseValues", ["false"])
    ):
        return f"'{value}' is not a boolean (true/false)"
    enum = constraints.get("enum")
    if enum is not None and value not in [str(term) for term in enum]:
        return f"'{value}' is not one of: {', '.join(map(str, enum))}"
    pattern = constraints.get("pattern")
    if pattern is not None and not re.fullmatch(pattern, value):
        return f"'{value}' does not match the pattern {pattern}"
    if number is not None:
        if "minimum" in constraints and number < constraints["minimum"]:
            return f"{value} is below the minimum {constraints['minimum']}"
        if "maximum" in constraints and number > constraints["maximum"]:
            return f"{value} is above the maximum {constraints['maximum']}"
    for bound in ("minLength", "maxLength"):
        if bound in constraints:
            limit = constraints[bound]
            if (bound == "minLength" and len(value) < limit) or (
                bound == "maxLength" and len(value) > limit
            ):
                return f"length {len(value)} is outside {bound} {limit}"
    return None


def _as_list(keys: str | list[str]) -> list[str]:
    return [keys] if isinstance(keys, str) else list(keys)


def cell_problems(table: Table) -> list[BuildError]:
    """Type, constraint, uniqueness and primary-key problems within one table."""
    shown = display_path(table.path)
    problems: list[BuildError] = []
    for index, row in enumerate(table.rows):
        line = index + HEADER_LINES + 1
        for field in table.schema["fields"]:
            value = row[field["name"]]
            if value is None:
                if field.get("constraints", {}).get("required"):
                    problems.append(
                        BuildError(
                            "is required but empty", file=shown, line=line, field=field["name"]
                        )
                    )
                continue
            problem = _check_cell(value, field)
            if problem:
                problems.append(BuildError(problem, file=shown, line=line, field=field["name"]))
    unique_keys = [
        [field["name"]]
        for field in table.schema["fields"]
        if field.get("constraints", {}).get("unique")
    ]
    if "primaryKey" in table.schema:
        unique_keys.append(_as_list(table.schema["primaryKey"]))
    for key in unique_keys:
        seen: dict[tuple, int] = {}
        for index, row in enumerate(table.rows):
            line = index + HEADER_LINES + 1
            value = tuple(row[name] for name in key)
            if None in value:
                continue
            if value in seen:
                problems.append(
                    BuildError(
                        f"duplicate key {'/'.join(value)} (first on line {seen[value]})",
                        file=shown,
                        line=line,
                        field="+".join(key),
                    )
                )
            else:
                seen[value] = line
    return problems


def foreign_key_problems(table: Table, tables: dict[str, Table]) -> list[BuildError]:
    """References from `table` to rows that do not exist."""
    shown = display_path(table.path)
    problems: list[BuildError] = []
    for foreign_key in table.schema.get("foreignKeys", []):
        fields = _as_list(foreign_key["fields"])
        reference = foreign_key["reference"]
        target_name = reference.get("resource") or table.name
        target = tables.get(target_name)
        if target is None:
            problems.append(
                BuildError(
                    f"foreign key refers to unknown resource '{target_name}'",
                    file=shown,
                    field="+".join(fields),
                )
            )
            continue
        target_fields = _as_list(reference["fields"])
        known = {tuple(row[name] for name in target_fields) for row in target.rows}
        for index, row in enumerate(table.rows):
            value = tuple(row[name] for name in fields)
            if None in value or value in known:
                continue
            problems.append(
                BuildError(
                    f"'{'/'.join(value)}' is not a {'/'.join(target_fields)} in {target_name}",
                    file=shown,
                    line=index + HEADER_LINES + 1,
                    field="+".join(fields),
                )
            )
    return problems


def load_tables(package_path: Path) -> dict[str, Table]:
    """Every table of the package, validated; all problems are reported at once."""
    package_path = Path(package_path)
    descriptor = load_descriptor(package_path)
    tables: dict[str, Table] = {}
    problems: list[BuildError] = []
    for resource in descriptor["resources"]:
        path = package_path.parent / resource["path"]
        try:
            rows = read_rows(path, resource["schema"])
        except BuildError as error:
            problems.append(error)
            continue
        tables[resource["name"]] = Table(resource["name"], path, resource["schema"], rows)
    for table in tables.values():
        problems.extend(cell_problems(table))
    if not problems:
        for table in tables.values():
            problems.extend(foreign_key_problems(table, tables))
    if problems:
        raise ValidationFailed(problems)
    return tables
