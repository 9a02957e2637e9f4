"""Provenance at the grain a reviewer needs: the module that computes an artifact, the coding
sheets that feed it, and its number in the paper beside its label."""

from __future__ import annotations

from pathlib import Path

from tests.workflow import ROOT
from tooling import dependencies, provenance
from tooling.provenance import Step


def test_a_figure_step_is_traced_to_the_function_whose_result_it_saves():
    found = dependencies.computing_function(ROOT / "analysis/scripts/fig_timeline.py")
    assert found == "compendium.figures.timeline.timeline"
    assert dependencies.module_file(found) == "analysis/compendium/figures/timeline.py"


def test_a_table_step_is_traced_to_the_function_it_passes_to_the_writer():
    found = dependencies.computing_function(ROOT / "analysis/scripts/tbl_coverage.py")
    assert found == "compendium.tables.coverage"


def test_the_values_step_is_traced_to_the_function_whose_values_it_serialises():
    found = dependencies.computing_function(ROOT / "analysis/scripts/values.py")
    assert found == "compendium.values.collect_sourced"


def test_a_script_that_writes_no_package_result_names_no_function(tmp_path):
    script = tmp_path / "step.py"
    script.write_text(
        "from compendium import derive\nfrom pathlib import Path\n"
        "frame = derive.read_cleaned('x.csv')\nPath('y').write_text(str(len(frame)))\n",
        encoding="utf-8",
    )
    assert dependencies.computing_function(script) is None
    script.write_text(
        "from compendium.figures import style, x as drawing\nfigure = drawing.x(1)\n"
        "style.save(figure, 'a.svg')\n",
        encoding="utf-8",
    )
    assert dependencies.computing_function(script) == "compendium.figures.x.x"
    assert dependencies.computing_function(Path("analysis/notebooks/clean_dates.py")) is None


STEPS = [
    Step("clean", "analysis/notebooks/clean.py",
         ("data/raw/a.csv", "data/raw/b.csv", "data/schemas/a.schema.json"),
         ("results/data/a.csv", "results/data/b.csv")),
    Step("fig_x", "analysis/scripts/fig_x.py",
         ("results/data/b.csv", "analysis/compendium/figures/x.py"), ("results/figures/fig-x.svg",),
         function="compendium.figures.x.x"),
]  # fmt: skip


def test_a_cleaned_table_comes_from_its_own_sheet_and_an_artifact_from_those_it_reads():
    assert provenance.coded_sheets("results/data/a.csv", STEPS) == ["data/raw/a.csv"]
    assert provenance.coded_sheets("results/figures/fig-x.svg", STEPS) == ["data/raw/b.csv"]
    assert provenance.coded_sheets("manuscript/captions.yml", STEPS) == []


def test_figures_and_tables_are_numbered_in_the_order_the_manuscript_places_them():
    manuscript = (
        "{{< include ../results/tables/tbl-b.md >}}\n![B](b.svg){#fig-b}\n"
        "![A](a.svg){#fig-a}\n{{< include ../results/tables/tbl-a.md >}}\n"
    )
    numbers = provenance.artifact_numbers(manuscript, ["fig-a", "fig-b", "tbl-a", "tbl-b", "x"])
    assert numbers == {"fig-b": "Figure 1", "fig-a": "Figure 2", "tbl-b": "Table 1",
                       "tbl-a": "Table 2"}  # fmt: skip


def test_the_map_and_the_appendix_give_number_label_module_and_sheets(tmp_path):
    (tmp_path / "results/figures").mkdir(parents=True)
    (tmp_path / "results/figures/fig-x.svg").write_text("<svg/>", encoding="utf-8")
    records = provenance.records(["results/figures/fig-x.svg"], STEPS, tmp_path)
    row = provenance.readme_map(records, {"fig-x": "Figure 4"}).splitlines()[2]
    assert row.startswith("| Figure 4 (`fig-x`) | `analysis/compendium/figures/x.py` (`x.x`)")
    assert "| `data/raw/b.csv` |" in row
    appendix = provenance.appendix(records, {"python": "3", "pandoc": "3", "typst": "0",
                                             "packages": {}})  # fmt: skip
    assert "| @fig-x (fig\\-x), results/figures/fig\\-x.svg | analysis/compendium" in appendix


def test_a_step_depends_on_what_its_program_imports_now_not_what_it_imported(tmp_path):
    """The imports of each file are kept between Snakemake runs (tooling.dependencies): an
    edited program, and an import inside a function or a block, still reach its `code=`."""
    program = tmp_path / "step.py"
    program.write_text("from compendium import bibliography\n", encoding="utf-8")
    assert "analysis/compendium/bibliography.py" in dependencies.imported_files(program)
    assert "analysis/compendium/values.py" not in dependencies.imported_files(program)
    program.write_text(
        "def later():\n    if True:\n        from compendium import values\n", encoding="utf-8"
    )
    found = dependencies.imported_files(program)
    assert "analysis/compendium/values.py" in found
    assert "analysis/compendium/bibliography.py" not in found
