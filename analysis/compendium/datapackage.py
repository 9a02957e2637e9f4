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

#: CSV line numbers are 1-based and the header is line 1, so data row i sits on line i + 2
#: unless a quoted cell above it spans lines (`Rows.lines` records the real ones).
HEADER_LINES = 1


class Rows(list):
    """The rows of one file, each a dict, with the line of the file each row starts on.

    A quoted cell may hold a line break, so a row's line is not its index plus the header.
    """

    def __init__(self, rows: list[dict[str, str | None]], lines: list[int]) -> None:
        super().__init__(rows)
        self.lines = tuple(lines)


def _lines_of(rows: list) -> tuple[int, ...]:
    """The starting line of each row: as read from the file, else one row per line."""
    lines = getattr(rows, "lines", None)
    if lines is not None and len(lines) == len(rows):
        return tuple(lines)
    first = HEADER_LINES + 1
    return tuple(range(first, first + len(rows)))


@dataclass(frozen=True)
class Table:
    """A raw table as validated text: the descriptor's name, its file, its rows and their lines.

    `lines` defaults to the lines `read_rows` recorded, so a table built from its rows alone
    still points at the file's real lines.
    """

    name: str
    path: Path
    schema: dict
    rows: list[dict[str, str | None]]
    lines: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if not self.lines:
            object.__setattr__(self, "lines", _lines_of(self.rows))

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


def _read_text(path: Path, shown: str) -> str:
    """The file as text; bytes that are not UTF-8 survive as surrogates, to be located later."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise BuildError("file not found", file=shown) from None
    text = raw.decode("utf-8", errors="surrogateescape")
    # A byte-order mark or an empty file spoils the header row: that is what the author fixes.
    if text.startswith("\ufeff"):
        raise BuildError(
            "starts with a byte-order mark; save as UTF-8 without BOM",
            file=shown,
            line=1,
            field="header",
        )
    if not text.strip():
        raise BuildError(
            "file is empty; expected a header row and data rows",
            file=shown,
            line=1,
            field="header",
        )
    return text


def _field_of(expected: list[str], line: int, index: int) -> str | None:
    """The field a cell belongs to: `header` on the header row, None past the last field."""
    if line <= HEADER_LINES:
        return "header"
    return expected[index] if index < len(expected) else None


#: A quoted cell that closes properly: quotes inside are doubled, and it ends at a delimiter or
#: at the end of its record.
_QUOTED_CELL = re.compile(r'"(?:[^"]|"")*"(?=,|\r|\n|\Z)')
_PLAIN_CELL = re.compile(r"[^,\r\n]*")


def _broken_quote_cell(record: str) -> int:
    """Index of the first cell whose quoting breaks, in the text of a record from its start.

    The csv module names only the line it stopped on, which for an unclosed quote is the end
    of the file; walking the cells from the row's start finds the cell that opens the quote.
    """
    index, position = 0, 0
    while position < len(record):
        cell = (_QUOTED_CELL if record[position] == '"' else _PLAIN_CELL).match(record, position)
        if cell is None:
            return index
        position = cell.end()
        if record[position : position + 1] != ",":
            break
        index, position = index + 1, position + 1
    return index


def _line_offset(text: str, line: int) -> int:
    """The offset of the first character of 1-based `line`, line breaks as csv counts them."""
    return sum(len(previous) for previous in io.StringIO(text, newline="").readlines()[: line - 1])


def _records(text: str, shown: str, expected: list[str]) -> list[tuple[int, list[str]]]:
    """Every CSV record with the line it starts on; a quoting error names its row and cell."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for record in reader:
            records.append((start, record))
            start = reader.line_num + 1
    except csv.Error as error:
        cell = _broken_quote_cell(text[_line_offset(text, start) :])
        raise BuildError(
            f"malformed CSV: {error}",
            file=shown,
            line=start,
            field=_field_of(expected, start, cell),
        ) from None
    return records


def _undecodable(
    records: list[tuple[int, list[str]]], shown: str, expected: list[str]
) -> BuildError | None:
    """The first cell holding a byte that is not UTF-8 (decoded as a lone surrogate), if any."""
    for line, record in records:
        for index, cell in enumerate(record):
            bad = next((sign for sign in cell if "\udc80" <= sign <= "\udcff"), None)
            if bad is not None:
                return BuildError(
                    f"not valid UTF-8 (byte 0x{ord(bad) - 0xDC00:02x}); save the file as UTF-8",
                    file=shown,
                    line=line,
                    field=_field_of(expected, line, index),
                )
    return None


def _width_problem(
    line: int, record: list[str], shown: str, expected: list[str]
) -> BuildError | None:
    """A row with too few or too many cells; a short row names its first missing field."""
    if len(record) == len(expected):
        return None
    return BuildError(
        f"row has {len(record)} cells, expected {len(expected)}",
        file=shown,
        line=line,
        field=_field_of(expected, line, len(record)),
    )


def read_rows(path: Path, schema: dict) -> Rows:
    """The rows of one CSV file as strings, empty cells as None; structural errors raise.

    Each row keeps the line it starts on (`Rows.lines`), for the messages of later checks.
    """
    shown = display_path(path)
    expected = [field["name"] for field in schema["fields"]]
    records = _records(_read_text(path, shown), shown, expected)
    problem = _undecodable(records, shown, expected)
    if problem:
        raise problem
    (_, header), body = records[0], records[1:]
    if header != expected:
        raise BuildError(
            f"header is {header}, expected {expected}", file=shown, line=1, field="header"
        )
    for line, record in body:
        problem = _width_problem(line, record, shown, expected)
        if problem:
            raise problem
    if not body:
        raise BuildError("has a header but no data rows", file=shown)
    missing = set(schema.get("missingValues", [""]))
    rows = [
        {name: (None if cell in missing else cell) for name, cell in zip(expected, record)}
        for _, record in body
    ]
    return Rows(rows, [line for line, _ in body])


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


def _required(schema: dict) -> set[str]:
    """Fields that may not be empty: those marked required, and every primary-key field, which
    Table Schema makes implicitly required."""
    marked = {
        field["name"] for field in schema["fields"] if field.get("constraints", {}).get("required")
    }
    return marked | set(_as_list(schema.get("primaryKey", [])))


def _value_problem(value: str | None, field: dict, required: bool) -> str | None:
    """What is wrong with one cell, empty or not, or None."""
    if value is None:
        return "is required but empty" if required else None
    return _check_cell(value, field)


def _value_problems(table: Table, shown: str) -> list[BuildError]:
    """Empty required cells and cells of the wrong type or outside their constraints."""
    required = _required(table.schema)
    problems: list[BuildError] = []
    for line, row in zip(table.lines, table.rows):
        for field in table.schema["fields"]:
            name = field["name"]
            problem = _value_problem(row[name], field, name in required)
            if problem:
                problems.append(BuildError(problem, file=shown, line=line, field=name))
    return problems


def _unique_keys(schema: dict) -> list[tuple[str, ...]]:
    """Each key whose values must not repeat, once: a field that is both `unique` and the
    primary key would otherwise report every duplicate twice."""
    keys = [
        (field["name"],) for field in schema["fields"] if field.get("constraints", {}).get("unique")
    ]
    if "primaryKey" in schema:
        keys.append(tuple(_as_list(schema["primaryKey"])))
    return list(dict.fromkeys(keys))


def _duplicates(table: Table, key: tuple[str, ...], shown: str) -> list[BuildError]:
    """Rows repeating an earlier row's key; rows with an empty key cell are left to `required`."""
    problems: list[BuildError] = []
    seen: dict[tuple, int] = {}
    for line, row in zip(table.lines, table.rows):
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


def cell_problems(table: Table) -> list[BuildError]:
    """Type, constraint, uniqueness and primary-key problems within one table."""
    shown = display_path(table.path)
    problems = _value_problems(table, shown)
    for key in _unique_keys(table.schema):
        problems.extend(_duplicates(table, key, shown))
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
        for line, row in zip(table.lines, table.rows):
            value = tuple(row[name] for name in fields)
            if None in value or value in known:
                continue
            problems.append(
                BuildError(
                    f"'{'/'.join(value)}' is not a {'/'.join(target_fields)} in {target_name}",
                    file=shown,
                    line=line,
                    field="+".join(fields),
                )
            )
    return problems


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
    for table in tables.values():
        problems.extend(cell_problems(table))
    if not problems:
        for table in tables.values():
            problems.extend(foreign_key_problems(table, tables))
    if problems:
        raise ValidationFailed(problems)
    return tables
