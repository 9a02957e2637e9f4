"""The catalogue of bad inputs beyond the data tables (those are in tests/unit/test_bad_data.py):
the bibliography, the manuscript, captions, settings, notebooks, missing files and missing tools.

Each case corrupts a copy of the built tree and runs the code of the step that must refuse it,
in this process, checking the one line the author is shown. Then one build per layer shows
what the author sees: a non-zero exit, one `error: file[:line]: ...` line per problem, no
Python traceback, and no half-written file under results/. The layers: the steps (a program
outside the lock and the leak check, in the session's `troubled` rebuild, which keeps going;
a cleaning notebook, a table, the number and claim checks and the render report through the
same path, the step's log, so their cases run in this process), and what the workflow checks
while it is read (missing sources, through `make`; the settings are checked by the same code
path, so their cases run in this process only). docs/bad-input.md lists every case with its
message.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from compendium import pipe_tables
from compendium.bibliography import load_bibliography
from compendium.errors import BuildError
from tests.build.launcher import ONE_LINE_ERROR, error_lines, launch, leftovers
from tests.build.troubled import STAND_IN_OUTPUT, leak_errors
from tests.workflow import BIN, ROOT, bare_path, copy_sources, copy_tree, make
from tooling import number_check, render, settings
from tooling.notebooks import execute
from tooling.steps import missing_sources


@dataclass
class Expected:
    """What the one-line error must say: the file, the line if one applies, and some words."""

    file: str
    line: int | None
    words: tuple[str, ...]


# -------------------------------------------------------------------------------------------------
# Corruptions: each edits a copy and says what the message must contain.


def append(tree: Path, name: str, text: str) -> int:
    """Append `text` to a file; the line its first line lands on."""
    path = tree / name
    old = path.read_text(encoding="utf-8")
    if not old.endswith("\n"):
        old += "\n"
    path.write_text(old + text, encoding="utf-8")
    return old.count("\n") + 1 + (len(text) - len(text.lstrip("\n")))


def substitute(tree: Path, name: str, pattern: str, replacement: str) -> int:
    """Replace the first match of a regular expression (multiline); the line it was on."""
    path = tree / name
    text = path.read_text(encoding="utf-8")
    match = re.search(pattern, text, re.M)
    assert match, f"{pattern!r} not in {name}"
    path.write_text(text[: match.start()] + replacement + text[match.end() :], encoding="utf-8")
    return text.count("\n", 0, match.start()) + 1


MANUSCRIPT = "manuscript/article.qmd"


def unknown_citation(tree):
    line = append(tree, MANUSCRIPT, "\nAs argued elsewhere [@nosuchwork2099].\n")
    return Expected(MANUSCRIPT, line, ("nosuchwork2099",))


def unknown_value(tree):
    line = append(tree, MANUSCRIPT, "\nThe count was {{< var fieldwork.nosuchfact.quantity >}}.\n")
    return Expected(MANUSCRIPT, line, ("fieldwork.nosuchfact.quantity",))


def unknown_cross_reference(tree):
    line = append(tree, MANUSCRIPT, "\nAs @tbl-nosuchtable shows.\n")
    return Expected(MANUSCRIPT, line, ("@tbl-nosuchtable",))


def unknown_include(tree):
    line = append(tree, MANUSCRIPT, "\n{{< include ../results/tables/tbl-nosuchfile.md >}}\n")
    return Expected(MANUSCRIPT, line, ("tbl-nosuchfile.md", "not found"))


def missing_figure(tree):
    line = append(tree, MANUSCRIPT, "\n![A picture.](../results/figures/fig-nosuchfigure.svg)\n")
    return Expected(MANUSCRIPT, line, ("fig-nosuchfigure.svg",))


def unclosed_shortcode(tree):
    line = append(tree, MANUSCRIPT, "\nThe count was {{< var fieldwork.nosuchfact.\n")
    return Expected(MANUSCRIPT, line, ("malformed shortcode",))


def typed_number(tree):
    line = append(tree, MANUSCRIPT, "\nThe clinic treated 4321 patients.\n")
    return Expected(MANUSCRIPT, line, ('number "4321" typed by hand', "{{< var"))


def duplicate_label(tree):
    line = append(tree, MANUSCRIPT, "\n![Again.](../results/figures/fig-flows.svg){#fig-flows}\n")
    return Expected(MANUSCRIPT, line, ("duplicate label", "fig-flows"))


def broken_front_matter(tree):
    substitute(tree, MANUSCRIPT, r"\A---\n", "---\nbroken: [unclosed\n")
    return Expected(MANUSCRIPT, 2, ("YAML",))


def malformed_bib_entry(tree):
    append(tree, "references.bib", "\n@misc{broken2099,\n  title = {Unclosed,\n")
    return Expected("references.bib", None, ("cannot parse",))


def duplicate_bib_entry(tree):
    text = (tree / "references.bib").read_text(encoding="utf-8")
    entry = re.search(r"^@\w+\{(\w+),.*?^\}\n", text, re.M | re.S)
    line = append(tree, "references.bib", "\n" + entry[0])
    return Expected("references.bib", line, ("duplicate key", entry[1]))


def missing_caption(tree):
    substitute(tree, "manuscript/captions.yml", r"^tbl-indicators:", "tbl-indicatorz:")
    return Expected("manuscript/captions.yml", None, ("no caption", "tbl-indicators"))


def captions_not_yaml(tree):
    append(tree, "manuscript/captions.yml", "tbl-extra: [unclosed\n")
    return Expected("manuscript/captions.yml", None, ("not valid YAML",))


CONFIG = "config/config.yaml"


def unknown_renderer(tree):
    line = substitute(tree, CONFIG, r"^renderer: .*$", "renderer: nonsense")
    return Expected(CONFIG, line, ("renderer", "'nonsense'", "pandoc, quarto"))


def unknown_setting(tree):
    line = append(tree, CONFIG, "colour: blue\n")
    return Expected(CONFIG, line, ("colour", "unknown setting", "renderer"))


def malformed_edition_date(tree):
    line = substitute(tree, CONFIG, r"^edition_date: .*$", 'edition_date: "25/11/2026"')
    return Expected(CONFIG, line, ("edition_date", "25/11/2026"))


def config_not_yaml(tree):
    append(tree, CONFIG, "renderer: [pandoc\n")
    return Expected(CONFIG, None, ("not valid YAML",))


def failing_notebook_cell(tree):
    append(tree, "analysis/notebooks/clean_quantities.py", "\n# %%\nundefined_name_in_a_cell\n")
    return Expected("analysis/notebooks/clean_quantities.py", None, ("NameError",))


def quarto_renderer_without_quarto(tree):
    line = substitute(tree, CONFIG, r"^renderer: .*$", "renderer: quarto")
    return Expected(CONFIG, line, ("renderer", "quarto", "not on PATH"))


def pandoc_missing(tree):
    # A pypandoc without its binary, as a broken install would leave it: a package of that name
    # in the tree's analysis/ comes first on the steps' import path.
    fake = tree / "analysis" / "pypandoc" / "__init__.py"
    fake.parent.mkdir()
    fake.write_text('"""Synthetic stand-in for a pypandoc wheel that lost its pandoc."""\n')
    return Expected("requirements.lock", None, ("pypandoc-binary", "pandoc", "missing"))


#: PATH without Quarto, wherever it is installed: this environment's tools and a bare machine's.
PATH_WITHOUT_QUARTO = os.pathsep.join([str(BIN), bare_path()])

# -------------------------------------------------------------------------------------------------
# Each case run by the code of the step that refuses it, in this process, on a copy of the built
# tree: the message must be the one docs/bad-input.md shows.


def render_html() -> None:
    """The render step's HTML as the workflow makes it: the settings and the renderer checked
    when the workflow is read (the Snakefile's `settings.load`), then analysis/scripts/render.py."""
    config = settings.load(CONFIG, "config/config.schema.yaml", {})
    inputs = render.Inputs(
        manuscript=Path(MANUSCRIPT),
        values=Path("results/values.json"),
        provenance=Path("results/provenance/captions.json"),
        reference_filter=Path("manuscript/filters/reference-status.lua"),
    )
    if config["renderer"] == "quarto":
        render.render_with_quarto(inputs, Path("results/paper.html"), "html", root=Path.cwd())
    else:
        render.render(inputs, {"html": Path("results/paper.html")}, root=Path.cwd())


def check_numbers() -> None:
    number_check.require_values(Path(MANUSCRIPT), Path.cwd())


def check_bibliography() -> None:
    load_bibliography("references.bib")


def read_caption() -> None:
    pipe_tables.read_caption("manuscript/captions.yml", "tbl-indicators")


def load_settings() -> None:
    settings.load(CONFIG, "config/config.schema.yaml", {})


def clean_quantities() -> None:
    """The cleaning notebook in a real kernel, as analysis/scripts/run_notebook.py runs it (its
    default inputs, scratch outputs)."""
    scratch = Path("scratch")
    execute(
        Path("analysis/notebooks/clean_quantities.py"),
        scratch / "clean_quantities.ipynb",
        {"outputs": {name: str(scratch / f"{name}.csv") for name in ("indicators", "fieldwork")}},
        root=Path.cwd(),
    )


CASES = {
    "unknown-citation": (unknown_citation, render_html),
    "unknown-value": (unknown_value, render_html),
    "unknown-cross-reference": (unknown_cross_reference, render_html),
    "unknown-include": (unknown_include, render_html),
    "missing-figure-file": (missing_figure, render_html),
    "unclosed-shortcode": (unclosed_shortcode, render_html),
    "duplicate-label": (duplicate_label, render_html),
    "typed-number": (typed_number, check_numbers),
    "broken-front-matter": (broken_front_matter, render_html),
    "missing-tool-quarto": (quarto_renderer_without_quarto, render_html),
    "missing-tool-pandoc": (pandoc_missing, render_html),
    "malformed-bib-entry": (malformed_bib_entry, check_bibliography),
    "duplicate-bib-entry": (duplicate_bib_entry, check_bibliography),
    "missing-caption": (missing_caption, read_caption),
    "captions-not-yaml": (captions_not_yaml, read_caption),
    "unknown-renderer": (unknown_renderer, load_settings),
    "unknown-setting": (unknown_setting, load_settings),
    "malformed-edition-date": (malformed_edition_date, load_settings),
    "config-not-yaml": (config_not_yaml, load_settings),
    "failing-notebook-cell": (failing_notebook_cell, clean_quantities),
}


def says(errors: list[str], expected: Expected) -> bool:
    location = expected.file + (f":{expected.line}:" if expected.line else ":")
    return any(
        error.startswith(f"error: {location}") and all(word in error for word in expected.words)
        for error in errors
    )


@pytest.mark.parametrize("name", list(CASES))
def test_a_bad_source_is_refused_with_one_clear_line(built, tmp_path, monkeypatch, name):
    corrupt, step = CASES[name]
    tree = copy_tree(built, tmp_path / "tree")
    monkeypatch.chdir(tree)
    if name == "missing-tool-quarto":
        monkeypatch.setenv("PATH", PATH_WITHOUT_QUARTO)
    if name == "missing-tool-pandoc":  # the tree's stand-in comes first on the import path
        monkeypatch.syspath_prepend(str(tree / "analysis"))
        monkeypatch.delitem(sys.modules, "pypandoc", raising=False)
    expected = corrupt(tree)

    with pytest.raises(BuildError) as raised:
        step()

    errors = [f"error: {line}" for line in str(raised.value).splitlines()]
    assert all(ONE_LINE_ERROR.match(error) for error in errors), errors
    assert says(errors, expected), f"expected {expected}; got {errors}"


# -------------------------------------------------------------------------------------------------
# End to end, one build per layer, through the launcher as `make` runs it: the author sees the
# step's one line, no traceback, and no half-written or stale output is left.


def launched(tree: Path, *arguments: str, by_make: bool = False) -> tuple[list[str], str]:
    completed = make(tree) if by_make else launch(tree, *arguments)
    seen = completed.stdout + completed.stderr
    assert completed.returncode != 0, seen[-3000:]
    assert "Traceback" not in seen, seen[-3000:]
    errors = error_lines(completed.stderr)
    assert errors, seen[-3000:]
    assert all(ONE_LINE_ERROR.match(error) for error in errors), errors
    if (tree / "results").exists():
        assert leftovers(tree / "results") == []
    return errors, seen


def test_failed_steps_each_stop_with_their_line_and_the_rest_of_the_build_goes_on(troubled):
    """The session's `troubled` rebuild (tests/build/troubled.py) keeps going past two failed
    steps, a step that needs a program outside the lock and the leak check: each says its one
    line, nothing else fails (the markup values reach every format), and the build names the
    failed steps in its closing line, with no traceback and no half-written file."""
    seen = troubled.output
    assert troubled.returncode != 0, seen[-3000:]
    assert "Traceback" not in seen, seen[-3000:]
    assert troubled.errors and all(ONE_LINE_ERROR.match(e) for e in troubled.errors), seen[-3000:]
    leaks, others = leak_errors(troubled.errors)
    assert leaks and all("rsvg-convert" in error for error in others), troubled.errors
    assert re.search(r"make: the build stopped in .*stand_in_rsvg_convert", seen), seen[-3000:]
    assert re.search(r"make: the build stopped in .*check_leaks", seen), seen[-3000:]
    assert leftovers(troubled.tree / "results") == []


def test_a_step_that_needs_a_program_outside_the_lock_fails_and_names_it(troubled):
    """Every build of this suite runs with the PATH of a bare machine (tests/workflow.py, as
    CI's first stage runs `make`: tooling/bare_path.py), so a step that calls a program the lock
    does not provide fails here whatever this machine has installed, naming the program."""
    seen = troubled.output
    assert re.search(r"rsvg-convert: (command )?not found", seen), seen[-3000:]
    assert "stand_in_rsvg_convert" in seen
    assert not (troubled.tree / STAND_IN_OUTPUT).exists()


#: Sources deleted at once, and the first step (in the workflow's order) that reads each.
MISSING = {
    "missing-raw-table": ("data/raw/cases.csv", "validate_data"),
    "missing-schema": ("data/schemas/flows.schema.json", "validate_data"),
    "missing-manuscript": (MANUSCRIPT, "check_bibliography"),
    "missing-lua-filter": ("manuscript/filters/crossref.lua", "render"),
    "missing-stylesheet": ("manuscript/style.css", "render"),
}


def missing_lines() -> list[str]:
    return sorted(
        f"error: {name}: file not found; expected by {step} (restore or create it)"
        for name, step in MISSING.values()
    )


def test_every_missing_source_is_named_before_any_step_and_no_stamp_is_left(tmp_path):
    """Through `make` itself, in a fresh copy of the sources: the workflow names every missing
    file with the first step that reads it before anything runs, and a failed build is not
    stamped as finished, so the next `make` builds again."""
    tree = copy_sources(tmp_path / "tree")
    for name, _ in MISSING.values():
        (tree / name).unlink()
    errors, _ = launched(tree, by_make=True)
    assert sorted(errors) == missing_lines()
    assert not (tree / "results").exists()
    assert not (tree / ".snakemake" / "make" / "built").exists()
    assert make(tree, "--question").returncode == 1


def test_missing_sources_are_named_once_each_with_the_first_step_that_reads_them(
    tmp_path, monkeypatch
):
    """The code behind the line above (tooling.steps.missing_sources), on the steps' inputs in
    the workflow's order: a file read by two steps is named with the first; results/ and the
    files that exist are left out."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "present.txt").write_text("here\n", encoding="utf-8")
    inputs: dict[str, list[str]] = {}
    for name, step in MISSING.values():
        inputs.setdefault(step, ["present.txt", "results/values.json"]).append(name)
    inputs["render"].append(MANUSCRIPT)  # read by check_bibliography first
    problem = missing_sources(inputs)
    assert sorted(f"error: {line}" for line in str(problem).splitlines()) == missing_lines()
    assert missing_sources({"render": ["present.txt", "results/paper.html"]}) is None


def _bytes(path: Path) -> bytes | None:
    return path.read_bytes() if path.exists() else None


# -------------------------------------------------------------------------------------------------
# The catalogue in the docs


def documented_cases() -> set[str]:
    text = (ROOT / "docs" / "bad-input.md").read_text(encoding="utf-8")
    return {match[1].strip() for match in re.finditer(r"^\| ([^|]+) \| [^|]+ \| `", text, re.M)}


def test_the_docs_list_every_case_of_the_catalogue_with_its_message():
    from tests.unit.test_bad_data import CATALOGUE

    cases = set(CASES) | set(MISSING) | {case.name for case in CATALOGUE}
    assert len(cases) >= 30
    missing = sorted(cases - documented_cases())
    assert missing == [], f"add these to docs/bad-input.md: {missing}"
