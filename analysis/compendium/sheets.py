"""A coding sheet read strictly: the CSV structure of one raw table, before its values.

frictionless reads CSV leniently (it guesses the encoding, drops a byte-order mark, accepts a
stray quote), which would let a broken sheet through or point at the wrong line. So the
structure is checked here, with Python's csv module in strict mode, and every problem names the
line the row starts on and the field of the cell; the values are then validated against the
schema by `compendium.schema_check`.
"""

from __future__ import annotations

import csv
import io
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


def display_path(path: Path) -> str:
    """A path as the author knows it: relative to the working directory when possible."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


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
