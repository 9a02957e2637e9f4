"""Validation of the Frictionless data package (frictionless, told in our words): one problem
kind per test.

Every package here is SYNTHETIC: a tiny three-table package (`kinds`, `items`, `pairs`) written
inline into a temporary directory, then corrupted one way per test. Each message is checked for
the exact `file:line: field: message` the author needs to fix the sheet; paths are relative to
the package's directory, which each test makes the working directory.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compendium import schema_check
from compendium.datapackage import (
    Table,
    ValidationFailed,
    display_path,
    load_descriptor,
    load_tables,
)
from compendium.errors import BuildError
from compendium.sheets import read_rows

KINDS_SCHEMA = {
    "fields": [
        {
            "name": "kind_id",
            "type": "string",
            "constraints": {"required": True, "unique": True, "pattern": "[a-z]+"},
        },
        {
            "name": "position",
            "type": "integer",
            "constraints": {"required": True, "unique": True, "minimum": 1},
        },
    ],
    "primaryKey": ["kind_id"],
    "missingValues": [""],
}

ITEMS_SCHEMA = {
    "fields": [
        {"name": "item_id", "type": "string", "constraints": {"required": True}},
        {"name": "kind", "type": "string", "constraints": {"enum": ["alpha", "beta", "gamma"]}},
        {"name": "year", "type": "integer", "constraints": {"minimum": 1990, "maximum": 2013}},
        {"name": "share", "type": "number", "constraints": {"minimum": 0, "maximum": 1}},
        {"name": "flag", "type": "boolean"},
        {"name": "code", "type": "string", "constraints": {"pattern": "[A-Z]{2}"}},
        {"name": "label", "type": "string", "constraints": {"maxLength": 10}},
        {"name": "note", "type": "string"},
    ],
    "primaryKey": "item_id",
    "foreignKeys": [
        {"fields": "kind", "reference": {"resource": "kinds", "fields": "kind_id"}},
    ],
    "missingValues": [""],
}

# Inline in the descriptor (the other two are separate schema files, as in data/).
PAIRS_SCHEMA = {
    "fields": [{"name": "left", "type": "string"}, {"name": "right", "type": "string"}],
    "primaryKey": ["left", "right"],
}

KINDS_CSV = "kind_id,position\nalpha,1\nbeta,2\n"
# Header on line 1; `first` on line 2, `second` on line 3, `third` on line 4.
ITEMS_CSV = (
    "item_id,kind,year,share,flag,code,label,note\n"
    "first,alpha,2009,0.5,true,AB,short,\n"
    'second,beta,2010,1,false,CD,tiny,"a, quoted note"\n'
    "third,,,,,,,\n"
)
PAIRS_CSV = "left,right\nx,y\nx,z\n"
ITEMS_FIELDS = [field["name"] for field in ITEMS_SCHEMA["fields"]]
SECOND_CELLS = ["second", "beta", "2010", "1", "false", "CD", "tiny", '"a, quoted note"']
SECOND = ",".join(SECOND_CELLS)


def descriptor() -> dict:
    return {
        "name": "synthetic",
        "resources": [
            {"name": "kinds", "path": "raw/kinds.csv", "schema": "schemas/kinds.schema.json"},
            {"name": "items", "path": "raw/items.csv", "schema": "schemas/items.schema.json"},
            {"name": "pairs", "path": "raw/pairs.csv", "schema": PAIRS_SCHEMA},
        ],
    }


@pytest.fixture
def package(tmp_path, monkeypatch) -> Path:
    """A valid synthetic package; the working directory is its folder."""
    (tmp_path / "raw").mkdir()
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / "kinds.schema.json").write_text(json.dumps(KINDS_SCHEMA, indent=2))
    (tmp_path / "schemas" / "items.schema.json").write_text(json.dumps(ITEMS_SCHEMA, indent=2))
    (tmp_path / "raw" / "kinds.csv").write_text(KINDS_CSV, encoding="utf-8")
    (tmp_path / "raw" / "items.csv").write_text(ITEMS_CSV, encoding="utf-8")
    (tmp_path / "raw" / "pairs.csv").write_text(PAIRS_CSV, encoding="utf-8")
    (tmp_path / "datapackage.json").write_text(json.dumps(descriptor(), indent=2))
    monkeypatch.chdir(tmp_path)
    return Path("datapackage.json")


def write(name: str, content: str | bytes) -> None:
    path = Path("raw") / f"{name}.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")


def problems(package: Path) -> list[str]:
    """Every problem of the package as the build prints it, one per line."""
    with pytest.raises(ValidationFailed) as raised:
        load_tables(package)
    assert str(raised.value) == "\n".join(str(problem) for problem in raised.value.problems)
    return [str(problem) for problem in raised.value.problems]


def single_problem(package: Path) -> str:
    found = problems(package)
    assert len(found) == 1, found
    return found[0]


# --------------------------------------------------------------------------------------------
# A valid package


def test_valid_package_reads_every_table_with_empty_cells_as_none(package):
    tables = load_tables(package)
    assert sorted(tables) == ["items", "kinds", "pairs"]
    items = tables["items"]
    assert items.field_names == [field["name"] for field in ITEMS_SCHEMA["fields"]]
    assert items.path == Path("raw/items.csv")
    assert items.rows[0]["note"] is None
    assert items.rows[1]["note"] == "a, quoted note"
    assert items.rows[2] == {name: None for name in items.field_names} | {"item_id": "third"}


def test_schema_files_are_read_into_the_descriptor(package):
    loaded = load_descriptor(package)
    assert loaded["resources"][1]["schema"] == ITEMS_SCHEMA
    assert loaded["resources"][2]["schema"] == PAIRS_SCHEMA


def test_paths_are_shown_relative_to_the_working_directory(package, tmp_path):
    assert display_path(tmp_path / "raw" / "items.csv") == "raw/items.csv"
    assert display_path(Path("raw/items.csv")) == "raw/items.csv"
    outside = tmp_path.parent / "elsewhere.csv"
    assert display_path(outside) == str(outside)


# --------------------------------------------------------------------------------------------
# Cell problems: type, constraint, required. Row `second` (line 3) gets the bad value.

CELL_CASES = [
    ("year", "20x3", "year: '20x3' is not an integer", "integer-20x3"),
    ("year", "2010.0", "year: '2010.0' is not an integer", "integer-with-decimals"),
    ("year", "2099", "year: 2099 is above the maximum 2013", "above-maximum"),
    ("year", "1989", "year: 1989 is below the minimum 1990", "below-minimum"),
    ("share", "half", "share: 'half' is not a number", "number-in-words"),
    ("share", "1.5", "share: 1.5 is above the maximum 1", "number-above-maximum"),
    ("share", "-0.1", "share: -0.1 is below the minimum 0", "number-below-minimum"),
    ("flag", "yes", "flag: 'yes' is not a boolean (true/false)", "boolean"),
    (
        "kind",
        "delta",
        "kind: 'delta' is not one of: alpha, beta, gamma",
        "enum-unknown-term",
    ),
    ("kind", "Alpha", "kind: 'Alpha' is not one of: alpha, beta, gamma", "enum-case-matters"),
    ("code", "ab", "code: 'ab' does not match the pattern [A-Z]{2}", "pattern"),
    ("code", "ABC", "code: 'ABC' does not match the pattern [A-Z]{2}", "pattern-is-anchored"),
    ("label", "much too long", "label: length 13 is outside maxLength 10", "max-length"),
    ("item_id", "", "item_id: is required but empty", "required-empty"),
]


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [pytest.param(field, value, message, id=name) for field, value, message, name in CELL_CASES],
)
def test_bad_cell_is_reported_with_file_line_and_field(package, field, value, message):
    cells = dict(zip(ITEMS_FIELDS, SECOND_CELLS, strict=True))
    cells[field] = value
    write("items", ITEMS_CSV.replace(SECOND, ",".join(cells.values())))
    assert single_problem(package) == f"raw/items.csv:3: {message}"


def test_every_bad_cell_is_reported_at_once_in_file_order(package):
    write("kinds", "kind_id,position\nalpha,0\nbeta,2\n")
    write("items", ITEMS_CSV.replace("first,alpha,2009", "first,alpha,20x3").replace(
        "third,,,", "third,,1850,"
    ))  # fmt: skip
    assert problems(package) == [
        "raw/kinds.csv:2: position: 0 is below the minimum 1",
        "raw/items.csv:2: year: '20x3' is not an integer",
        "raw/items.csv:4: year: 1850 is below the minimum 1990",
    ]


# --------------------------------------------------------------------------------------------
# Keys: unique, primary, composite, foreign


def test_duplicate_primary_key_names_the_first_occurrence(package):
    write("items", ITEMS_CSV.replace("third,", "first,"))
    assert single_problem(package) == (
        "raw/items.csv:4: item_id: duplicate key first (first on line 2)"
    )


def test_duplicate_value_of_a_unique_field(package):
    write("kinds", "kind_id,position\nalpha,1\nbeta,1\n")
    assert single_problem(package) == (
        "raw/kinds.csv:3: position: duplicate key 1 (first on line 2)"
    )


def test_duplicate_of_a_field_both_unique_and_primary_key_is_reported_once(package):
    """`kind_id` is `unique` and the primary key, as every id in data/schemas is: one duplicate
    is one problem (today it is printed twice, once per check)."""
    write("kinds", "kind_id,position\nalpha,1\nalpha,2\n")
    assert problems(package) == ["raw/kinds.csv:3: kind_id: duplicate key alpha (first on line 2)"]


def test_duplicate_composite_primary_key(package):
    write("pairs", "left,right\nx,y\nx,z\nx,y\n")
    assert single_problem(package) == (
        "raw/pairs.csv:4: left+right: duplicate key x/y (first on line 2)"
    )


def test_empty_primary_key_cell_is_a_problem_even_without_required(package):
    """Table Schema: every field of the primary key is implicitly required; frictionless alone
    reports a key only when all its cells are empty, so the adapter marks them required."""
    write("pairs", "left,right\nx,y\n,z\n")
    assert problems(package) == ["raw/pairs.csv:3: left: is required but empty"]


def test_reference_to_a_missing_row_is_a_foreign_key_problem(package):
    write("items", ITEMS_CSV.replace("second,beta", "second,gamma"))
    assert single_problem(package) == "raw/items.csv:3: kind: 'gamma' is not a kind_id in kinds"


def test_foreign_keys_are_checked_once_every_cell_is_valid(package):
    write("items", ITEMS_CSV.replace("second,beta,2010", "second,gamma,20x3"))
    assert problems(package) == ["raw/items.csv:3: year: '20x3' is not an integer"]


def test_foreign_key_to_an_unknown_resource(package):
    schema = json.loads(json.dumps(ITEMS_SCHEMA))
    schema["foreignKeys"][0]["reference"]["resource"] = "nowhere"
    Path("schemas/items.schema.json").write_text(json.dumps(schema))
    assert single_problem(package) == (
        "raw/items.csv: kind: foreign key refers to unknown resource 'nowhere'"
    )


def test_key_checks_on_a_table_built_in_memory():
    table = Table(
        "pairs",
        Path("raw/pairs.csv"),
        {**PAIRS_SCHEMA, "foreignKeys": [
            {"fields": "right", "reference": {"resource": "", "fields": "left"}},
        ]},
        [{"left": "x", "right": "y"}, {"left": "y", "right": "x"}, {"left": "x", "right": "q"}],
    )  # fmt: skip
    assert [str(problem) for problem in schema_check.problems({"pairs": table})] == [
        "raw/pairs.csv:4: right: 'q' is not a left in pairs"
    ]
    assert schema_check.problems({"pairs": table}, references=False) == []


# --------------------------------------------------------------------------------------------
# Structure of the CSV file


def test_header_that_differs_from_the_schema(package):
    write("kinds", "kind_id,rank\nalpha,1\nbeta,2\n")
    assert single_problem(package) == (
        "raw/kinds.csv:1: header: header is ['kind_id', 'rank'], expected ['kind_id', 'position']"
    )


def test_short_ragged_row_names_the_first_missing_field(package):
    write("items", ITEMS_CSV.replace(SECOND, ",".join(SECOND_CELLS[:-1])))
    message = single_problem(package)
    assert message.startswith("raw/items.csv:3: note: "), message
    assert "row has 7 cells, expected 8" in message


def test_long_ragged_row_names_its_line(package):
    """An extra cell belongs to no field: the line and the count are what the author needs."""
    write("items", ITEMS_CSV.replace("third,,,,,,,", "third,,,,,,,,"))
    message = single_problem(package)
    assert message.startswith("raw/items.csv:4: "), message
    assert "row has 9 cells, expected 8" in message


@pytest.mark.parametrize(
    ("row", "line"),
    [
        pytest.param('second,beta,2010,1,false,CD,tiny,"a "quoted" note"', 3, id="stray-quote"),
        pytest.param('second,beta,2010,1,false,CD,tiny,"an open note', 3, id="unclosed-quote"),
    ],
)
def test_bad_quoting_names_the_line_and_field_of_the_quote(package, row, line):
    write("items", ITEMS_CSV.replace(SECOND, row))
    message = single_problem(package)
    assert message.startswith(f"raw/items.csv:{line}: note: "), message
    assert "malformed CSV" in message


def test_non_utf8_bytes_name_the_line_and_field(package):
    write("items", ITEMS_CSV.replace("a, quoted note", "caf\xe9 note").encode("latin-1"))
    message = single_problem(package)
    assert message.startswith("raw/items.csv:3: note: "), message
    assert "not valid UTF-8 (byte 0xe9); save the file as UTF-8" in message


def test_byte_order_mark_names_the_header_line(package):
    write("items", b"\xef\xbb\xbf" + ITEMS_CSV.encode("utf-8"))
    message = single_problem(package)
    assert message.startswith("raw/items.csv:1: header: "), message
    assert "byte-order mark; save as UTF-8 without BOM" in message


@pytest.mark.parametrize("content", [b"", b"\n\n"], ids=["zero-bytes", "blank-lines"])
def test_empty_file_names_the_missing_header(package, content):
    write("items", content)
    message = single_problem(package)
    assert message.startswith("raw/items.csv:1: header: "), message
    assert "file is empty; expected a header row and data rows" in message


def test_header_without_rows(package):
    write("items", ITEMS_CSV.splitlines(keepends=True)[0])
    assert single_problem(package) == "raw/items.csv: has a header but no data rows"


def test_missing_table_file(package):
    Path("raw/pairs.csv").unlink()
    assert single_problem(package) == "raw/pairs.csv: file not found"


def test_structural_and_cell_problems_of_different_tables_come_together(package):
    write("kinds", "")
    write("items", ITEMS_CSV.replace("first,alpha,2009", "first,alpha,20x3"))
    found = problems(package)
    assert found[0].startswith("raw/kinds.csv")
    assert found[1:] == ["raw/items.csv:2: year: '20x3' is not an integer"]


def test_line_numbers_count_physical_lines_after_a_multiline_cell(package):
    """A quoted cell may hold a line break; the next row then starts one line further down.

    Today the line is computed as row index + 2, which is one short here (3 instead of 4).
    """
    write("items", ITEMS_CSV.replace(
        "first,alpha,2009,0.5,true,AB,short,", 'first,alpha,2009,0.5,true,AB,short,"two\nlines"'
    ).replace("second,beta,2010", "second,beta,20x3"))  # fmt: skip
    assert single_problem(package) == "raw/items.csv:4: year: '20x3' is not an integer"


def test_read_rows_gives_strings_and_none_in_schema_order(tmp_path):
    path = tmp_path / "items.csv"
    path.write_text(ITEMS_CSV, encoding="utf-8")
    rows = read_rows(path, ITEMS_SCHEMA)
    assert [list(row) for row in rows] == [ITEMS_FIELDS] * 3
    assert (rows[0]["year"], rows[0]["share"], rows[0]["note"]) == ("2009", "0.5", None)


# --------------------------------------------------------------------------------------------
# The descriptor


def test_broken_package_json_names_line_and_member(package):
    """The JSON equivalent of a field is the member whose value does not parse."""
    text = Path("datapackage.json").read_text()
    broken = text.replace('"path": "raw/items.csv"', '"path": raw/items.csv')
    Path("datapackage.json").write_text(broken)
    line = broken.splitlines().index('      "path": raw/items.csv,') + 1
    with pytest.raises(BuildError) as raised:
        load_descriptor(package)
    message = str(raised.value)
    assert message.startswith(f"datapackage.json:{line}: path: "), message
    assert "invalid JSON: Expecting value" in message


def test_broken_schema_json_names_the_schema_file_and_line(package):
    Path("schemas/kinds.schema.json").write_text('{\n  "fields": [\n    {"name": "kind_id",}\n')
    with pytest.raises(BuildError) as raised:
        load_tables(package)
    assert str(raised.value).startswith("schemas/kinds.schema.json:3: ")
    assert "invalid JSON" in str(raised.value)


def test_package_json_that_is_not_utf8(package):
    Path("datapackage.json").write_bytes(b'{"name": "caf\xe9"}')
    with pytest.raises(BuildError, match=r"^datapackage\.json: not UTF-8 \(byte 13\)$"):
        load_descriptor(package)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(
            lambda package: package.update(resources=[]),
            "datapackage.json: resources: expected a non-empty list of resources",
            id="no-resources",
        ),
        pytest.param(
            lambda package: package["resources"][1].pop("schema"),
            "datapackage.json: resources[1]: resource 2 has no 'schema'",
            id="resource-without-schema",
        ),
        pytest.param(
            lambda package: package["resources"][2].update(schema={"primaryKey": "left"}),
            "datapackage.json: pairs.schema: schema has no 'fields'",
            id="schema-without-fields",
        ),
        pytest.param(
            lambda package: package["resources"][0].update(schema="schemas/missing.json"),
            "schemas/missing.json: file not found",
            id="schema-file-missing",
        ),
    ],
)
def test_descriptor_problems(package, change, message):
    content = descriptor()
    change(content)
    Path("datapackage.json").write_text(json.dumps(content, indent=2))
    with pytest.raises(BuildError) as raised:
        load_descriptor(package)
    assert str(raised.value) == message


def test_a_schema_frictionless_rejects_names_the_table_and_the_reason(package):
    schema = json.loads(json.dumps(ITEMS_SCHEMA))
    schema["fields"][2]["type"] = "integr"
    Path("schemas/items.schema.json").write_text(json.dumps(schema))
    assert single_problem(package) == (
        'raw/items.csv: schema: schema is not valid Table Schema: field type "integr" is not '
        "supported"
    )


def test_missing_package_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BuildError, match=r"^datapackage\.json: file not found$"):
        load_tables(Path("datapackage.json"))
