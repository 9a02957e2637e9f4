"""Confidential fieldwork data: pseudonymise it on the way in, prove it never comes out.

`data/README.md` ("Confidential data") describes `data/restricted/` and the two steps that handle
it: **pseudonymise**, the only step that reads it, replaces each sensitive value by a code;
**check_leaks** (`tooling.leaks`) looks for every sensitive value in every output. Messages name
file, table, row and field, never the value.
"""

from __future__ import annotations

import contextlib
import csv
import io
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from compendium.errors import BuildError

#: The descriptor of the restricted package, in the directory the privacy steps are given.
DESCRIPTOR = "datapackage.json"

#: Shorter values (initials, ages, "M") would match ordinary text everywhere. Length counts
#: a wide (CJK) character as two: a Chinese name of two or three characters is scanned.
MIN_LENGTH = 4


@dataclass(frozen=True)
class Sensitive:
    """One sensitive value and where it comes from (the value is never printed)."""

    value: str
    table: str
    line: int
    field: str

    @property
    def scannable(self) -> bool:
        wide = sum(unicodedata.east_asian_width(char) in "WF" for char in self.value.strip())
        return len(self.value.strip()) + wide >= MIN_LENGTH


def is_present(restricted: Path) -> bool:
    return (Path(restricted) / DESCRIPTOR).is_file()


def sensitive_fields(schema: dict) -> list[dict]:
    return [field for field in schema.get("fields", []) if field.get("sensitive") is True]


def load(restricted: Path) -> dict:
    """The restricted tables, validated against their own descriptor; a validation message
    never quotes a sensitive value (they are redacted first)."""
    from compendium.datapackage import load_descriptor, load_tables

    descriptor_path = Path(restricted) / DESCRIPTOR
    descriptor = load_descriptor(descriptor_path)
    try:
        return load_tables(descriptor_path)
    except BuildError as error:
        message = str(error)
        for value in _raw_values(Path(restricted), descriptor):
            message = message.replace(value, "<sensitive value>")
        raise BuildError(message) from None


def _raw_values(restricted: Path, descriptor: dict) -> list[str]:
    """Every cell of every sensitive column, read without validation, longest first."""
    values = set()
    for resource in descriptor["resources"]:
        names = [field["name"] for field in sensitive_fields(resource["schema"])]
        with contextlib.suppress(OSError):
            text = (restricted / resource["path"]).read_text(encoding="utf-8", errors="replace")
            for row in csv.DictReader(io.StringIO(text, newline="")):
                values.update(str(row.get(name) or "") for name in names)
    return sorted((value for value in values if value.strip()), key=len, reverse=True)


def sensitive_values(restricted: Path) -> list[Sensitive]:
    """Every non-empty sensitive value of the restricted package, with its origin."""
    if not is_present(restricted):
        return []
    from compendium.datapackage import display_path

    found = []
    for _, table in sorted(load(restricted).items()):
        shown = display_path(table.path)
        for field in sensitive_fields(table.schema):
            for line, row in enumerate(table.rows, start=2):  # the header is line 1
                value = row[field["name"]]
                if value is not None and value.strip():
                    found.append(Sensitive(value.strip(), shown, line, field["name"]))
    return found


def pseudonymise(tables: dict) -> dict[str, tuple[list, list]]:
    """Each table as (header, rows) with every sensitive value replaced by its code,
    `<namespace>-<n>`: the namespace is the field's `"pseudonym"` (else its name), n counts the
    namespace's distinct values in order of first appearance (tables by name, rows in order)."""
    codes: dict[str, dict[str, str]] = {}

    def code(value: str | None, field: dict | None) -> str:
        if field is None or value is None or not value.strip():
            return value or ""
        namespace = str(field.get("pseudonym") or field["name"])
        assigned = codes.setdefault(namespace, {})
        return assigned.setdefault(normalise(value), f"{namespace}-{len(assigned) + 1:03d}")

    result = {}
    for name, table in sorted(tables.items()):
        sensitive = {field["name"]: field for field in sensitive_fields(table.schema)}
        header = table.field_names
        rows = [
            [code(row[column], sensitive.get(column)) for column in header] for row in table.rows
        ]
        result[name] = (header, rows)
    return result


def write_tables(pseudonymised: dict[str, tuple[list, list]], directory: Path) -> None:
    from compendium.files import write_text_atomic

    for name, (header, rows) in sorted(pseudonymised.items()):
        buffer = io.StringIO(newline="")
        csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
        write_text_atomic(directory / f"{name}.csv", buffer.getvalue())


def pseudonymisation_report(restricted: Path, tables: dict | None) -> str:
    if tables is None:
        return (
            f"{restricted}/ is absent: there is no confidential data to protect, and nothing "
            "was pseudonymised.\n"
        )
    lines = [f"Pseudonymised the tables of {restricted}/ into results/pseudonymised/:"]
    for name, table in sorted(tables.items()):
        fields = [field["name"] for field in sensitive_fields(table.schema)]
        lines.append(
            f"- {name}: {len(table.rows)} rows; sensitive fields replaced by codes: "
            + (", ".join(fields) if fields else "none")
        )
    return "\n".join(lines) + "\n"


def normalise(text: str) -> str:
    """A value as it is compared: NFKC, no soft hyphens, any case, single spaces."""
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    return " ".join(text.casefold().split())
