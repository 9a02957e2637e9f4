"""Shared fixtures: the package on the path, and one real build per test session that the
build and browser tests assert on (corruptions run in copies of it)."""

from __future__ import annotations

import fcntl
import os
import pickle
import shutil
import sys
import tempfile
from pathlib import Path
from types import SimpleNamespace

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "analysis"))
sys.path.insert(0, str(ROOT))


#: Folders whose tests run the real build (or a browser on its output): `make test-fast` skips them.
BUILD_FOLDERS = ("build", "browser")


def pytest_collection_modifyitems(items):
    """Mark every test under tests/build and tests/browser `build`, so `-m "not build"` is the
    fast subset without a marker to forget in each new file."""
    for item in items:
        folder = Path(item.path).relative_to(ROOT / "tests").parts[0]
        if folder in BUILD_FOLDERS:
            item.add_marker(pytest.mark.build)
        elif folder == "conformance":
            item.add_marker(pytest.mark.conformance)


def pytest_addoption(parser):
    parser.addoption(
        "--built-tree",
        metavar="DIR",
        help="take the session's build from DIR, a fresh clone in which `make` has just built "
        "the paper (CI's bare-machine stage), instead of building a copy from scratch",
    )


#: The budget of Snakemake processes the tests start, besides the session's own build (none
#: when CI hands the suite its build): each costs seconds of start-up and workflow parsing, and
#: they are what made the suite slow.
SNAKEMAKE_BUDGET = 10


def pytest_configure(config):
    """Every process the tests start records itself if it is Snakemake (see
    tests/process_count/sitecustomize.py): the summary counts builds however they start."""
    from tests.process_count.sitecustomize import RECORD

    if os.environ.get(RECORD):  # a session a test started: its builds count in the outer one
        config.snakemake_record = Path(os.environ[RECORD])
        config.snakemake_record_owned = False
    else:
        descriptor, record = tempfile.mkstemp(prefix="snakemake-processes-", suffix=".tsv")
        os.close(descriptor)
        config.snakemake_record = Path(record)
        config.snakemake_record_owned = True
        os.environ[RECORD] = record
    paths = [str(ROOT / "tests" / "process_count"), os.environ.get("PYTHONPATH")]
    os.environ["PYTHONPATH"] = os.pathsep.join(path for path in paths if path)


def snakemake_processes(config) -> list[list[str]]:
    record = getattr(config, "snakemake_record", None)
    if record is None or not record.exists():
        return []
    return [line.split("\t") for line in record.read_text(encoding="utf-8").splitlines()]


def pytest_sessionfinish(session):
    """More Snakemake processes than the budget fail the run (in the session that owns the
    record): the budget keeps `make test` within minutes, and a session build made twice, by
    two workers, shows here."""
    runs = [line for line in snakemake_processes(session.config) if line[0] == "run"]
    if len(runs) > SNAKEMAKE_BUDGET and getattr(session.config, "snakemake_record_owned", False):
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter, config):
    """How many Snakemake processes the session started, and one line naming each check
    skipped for want of Chromium, Java or axe-core."""
    from tests.optional_tools import summary

    processes = snakemake_processes(config)
    runs = [(test, arguments) for kind, test, arguments in processes if kind == "run"]
    jobs = sum(kind == "job" for kind, _, _ in processes)
    session_build = any(kind == "session" for kind, _, _ in processes)
    if processes:
        over = len(runs) > SNAKEMAKE_BUDGET
        terminalreporter.write_sep(
            "-",
            f"{len(runs)} Snakemake processes started by tests (budget {SNAKEMAKE_BUDGET}"
            + (", exceeded: the run fails)" if over else ")")
            + (", besides the session build" if session_build else "")
            + (f", and {jobs} job processes of the cluster executor" if jobs else ""),
            red=over,
        )
        for test, arguments in runs:
            terminalreporter.write_line(f"{test} {arguments}")
    line = summary(terminalreporter.stats.get("skipped", []))
    if line:
        terminalreporter.write_line(line, yellow=True)


def pytest_unconfigure(config):
    record = getattr(config, "snakemake_record", None)
    if record is not None and config.snakemake_record_owned:
        record.unlink(missing_ok=True)


def once_per_run(tmp_path_factory, name: str, produce):
    """`produce(folder)` once for the whole run: `make test` spreads the tests over one worker
    per core (pytest-xdist), each a session of its own, and a rebuild of the paper is too dear
    to make in each. The first worker to ask produces the result in the run's shared temporary
    folder and leaves it there, pickled; the others wait for it and load it."""
    if "PYTEST_XDIST_WORKER" not in os.environ:
        return produce(tmp_path_factory.mktemp(name))
    shared = tmp_path_factory.getbasetemp().parent
    record = shared / f"{name}.pickle"
    with open(shared / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file is closed
        if not record.exists():
            folder = shared / name
            shutil.rmtree(folder, ignore_errors=True)  # what a failed try left
            folder.mkdir()
            result = produce(folder)
            record.write_bytes(pickle.dumps(result))
        return pickle.loads(record.read_bytes())


@pytest.fixture(scope="session")
def built(tmp_path_factory, pytestconfig):
    return once_per_run(tmp_path_factory, "built", lambda folder: build(folder, pytestconfig))


def build(folder: Path, pytestconfig) -> Path:
    """A clean build of a copy of this tree by `make`: the tree's path, with results/ filled
    and the stamp of a finished build.

    With `--built-tree DIR` the copy is taken of DIR as built (sources, results and Snakemake's
    records, times kept) and `make` brings it up to date, which is nothing to do when DIR's
    build is current: CI builds the paper once, in its bare-machine stage, not again here.
    """
    from tests.process_count.sitecustomize import SESSION_BUILD
    from tests.workflow import copy_sources, make

    destination = folder / "tree"
    built_tree = pytestconfig.getoption("built_tree")
    if built_tree:
        tree = copy_sources(destination, Path(built_tree).resolve())
        for state in ("results", ".snakemake"):
            shutil.copytree(Path(built_tree) / state, tree / state, symlinks=True)
        # DIR's environment under the name DIR's `make` gave it, when this is it: the build
        # command make compares is then DIR's, a current build is nothing to do, and make
        # answers without starting Snakemake.
        own = Path(built_tree) / ".venv"
        if own.exists() and own.resolve() == Path(sys.prefix).resolve():
            (tree / ".venv").symlink_to(sys.prefix)
        # DIR's confidential data, which a clone has not (they are never committed), as built
        restricted = Path(built_tree) / "data" / "restricted"
        if restricted.is_dir():
            shutil.copytree(restricted, tree / "data" / "restricted")
    else:
        tree = copy_sources(destination)
    completed = make(tree, env={SESSION_BUILD: "1"})  # the one build the rules ask for
    assert completed.returncode == 0, completed.stderr[-3000:]
    # Kept as built: later tests add files to results/ (a screenshot, a standards report).
    shutil.copytree(tree / "results", tree.parent / "results-as-built")
    return tree


#: The independent edits of the `edited` build, each in its own part of the workflow: a value in
#: one coding sheet, the drawing of one figure, a sentence of the prose, synthetic confidential
#: data to protect, and a new figure added by the guide (tests/build/new_figure.py).
EDITED_VALUE = ("data/raw/indicators.csv", ",2847,", ",2919,")
EDITED_FIGURE = ("analysis/compendium/figures/timeline_layout.py", "DIAMOND = 4.2", "DIAMOND = 4.6")
EDITED_PROSE = ("manuscript/article.qmd", ". ", ", as edited. ")


@pytest.fixture(scope="session")
def edited(built, tmp_path_factory):
    return once_per_run(tmp_path_factory, "edited", lambda folder: edit(built, folder))


def edit(built: Path, folder: Path) -> SimpleNamespace:
    """The session build again after the edits above, by `make` as an author runs it: its tree,
    the bytes of results/ before, the files the new figure touched, the jobs that ran and
    Snakemake's complete log of the run (make shows one line per step). Tests of reruns,
    provenance, privacy and the guide to adding a figure assert on this one rebuild."""
    from tests.build.new_figure import add_by_the_guide, source_hashes
    from tests.workflow import copy_tree, jobs_in, make

    tree = copy_tree(built, folder / "tree")
    before = {
        str(path.relative_to(tree)): path.read_bytes()
        for path in (tree / "results").rglob("*")
        if path.is_file() and "logs" not in path.parts
    }
    for name, old, new in (EDITED_VALUE, EDITED_FIGURE, EDITED_PROSE):
        text = (tree / name).read_text(encoding="utf-8")
        assert old in text, (name, old)
        (tree / name).write_text(text.replace(old, new, 1), encoding="utf-8")
    shutil.copytree(ROOT / "tests/fixtures/restricted/clean", tree / "data/restricted")
    sources = source_hashes(tree)
    add_by_the_guide(tree)
    touched = sorted(
        name for name, digest in source_hashes(tree).items() if sources.get(name) != digest
    )
    if not (tree / ".venv").exists():  # `make` in a copy of this tree then has nothing to do
        (tree / ".venv").symlink_to(sys.prefix)
    logs = set((tree / ".snakemake" / "log").glob("*.snakemake.log"))
    completed = make(tree)
    assert completed.returncode == 0, completed.stderr[-3000:]
    new_logs = sorted(set((tree / ".snakemake" / "log").glob("*.snakemake.log")) - logs)
    assert len(new_logs) == 1, new_logs
    output = new_logs[0].read_text(encoding="utf-8")
    return SimpleNamespace(
        tree=tree, before=before, touched=touched, ran=jobs_in(output), output=output
    )


@pytest.fixture(scope="session")
def troubled(built, tmp_path_factory):
    """The session build again with markup in values and a leak, each in its own part of the
    workflow (tests/build/troubled.py), built once with --keep-going."""
    from tests.build.troubled import troubled_build

    return once_per_run(
        tmp_path_factory, "troubled", lambda folder: troubled_build(built, folder / "tree")
    )


@pytest.fixture(scope="session")
def html(built) -> str:
    return (built / "results" / "paper.html").read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def pdf_text(built) -> str:
    from pypdf import PdfReader

    reader = PdfReader(built / "results" / "paper.pdf")
    return "\n".join(page.extract_text() or "" for page in reader.pages)
