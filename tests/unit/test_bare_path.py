"""tooling/bare_path.py: the PATH of a bare machine, with which CI's first stage and every build
of the test suite run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

from tooling.bare_path import FORBIDDEN, PROGRAMS, make_bare_path


def fake_machine(folder) -> str:
    """A PATH holding a stand-in for every forbidden program, then the real system folders."""
    folder.mkdir()
    for name in FORBIDDEN:
        program = folder / name
        program.write_text("#!/bin/sh\necho installed\n")
        program.chmod(0o755)
    return os.pathsep.join([str(folder), os.environ.get("PATH", os.defpath)])


def test_programs_outside_the_lock_are_unreachable_even_when_installed(tmp_path):
    machine = fake_machine(tmp_path / "machine")
    assert all(shutil.which(name, path=machine) for name in FORBIDDEN)
    bare = str(make_bare_path(tmp_path / "bare", search_path=machine))
    assert [name for name in FORBIDDEN if shutil.which(name, path=bare)] == []
    assert sorted(path.name for path in (tmp_path / "bare").iterdir()) == sorted(
        {*(name for name in PROGRAMS if shutil.which(name, path=machine)), "python", "python3"}
    )


def test_python_make_git_and_the_shell_work_through_it(tmp_path):
    bare = str(make_bare_path(tmp_path / "bare"))
    environment = {"PATH": bare, "HOME": str(tmp_path)}

    def run(*command: str) -> str:
        return subprocess.run(
            command, env=environment, capture_output=True, text=True, check=True
        ).stdout

    # the interpreter that made the folder, by its real path (a virtualenv made with it
    # outlives the folder)
    assert run("python3", "-c", "import sys; print(sys.executable)").strip() == os.path.realpath(
        sys.executable
    )
    assert run("make", "--version").startswith("GNU Make")
    assert run("git", "--version").startswith("git version")
    assert run("sh", "-c", "echo a b | tr ' ' '\\n' | sort -r | head -1").strip() == "b"


def test_the_folder_can_be_made_again_in_place(tmp_path):
    first = make_bare_path(tmp_path / "bare")
    again = make_bare_path(tmp_path / "bare")
    assert first == again
    assert (again / "python3").read_text(encoding="utf-8").startswith("#!/bin/sh\n")
