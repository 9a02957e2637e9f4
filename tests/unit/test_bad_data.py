"""A catalogue of broken coded data: each must be refused with one clear line.

Every case corrupts ONE thing in a temporary copy of `data/` and `references.bib` (the
corrupted values are synthetic: ids, keys and dates that the coding does not hold) and runs the
code of the step that must refuse it in this process: the validation of the data package, or
the cleaning notebook's own cells. The error must hold `<file>:<line>: <field>: ` and say what
was expected (a fragment per case below). That the real build shows such a line and leaves
nothing behind is checked once per layer, end to end, in tests/build/test_bad_sources.py.

Where a problem has no table field of its own, the expected field is the nearest one an author
can act on: `header` for a file without a header row or with a byte-order mark, the first
missing field of a short row, the field whose cell holds a stray quote or a non-UTF-8 byte, and
for a broken `datapackage.json` the member whose value does not parse.

The expected row is found from the data at corruption time, so the catalogue survives edits to
the coding sheets.
"""

from __future__ import annotations

import csv
import io
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from compendium.datapackage import load_tables
from compendium.errors import BuildError
from tests.workflow import ROOT

#: The step that must refuse each case: the validation, or one of the cleaning notebooks.
VALIDATED = "validate_data"
CLEAN_DATES = "analysis/notebooks/clean_dates.py"
CLEAN_QUANTITIES = "analysis/notebooks/clean_quantities.py"
CLEAN_CODING = "analysis/notebooks/clean_coding.py"


@dataclass(frozen=True)
class Expected:
    """Where the error must point and what it must say was expected."""

    file: str
    line: int
    field: str
    says: str


# --------------------------------------------------------------------------------------------
# Editing a coding sheet


def raw(name: str) -> str:
    return f"data/raw/{name}.csv"


def read_sheet(tree: Path, name: str) -> tuple[list[str], list[list[str]]]:
    with (tree / raw(name)).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    assert not any("\n" in cell for row in rows for cell in row), "a cell spans lines"
    return rows[0], rows[1:]


def write_sheet(tree: Path, name: str, header: list[str], rows: list[list[str]]) -> None:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows([header, *rows])
    (tree / raw(name)).write_text(buffer.getvalue(), encoding="utf-8", newline="")


def set_cells(
    tree: Path, name: str, cells: dict[str, str], where: Callable[[dict], bool] = lambda row: True
) -> int:
    """Set `cells` in the first row that satisfies `where`; its line in the file."""
    header, rows = read_sheet(tree, name)
    index = next(i for i, row in enumerate(rows) if where(dict(zip(header, row, strict=True))))
    for field, value in cells.items():
        rows[index][header.index(field)] = value
    write_sheet(tree, name, header, rows)
    return index + 2


def first_with(field: str, value: str) -> Callable[[dict], bool]:
    return lambda row: row[field] == value


# --------------------------------------------------------------------------------------------
# The corruptions. Each edits the tree and returns where the error must point.


def integer_gets_letters(tree: Path) -> Expected:
    line = set_cells(tree, "cases", {"first_year": "20x3"})
    return Expected(raw("cases"), line, "first_year", "'20x3' is not an integer")


def year_above_maximum(tree: Path) -> Expected:
    line = set_cells(tree, "cases", {"first_year": "2099"})
    return Expected(raw("cases"), line, "first_year", "above the maximum 2013")


def month_13(tree: Path) -> Expected:
    line = set_cells(tree, "events", {"date_coded": "2009-13", "precision": "month"})
    return Expected(raw("events"), line, "date_coded", "does not match the pattern")


def day_30_february(tree: Path) -> Expected:
    line = set_cells(tree, "events", {"date_coded": "2010-02-30", "precision": "day"})
    return Expected(raw("events"), line, "date_coded", "'2010-02-30' is not a day of the calendar")


def interval_ends_before_it_starts(tree: Path) -> Expected:
    line = set_cells(tree, "events", {"date_coded": "2010/2009", "precision": "years"})
    return Expected(raw("events"), line, "date_coded", "ends before it starts")


def year_without_its_evidence(tree: Path) -> Expected:
    # A guessed year: the phrase quoted from the article does not name it.
    line = set_cells(tree, "events", {"date_evidence": "later"}, first_with("precision", "year"))
    return Expected(raw("events"), line, "date_evidence", "no phrase supports the year")


def precision_disagrees(tree: Path) -> Expected:
    line = set_cells(tree, "events", {"precision": "day"}, first_with("precision", "year"))
    return Expected(raw("events"), line, "precision", "does not fit the coded date")


def unknown_modality(tree: Path) -> Expected:
    line = set_cells(tree, "cases", {"modality": "state-driven"})
    return Expected(raw("cases"), line, "modality", "'state-driven' is not one of: ")


def duplicate_primary_key(tree: Path) -> Expected:
    header, rows = read_sheet(tree, "events")
    rows[1][header.index("event_id")] = rows[0][header.index("event_id")]
    write_sheet(tree, "events", header, rows)
    return Expected(raw("events"), 3, "event_id", "(first on line 2)")


def flow_to_unknown_community(tree: Path) -> Expected:
    line = set_cells(tree, "flows", {"to_community": "no-such-community"})
    return Expected(raw("flows"), line, "to_community", "is not a community_id in communities")


def empty_locator(tree: Path) -> Expected:
    line = set_cells(tree, "indicators", {"locator": ""})
    return Expected(raw("indicators"), line, "locator", "is required but empty")


def unknown_citation_key(tree: Path) -> Expected:
    line = set_cells(tree, "flows", {"source": "nosuchwork2099"})
    return Expected(raw("flows"), line, "source", "'nosuchwork2099' is not in references.bib")


def unknown_provision_in_coverage(tree: Path) -> Expected:
    line = set_cells(tree, "coverage", {"provision_ids": "no-such-provision"})
    return Expected(raw("coverage"), line, "provision_ids", "is not a known id")


def last_year_before_first(tree: Path) -> Expected:
    line = set_cells(tree, "cases", {"first_year": "2009", "last_year": "2003"})
    return Expected(raw("cases"), line, "last_year", "2003 is before first_year 2009")


def flow_to_itself(tree: Path) -> Expected:
    header, rows = read_sheet(tree, "flows")
    source = rows[0][header.index("from_community")]
    line = set_cells(tree, "flows", {"to_community": source})
    return Expected(raw("flows"), line, "to_community", "a flow must go to a different community")


def unreadable_quantity(tree: Path) -> Expected:
    line = set_cells(tree, "indicators", {"value_as_written": "lots"})
    return Expected(raw("indicators"), line, "value_as_written", "not a number the coding rules")


def renamed_header(tree: Path) -> Expected:
    header, rows = read_sheet(tree, "modalities")
    write_sheet(tree, "modalities", ["rank" if name == "position" else name for name in header],
                rows)  # fmt: skip
    return Expected(raw("modalities"), 1, "header", "expected [")


def latin1_file(tree: Path) -> Expected:
    """The whole sheet saved as Latin-1, as a spreadsheet may do (unencodable signs as '?')."""
    path = tree / raw("informants")
    text = path.read_text(encoding="utf-8")
    position = next(i for i, sign in enumerate(text) if 0x80 <= ord(sign) <= 0xFF)
    line = text.count("\n", 0, position) + 1
    header = next(csv.reader([text.splitlines()[0]]))
    cells = next(csv.reader([text.splitlines()[line - 1]]))
    field = header[next(i for i, cell in enumerate(cells) if any(ord(c) > 0x7F for c in cell))]
    path.write_bytes(text.encode("latin-1", errors="replace"))
    return Expected(raw("informants"), line, field, "UTF-8")


def byte_order_mark(tree: Path) -> Expected:
    path = tree / raw("cases")
    path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    return Expected(raw("cases"), 1, "header", "byte-order mark")


def empty_file(tree: Path) -> Expected:
    (tree / raw("modalities")).write_bytes(b"")
    return Expected(raw("modalities"), 1, "header", "expected a header row")


def ragged_row(tree: Path) -> Expected:
    header, rows = read_sheet(tree, "communities")
    rows[1] = rows[1][:-1]
    write_sheet(tree, "communities", header, rows)
    return Expected(raw("communities"), 3, header[-1], f"expected {len(header)}")


def stray_quote(tree: Path) -> Expected:
    """A quote inside a quoted cell that is not doubled: `"a, "b" c"`."""
    line = set_cells(tree, "events", {"summary": 'a summary, "broken" by a quote'})
    path = tree / raw("events")
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace('""broken""', '"broken"'), encoding="utf-8", newline="")
    return Expected(raw("events"), line, "summary", "expected")


def broken_package_json(tree: Path) -> Expected:
    """A value left unquoted: `"path": raw/events.csv`."""
    path = tree / "data" / "datapackage.json"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    index = next(i for i, text in enumerate(lines) if '"path": "raw/events.csv"' in text)
    lines[index] = lines[index].replace('"raw/events.csv"', "raw/events.csv")
    path.write_text("".join(lines), encoding="utf-8")
    return Expected("data/datapackage.json", index + 1, "path", "Expecting value")


@dataclass(frozen=True)
class Corruption:
    name: str
    target: str
    corrupt: Callable[[Path], Expected]


CATALOGUE = [
    # Caught by the validation of the data package (results/checks/data-validation.txt).
    Corruption("integer field holds 20x3", VALIDATED, integer_gets_letters),
    Corruption("year above its maximum", VALIDATED, year_above_maximum),
    Corruption("coded date with month 13", VALIDATED, month_13),
    Corruption("modality outside the vocabulary", VALIDATED, unknown_modality),
    Corruption("duplicate primary key", VALIDATED, duplicate_primary_key),
    Corruption("flow to an unknown community", VALIDATED, flow_to_unknown_community),
    Corruption("empty required locator", VALIDATED, empty_locator),
    Corruption("header renamed", VALIDATED, renamed_header),
    Corruption("sheet saved as latin-1", VALIDATED, latin1_file),
    Corruption("sheet with a byte-order mark", VALIDATED, byte_order_mark),
    Corruption("empty sheet", VALIDATED, empty_file),
    Corruption("ragged row", VALIDATED, ragged_row),
    Corruption("stray quote in a quoted cell", VALIDATED, stray_quote),
    Corruption("broken datapackage.json", VALIDATED, broken_package_json),
    # Caught when the cleaning notebooks run.
    Corruption("impossible day 2010-02-30", CLEAN_DATES, day_30_february),
    Corruption("interval ending before it starts", CLEAN_DATES, interval_ends_before_it_starts),
    Corruption("precision disagreeing with the coded date", CLEAN_DATES, precision_disagrees),
    Corruption("year not named by its evidence phrase", CLEAN_DATES, year_without_its_evidence),
    Corruption("unknown citation key in a source cell", CLEAN_CODING, unknown_citation_key),
    Corruption("unknown provision id in coverage", CLEAN_CODING, unknown_provision_in_coverage),
    Corruption("last year before first year", CLEAN_CODING, last_year_before_first),
    Corruption("flow from a community to itself", CLEAN_CODING, flow_to_itself),
    Corruption("quantity the coding rules cannot read", CLEAN_QUANTITIES, unreadable_quantity),
]


def data_copy(destination: Path) -> Path:
    """What the data steps read: data/ and references.bib."""
    shutil.copytree(ROOT / "data", destination / "data")
    shutil.copy2(ROOT / "references.bib", destination / "references.bib")
    return destination


class Outputs(dict):
    """The notebook's `outputs`: any name is a file under the scratch folder."""

    def __init__(self, folder: Path) -> None:
        super().__init__()
        self.folder = folder

    def __missing__(self, name: str) -> str:
        return str(self.folder / f"{name}.csv")


def run_notebook_cells(notebook: Path, outputs: Outputs) -> None:
    """The notebook's code cells in this process, with its default inputs (the cleaning
    notebooks read `data/datapackage.json` and `references.bib`) and scratch outputs."""
    import jupytext

    namespace: dict = {}
    for cell in jupytext.read(notebook).cells:
        if cell.cell_type == "code":
            exec(compile(cell.source, str(notebook), "exec"), namespace)
            if "parameters" in cell.metadata.get("tags", []):
                namespace["outputs"] = outputs


def refusal(step: str, tree: Path) -> BuildError:
    """The error the step raises on the corrupted `tree` (its working directory)."""
    with pytest.raises(BuildError) as raised:
        if step == VALIDATED:
            load_tables(Path("data/datapackage.json"))
        else:
            run_notebook_cells(ROOT / step, Outputs(tree / "scratch"))
    return raised.value


@pytest.mark.parametrize(
    "corruption",
    [pytest.param(case, id=case.name.replace(" ", "-")) for case in CATALOGUE],
)
def test_broken_data_is_refused_with_one_clear_line(corruption, tmp_path, monkeypatch):
    tree = data_copy(tmp_path / "tree")
    monkeypatch.chdir(tree)
    expected = corruption.corrupt(tree)

    errors = str(refusal(corruption.target, tree)).splitlines()

    where = f"{expected.file}:{expected.line}: {expected.field}: "
    pointing = [line for line in errors if line.startswith(where)]
    assert pointing, f"no error line starts {where!r}:\n" + "\n".join(errors)
    assert any(expected.says in line for line in pointing), (
        f"no error line at {where!r} says {expected.says!r}:\n" + "\n".join(pointing)
    )
    assert not list((tree / "scratch").glob("*")), "a refused step wrote an output"


def test_catalogue_covers_each_step_and_names_are_unique():
    names = [case.name for case in CATALOGUE]
    assert len(names) == len(set(names)) >= 12
    assert {case.target for case in CATALOGUE} == {
        VALIDATED, CLEAN_DATES, CLEAN_CODING, CLEAN_QUANTITIES,
    }  # fmt: skip
