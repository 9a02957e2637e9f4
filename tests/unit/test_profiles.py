"""profiles/: what a scheduler needs from every rule, and the cluster-generic submit and cancel
commands, which behave as `sbatch` and `scancel` do (the whole build through them is a build
test: tests/build/test_archive_and_tiers.py)."""

from __future__ import annotations

import os
import re
import select
import subprocess
from pathlib import Path

import pytest
import yaml

from tests.workflow import ROOT

PROFILES = ROOT / "profiles"
RULE_FILES = [ROOT / "Snakefile", *sorted((ROOT / "analysis" / "rules").glob("*.smk"))]


def rules() -> dict[str, str]:
    """Each rule's name and text, from the Snakefile and the rule files."""
    found = {}
    for path in RULE_FILES:
        for block in re.split(r"\n(?=rule )", path.read_text(encoding="utf-8")):
            if match := re.match(r"rule (\w+):\n", block):
                found[match[1]] = block
    return found


def test_every_rule_that_runs_a_job_declares_threads_memory_and_runtime():
    declared = rules()
    assert len(declared) > 20
    for name, text in declared.items():
        if name == "all":  # runs nothing
            continue
        assert re.search(r"^    threads: \d+$", text, flags=re.M), f"{name}: no threads"
        assert re.search(r"^        mem_mb=\d+,$", text, flags=re.M), f"{name}: no mem_mb"
        assert re.search(r"^        runtime=\d+,$", text, flags=re.M), f"{name}: no runtime"


@pytest.mark.parametrize("profile", ["default", "cluster-generic", "slurm"])
def test_each_profile_is_a_snakemake_profile(profile):
    settings = yaml.safe_load((PROFILES / profile / "config.yaml").read_text(encoding="utf-8"))
    assert settings["rerun-incomplete"] is True and settings["show-failed-logs"] is True
    executor = settings.get("executor", "local")
    assert executor == {"default": "local", "cluster-generic": "cluster-generic"}.get(
        profile, profile
    )
    for key in ("cluster-generic-submit-cmd", "cluster-generic-cancel-cmd"):
        if key in settings:
            assert os.access(ROOT / settings[key], os.X_OK), settings[key]


def read_fifo(path: Path, seconds: float = 30) -> str:
    """What a writer puts into the named pipe `path`, as soon as it does (at most `seconds`)."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    try:
        # Linux reports a pipe nobody has written to yet as not readable: this waits for the job.
        readable, _, _ = select.select([descriptor], [], [], seconds)
        assert readable, f"{path.name}: nothing written in {seconds} s"
        return os.read(descriptor, 4096).decode()
    finally:
        os.close(descriptor)


def wait_for_exit(pid: int, seconds: float = 30) -> bool:
    """Whether process `pid` (not a child of ours) ends within `seconds`."""
    try:
        descriptor = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        readable, _, _ = select.select([descriptor], [], [], seconds)
        return bool(readable)
    finally:
        os.close(descriptor)


def test_submit_starts_the_job_as_its_own_process_and_cancel_stops_it(tmp_path):
    """`submit` returns at once with an id; the job runs in its own session, outside the
    submitter's process group; `cancel` with that id ends it."""
    for pipe in ("started", "never-written"):
        os.mkfifo(tmp_path / pipe)
    job = tmp_path / "snakejob.example.1.sh"
    # The job says its process id, then waits on a pipe nobody writes to, until cancelled.
    job.write_text('#!/bin/sh\necho "$$" > started\nexec cat never-written\n')
    submitted = subprocess.run(
        [str(PROFILES / "cluster-generic" / "submit"), str(job)],
        cwd=tmp_path, capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    job_id = int(submitted.stdout.strip())
    try:
        assert int(read_fifo(tmp_path / "started")) == job_id
        assert os.getsid(job_id) == job_id != os.getsid(0)
        assert (tmp_path / ".snakemake" / "cluster-generic" / "snakejob.example.1.log").exists()
    finally:
        subprocess.run(
            [str(PROFILES / "cluster-generic" / "cancel"), str(job_id)], cwd=tmp_path, check=True
        )
    assert wait_for_exit(job_id), "the cancelled job is still running"
