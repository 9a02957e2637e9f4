"""Snakemake's `benchmark:` records of the build: one per benchmarked step, read by the bench,
and in nothing a reader receives (they differ from run to run)."""

from __future__ import annotations

import zipfile

from tooling import bench, leaks


def test_each_step_leaves_a_record_and_no_published_file_lists_one(built):
    records = bench.read_records(built / bench.BENCHMARKS)
    assert {"validate_data", "clean_dates", "fig_timeline", "values", "manifest"} <= set(records)
    assert all(seconds > 0 for seconds in records.values()), records
    results = built / "results"
    published = [
        (results / name).read_text() for name in ("manifest.json", "provenance.intoto.json")
    ]
    published += zipfile.ZipFile(results / "paper-meca.zip").namelist()
    assert not [text for text in published if "benchmarks" in text]


def test_the_leak_check_scans_the_records_but_counts_them_as_logs(tmp_path):
    results = tmp_path / "results"
    (results / "logs" / "benchmarks").mkdir(parents=True)
    (results / "logs" / "benchmarks" / "values.tsv").write_text("s\n1.0\n")
    (results / "values.json").write_text("{}")
    _, kinds = leaks.scan(results, [])
    assert dict(kinds) == {"log": 1, "json": 1}
