"""profiles/: what a scheduler needs from every rule, and the cluster-generic submit and cancel
commands, which behave as `sbatch` and `scancel` do (the whole build through them is a build
test: tests/build/test_verify.py)."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import time
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


def wait_for(path: Path, seconds: float = 30) -> str:
    deadline = time.monotonic() + seconds
    while not path.exists() or not path.read_text():
        assert time.monotonic() < deadline, f"{path.name} never appeared"
        time.sleep(0.05)
    return path.read_text()


def test_submit_starts_the_job_as_its_own_process_and_cancel_stops_it(tmp_path):
    """`submit` returns at once with an id; the job runs in its own session, outside the
    submitter's process group; `cancel` with that id ends it."""
    job = tmp_path / "snakejob.example.1.sh"
    job.write_text('#!/bin/sh\necho "$$" > started\nwhile :; do sleep 1; done\n')
    submitted = subprocess.run(
        [str(PROFILES / "cluster-generic" / "submit"), str(job)],
        cwd=tmp_path, capture_output=True, text=True, timeout=30, check=True,
    )  # fmt: skip
    job_id = int(submitted.stdout.strip())
    try:
        assert int(wait_for(tmp_path / "started")) == job_id
        assert os.getsid(job_id) == job_id != os.getsid(0)
        assert (tmp_path / ".snakemake" / "cluster-generic" / "snakejob.example.1.log").exists()
    finally:
        subprocess.run(
            [str(PROFILES / "cluster-generic" / "cancel"), str(job_id)], cwd=tmp_path, check=True
        )
    deadline = time.monotonic() + 30
    while _alive(job_id):
        assert time.monotonic() < deadline, "the cancelled job is still running"
        time.sleep(0.05)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, signal.SIG_DFL)
    except ProcessLookupError:
        return False
    # a finished job waits as a zombie until init collects it
    status = Path(f"/proc/{pid}/stat")
    return status.exists() and status.read_text().split()[2] != "Z"
