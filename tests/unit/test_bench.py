"""The arithmetic of `make bench` on made-up records: Snakemake's benchmark TSVs read, start-up
split from work, the floor, the ratios to the yardsticks and the verdicts; and, on a copy of the
real sources, the bench's edit of the manuscript and the build the floor comes from."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.workflow import ROOT, copy_sources
from tooling import bench, number_check, preview_splice

HEADER = "s\th:m:s\tmax_rss\tmax_vms\tmax_uss\tmax_pss\tio_in\tio_out\tmean_load\tcpu_time\n"


def record(folder, rule, *seconds):
    folder.mkdir(parents=True, exist_ok=True)
    rest = "0:00:01\t50.1\t300.2\t40.0\t41.0\t0.1\t0.2\t90.0\t1.1"
    rows = "".join(f"{value}\t{rest}\n" for value in seconds)
    path = folder / f"{rule}.tsv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_benchmark_records_give_each_rules_seconds(tmp_path):
    record(tmp_path, "fig_timeline", 2.5)
    record(tmp_path, "values", 1.25)
    assert bench.read_records(tmp_path) == {"fig_timeline": 2.5, "values": 1.25}


def test_only_records_written_since_a_time_count_as_jobs_that_ran(tmp_path):
    old = record(tmp_path, "values", 1.0)
    os.utime(old, (1_000_000, 1_000_000))
    record(tmp_path, "render_html", 0.8)
    assert bench.read_records(tmp_path, since=2_000_000) == {"render_html": 0.8}


@pytest.mark.parametrize("text", ["", HEADER, "seconds\n1.0\n", "s\tcpu_time\nn/a\t1.0\n"])
def test_a_record_without_seconds_is_named(tmp_path, text):
    (tmp_path / "values.tsv").write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as error:
        bench.read_records(tmp_path)
    assert (
        str(error.value) == f"{tmp_path / 'values.tsv'}: not a Snakemake benchmark record (no `s`)"
    )


def test_work_is_the_job_less_its_start_up_never_negative_and_the_floor_adds_one_start_up():
    startups = {"fig_flows": 1.5, "values": 0.75, "validate_data": 3.0, bench.ONE_PROCESS: 2.25}
    records = {"fig_flows": 2.0, "validate_data": 2.0, "values": 1.25}
    jobs, floor = bench.split(records, startups)
    assert [(job["rule"], job["work"]) for job in jobs] == [
        ("fig_flows", 0.5),
        ("validate_data", 0.0),
        ("values", 0.5),
    ]
    assert floor == 2.25 + 0.5 + 0.0 + 0.5
    assert bench.split({}, {bench.ONE_PROCESS: 1.0}) == ([], 1.0)


def test_a_step_starts_with_the_preamble_and_every_import_of_its_code(tmp_path, monkeypatch):
    """Its program's top-level imports, then every import line of the package modules it uses,
    lazy ones inside functions included (guarded); a notebook's go to a kernel."""
    monkeypatch.chdir(tmp_path)  # where the package modules are looked up
    package = tmp_path / "analysis" / "compendium"
    for folder in (package, tmp_path / bench.SCRIPTS, tmp_path / bench.NOTEBOOKS):
        folder.mkdir(parents=True, exist_ok=True)
    (package / "__init__.py").write_text("")
    (package / "tables.py").write_text(
        "import re\n\ndef f():\n    import yaml\n    from . import x\n"
    )
    (tmp_path / bench.SCRIPTS / "tbl_x.py").write_text(
        '"""Doc."""\nfrom __future__ import annotations\nimport json\n'
        "from compendium import tables\n\nwith open('x') as f:\n    import csv\n"
    )
    (tmp_path / bench.RUNNER).write_text("import string\n")
    (tmp_path / bench.NOTEBOOKS / "clean_x.py").write_text("# %%\nx = 1\n\n# %%\nimport math\n")
    lazy = [
        "try: import re\nexcept ImportError: pass",
        "try: import yaml\nexcept ImportError: pass",
    ]
    own = ["import json", "from compendium import tables"]
    script = bench.startup_program("tbl_x", tmp_path, tmp_path)
    assert script == "\n".join([*bench.PREAMBLE, *own, *lazy])
    notebook = bench.startup_program("clean_x", tmp_path, tmp_path)
    assert "\nimport string\n" in notebook and "execute(Path(" in notebook
    assert "x = 1" not in notebook and "import math" not in notebook
    assert (tmp_path / "clean_x.py").read_text() == "# %%\nimport math\n"
    assert bench.startup_program("all", tmp_path, tmp_path) == "\n".join(bench.PREAMBLE)
    single = bench.single_process_program(["tbl_x", "clean_x", "tbl_x"], tmp_path)
    assert single == "\n".join([*bench.PREAMBLE, *own, *lazy, "import math"])


def test_a_real_steps_start_up_program_runs(tmp_path):
    code = bench.startup_program("fig_flows", ROOT, tmp_path)
    assert "from compendium.figures import flows, style" in code
    # imported inside functions, when the figure is drawn: start-up all the same
    assert "try: import matplotlib.pyplot as plt" in code and "try: import networkx as nx" in code
    seconds = bench.timed([sys.executable, "-c", code], ROOT, bench.environment(ROOT))
    assert seconds > 0
    with pytest.raises(RuntimeError, match="No module named 'nowhere'"):
        bench.timed([sys.executable, "-c", "import nowhere"], ROOT, bench.environment(ROOT))


def test_ratios_and_targets_against_the_yardsticks():
    medians = {"clean": 30.0, "noop": 0.2, "edit_manuscript": 4.0, "preview": 0.9, "setup": 70.0}
    rows = {row["scenario"]: row for row in bench.verdicts(medians, 1.5, 12.0, pages=True)}
    clean = rows["clean"]
    assert (clean["yardstick_s"], clean["limit_s"], clean["met"], clean["over_s"]) == (
        12.0,
        24.0,
        False,
        6.0,
    )
    assert rows["noop"]["yardstick_s"] == 1.5 and rows["noop"]["met"]
    assert (rows["edit_manuscript"]["limit_s"], rows["edit_manuscript"]["met"]) == (3.5, False)
    assert rows["edit_manuscript"]["over_s"] == 0.5
    assert rows["preview"]["met"] and not rows["setup"]["met"]
    assert rows["setup"]["over_s"] == 10.0


def test_a_preview_that_served_no_page_misses_its_target_however_fast():
    rows = bench.verdicts({"preview": 0.2}, 1.0, None, pages=False)
    assert [row["met"] for row in rows] == [False]
    assert "no page" in bench.summary_table({"verdicts": rows, "runs": {"preview": [0.2]}})


def test_without_a_floor_the_clean_build_has_no_verdict():
    assert [row["scenario"] for row in bench.verdicts({"clean": 9.0}, 1.0, None, True)] == []


def test_the_report_shows_every_verdict_as_ratios_and_each_steps_split(tmp_path):
    result = {
        "started": "2026-12-02 03:00 UTC",
        "machine": {"cores": 2, "python": "3.11.7", "load": (1.0, 2.0)},
        "startup_s": 1.5,
        "floor_s": 12.0,
        "runs": {"floor": [40.0], "clean": [30.0], "noop": [0.2, 0.2]},
        "verdicts": bench.verdicts({"clean": 30.0, "noop": 0.2}, 1.5, 12.0, True),
        "jobs": [{"rule": "values", "seconds": 2.0, "startup": 1.5, "work": 0.5}],
        "edit_jobs": {"render_html": 1.2},
        "errors": {"setup": "`make` failed\nmore"},
    }
    text = bench.markdown(result)
    assert "start-up (`snakemake --version`) 1.50 s, the floor 12.00 s" in text
    assert (
        "| `clean` | 30.00 s | 1 | 2.50 × floor | ≤ 24.00 s = 2.00 × floor | **no**, 6.00 s over |"
        in text
    )
    assert "| `noop` | 0.20 s | 2 | 0.13 × start-up | ≤ 0.30 s = 0.20 × start-up | yes |" in text
    assert "`floor`" not in text  # the floor's build makes the yardstick, it is no scenario
    assert "| values | 2.00 | 1.50 | 0.50 |" in text and "| **sum** | 2.00 | 1.50 | 0.50 |" in text
    assert "render_html 1.20 s" in text and "- `setup` failed: `make` failed" in text
    readme = tmp_path / "README.md"
    readme.write_text("# T\n<!-- bench:start -->\nold\n<!-- bench:end -->\nrest\n")
    (tmp_path / "bench.md").write_text(text)
    bench.refresh_readme(readme, tmp_path / "bench.md")
    assert readme.read_text() == f"# T\n<!-- bench:start -->\n{text}<!-- bench:end -->\nrest\n"


def test_the_bench_adds_sentences_the_number_check_accepts_each_its_own(tmp_path):
    """A digit typed in the prose fails the build: the sentences spell their numbers, and none
    is found inside another (the preview waits for a page that contains its sentence)."""
    sentences = [bench.new_sentence(number) for number in range(25)]
    assert not [sentence for sentence in sentences if number_check.hand_typed(sentence)]
    assert [[other for other in sentences if one in other] for one in sentences] == [
        [one] for one in sentences
    ]
    tree = copy_sources(tmp_path / "sources")
    before = {path: path.read_bytes() for path in tree.rglob("*") if path.is_file()}
    bench.edit_manuscript(tree, sentences[12])
    changed = [path for path, data in before.items() if path.read_bytes() != data]
    assert [path.relative_to(tree).as_posix() for path in changed] == [bench.EDITED]
    # one paragraph of prose gained the sentence at its end: the edit the preview splices
    text, old = changed[0].read_text(encoding="utf-8"), before[changed[0]].decode()
    edit = preview_splice.prose_edit(old, text)
    assert edit is not None and edit.new == f"{edit.old} {sentences[12]}"


@pytest.mark.parametrize(("jobs", "option"), [([], None), (["JOBS=1"], "--jobs 1")])
def test_the_floors_build_runs_one_step_at_a_time(tmp_path, jobs, option):
    """`make JOBS=1` (the bench's build for the floor) passes --jobs to Snakemake, and only from
    make's command line: a JOBS in the environment (as some CI sets) changes nothing."""
    tree = copy_sources(tmp_path / "sources")
    env = bench.environment(tree) | {"JOBS": "8"}
    command = [*bench.MAKE, *jobs, "--dry-run", "paper"]
    shown = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, check=True)
    snakemake = shown.stdout.split("tooling.console", 1)[1]
    assert "--workflow-profile profiles/default" in snakemake
    assert ("--jobs" in snakemake) == bool(option) and (option or "") in snakemake
