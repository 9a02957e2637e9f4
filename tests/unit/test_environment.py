"""The conda environment, the lock file and pyproject.toml name the same versions."""

from __future__ import annotations

import re
import tomllib

import yaml

from tests.workflow import ROOT


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_versions() -> dict[str, str]:
    text = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    return {
        normalise(name): version
        for name, version in re.findall(r"^([A-Za-z0-9_.-]+)==(\S+)", text, re.M)
    }


def conda_versions() -> dict[str, str]:
    spec = yaml.safe_load((ROOT / "environment.yml").read_text(encoding="utf-8"))
    versions = {}
    for item in spec["dependencies"]:
        if isinstance(item, dict):
            for requirement in item["pip"]:
                name, version = requirement.split("==")
                versions[normalise(name)] = version
        elif "=" in item:
            name, version = item.split("=", 1)
            versions[normalise(name)] = version
    return versions


def direct_dependencies() -> dict[str, str]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    requirements = project["dependencies"] + project["optional-dependencies"]["dev"]
    return {normalise(r.split("==")[0]): r.split("==")[1] for r in requirements}


def test_every_direct_dependency_is_pinned_exactly_in_pyproject():
    for requirement in tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
        "dependencies"
    ]:
        assert "==" in requirement, requirement


def test_lock_holds_the_versions_pyproject_asks_for():
    locked = locked_versions()
    for name, version in direct_dependencies().items():
        assert locked.get(name) == version, f"{name}: pyproject {version}, lock {locked.get(name)}"


def test_conda_environment_names_the_locked_versions():
    locked = locked_versions()
    conda = conda_versions()
    for name in direct_dependencies():
        assert name in conda, f"{name} is missing from environment.yml"
        assert conda[name] == locked[name], (
            f"{name}: environment.yml {conda[name]}, lock {locked[name]}"
        )
    assert "quarto" in conda, "environment.yml must offer quarto for the optional renderer"
    assert conda["python"] == "3.11"


def test_every_locked_package_carries_a_hash():
    blocks = re.split(r"\n(?=[A-Za-z0-9_.-]+==)", (ROOT / "requirements.lock").read_text())
    for block in blocks:
        if "==" in block.splitlines()[0]:
            assert "--hash=sha256:" in block, block.splitlines()[0]
