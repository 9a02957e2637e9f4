"""Table Schema validation by frictionless, its findings told as `file:line: field: message`.

frictionless checks every cell of a table against its field (type, required, enum, pattern,
bounds, lengths), unique fields and the primary key. It is given the rows `compendium.sheets`
has already read, so the CSV is parsed once, strictly; this module translates each of its
errors into the line of the file the row starts on, the field, and what is wrong in the
author's terms.

References between tables are checked here, by a small function: frictionless would check
them too, but only through its package validation, which re-reads every referenced table and
costs more than all the other checks together (measured: 0.37 s against 0.22 s of CPU for the
eleven coding sheets).
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable

from compendium.errors import BuildError
from compendium.sheets import Table, display_path

#: What a cell of each type should have been; `year` cells are written as integers.
_TYPE_WORDS = {
    "integer": "an integer",
    "year": "an integer",
    "number": "a number",
    "boolean": "a boolean (true/false)",
}


def _as_list(keys: str | list[str]) -> list[str]:
    return [keys] if isinstance(keys, str) else list(keys)


def _constraint_words(value: str, constraints: dict) -> dict[str, Callable[[], str]]:
    """What each constraint frictionless names means for `value`, as the author reads it."""
    return {
        "required": lambda: "is required but empty",
        "enum": lambda: f"'{value}' is not one of: {', '.join(map(str, constraints['enum']))}",
        "pattern": lambda: f"'{value}' does not match the pattern {constraints['pattern']}",
        "minimum": lambda: f"{value} is below the minimum {constraints['minimum']}",
        "maximum": lambda: f"{value} is above the maximum {constraints['maximum']}",
        "minLength": lambda: f"length {len(value)} is outside minLength {constraints['minLength']}",
        "maxLength": lambda: f"length {len(value)} is outside maxLength {constraints['maxLength']}",
    }


def _schema_for_frictionless(schema: dict) -> dict:
    """The schema as frictionless should apply it to one table.

    Table Schema makes every primary-key field required, but frictionless reports a key cell
    only when all of them are empty; marking them required names the empty field. References
    are checked by `reference_problems`.
    """
    schema = copy.deepcopy(schema)
    key = set(_as_list(schema.get("primaryKey", [])))
    for field in schema["fields"]:
        if field["name"] in key:
            field.setdefault("constraints", {})["required"] = True
    schema.pop("foreignKeys", None)
    return schema


class _Translator:
    """Turns frictionless's errors for one table into our messages."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self.shown = display_path(table.path)
        self.fields = {field["name"]: field for field in table.schema["fields"]}

    def line(self, row_number: int) -> int:
        """frictionless counts rows from the header (row 1); a quoted cell may span lines, so
        the row's line in the file comes from the sheet."""
        return self.table.lines[row_number - 2]

    def message(self, error) -> BuildError | None:
        if error.type == "type-error":
            kind = self.fields[error.field_name].get("type", "string")
            words = _TYPE_WORDS.get(kind, f"a valid {kind}")
            return self.at(error, error.field_name, f"'{error.cell}' is not {words}")
        if error.type == "constraint-error":
            name = re.match(r'constraint "(\w+)"', error.note).group(1)
            constraints = self.fields[error.field_name].get("constraints", {})
            words = _constraint_words(error.cell, constraints).get(name)
            message = words() if words else f"'{error.cell}' breaks the constraint {error.note}"
            return self.at(error, error.field_name, message)
        if error.type == "unique-error":
            return self.duplicate(error, (error.field_name,))
        if error.type == "primary-key":
            key = tuple(_as_list(self.table.schema["primaryKey"]))
            # An empty key cell is already reported as an empty required field.
            row = self.table.rows[error.row_number - 2]
            return None if None in (row[name] for name in key) else self.duplicate(error, key)
        row_number = getattr(error, "row_number", None)
        line = self.line(row_number) if row_number else None
        return BuildError(f"{error.title}: {error.note}", file=self.shown, line=line)

    def at(self, error, field: str, message: str) -> BuildError:
        return BuildError(message, file=self.shown, line=self.line(error.row_number), field=field)

    def duplicate(self, error, key: tuple[str, ...]) -> BuildError:
        first = int(re.search(r"position (\d+)", error.note).group(1))
        row = self.table.rows[error.row_number - 2]
        value = "/".join(row[name] for name in key)
        return self.at(
            error, "+".join(key), f"duplicate key {value} (first on line {self.line(first)})"
        )


def value_problems(table: Table) -> list[BuildError]:
    """Type, constraint, uniqueness and primary-key problems of one table, in file order."""
    # Imported here: frictionless costs a third of a second to import, paid only to validate.
    from frictionless import FrictionlessException, Resource, Schema

    missing = table.schema.get("missingValues", [""])[0]
    fields = table.field_names
    data = [fields] + [
        [missing if row[name] is None else row[name] for name in fields] for row in table.rows
    ]
    try:
        schema = Schema.from_descriptor(_schema_for_frictionless(table.schema))
    except FrictionlessException as error:
        reasons = "; ".join(reason.note for reason in error.reasons) or error.error.note
        message = f"schema is not valid Table Schema: {reasons}"
        return [BuildError(message, file=display_path(table.path), field="schema")]
    report = Resource(name=table.name, data=data, schema=schema).validate()
    translator = _Translator(table)
    # A field that is unique and the whole primary key is reported by both checks: keep one.
    once: dict[str, BuildError] = {}
    for error in [*report.errors, *(error for task in report.tasks for error in task.errors)]:
        problem = translator.message(error)
        if problem is not None:
            once.setdefault(str(problem), problem)
    return list(once.values())


def reference_problems(table: Table, tables: dict[str, Table]) -> list[BuildError]:
    """References from `table` to rows, or tables, that do not exist."""
    shown = display_path(table.path)
    problems: list[BuildError] = []
    for foreign_key in table.schema.get("foreignKeys", []):
        fields = _as_list(foreign_key["fields"])
        target_name = foreign_key["reference"].get("resource") or table.name
        target = tables.get(target_name)
        if target is None:
            message = f"foreign key refers to unknown resource '{target_name}'"
            problems.append(BuildError(message, file=shown, field="+".join(fields)))
            continue
        target_fields = _as_list(foreign_key["reference"]["fields"])
        known = {tuple(row[name] for name in target_fields) for row in target.rows}
        for line, row in zip(table.lines, table.rows):
            value = tuple(row[name] for name in fields)
            if None not in value and value not in known:
                problems.append(
                    BuildError(
                        f"'{'/'.join(value)}' is not a {'/'.join(target_fields)} in {target_name}",
                        file=shown,
                        line=line,
                        field="+".join(fields),
                    )
                )
    return problems


def problems(tables: dict[str, Table], *, references: bool = True) -> list[BuildError]:
    """Every value problem of `tables`, then, when there is none, every broken reference.

    A reference from or to a bad row would only repeat its problem.
    """
    found = [problem for table in tables.values() for problem in value_problems(table)]
    if found or not references:
        return found
    return [problem for table in tables.values() for problem in reference_problems(table, tables)]
