"""Supply chain: the environment is built only from hash-pinned, complete lock files.

pip installs with `--require-hashes`, so a package whose archive is not in the lock with its
SHA-256 cannot be installed; these tests keep the lock files in that form and check that the
environment the install made holds nothing else, failing as soon as an unpinned package appears.
"""

from __future__ import annotations

import re
from importlib import metadata

import pytest

from tests.workflow import ROOT

LOCKS = ("requirements.lock", "requirements-build.lock")
REQUIREMENT = re.compile(
    r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)==(?P<version>[A-Za-z0-9.+!_-]+)"
    r"(?P<marker>\s*;\s*[^\\]+)?$"
)
HASH = re.compile(r"^--hash=sha256:[0-9a-f]{64}$")


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def logical_lines(text: str) -> list[str]:
    """The lock's statements: continuation lines joined, comments dropped."""
    lines, current = [], ""
    for raw in text.splitlines():
        line = raw.split(" #", 1)[0].rstrip() if not raw.lstrip().startswith("#") else ""
        if not line.strip():
            continue
        current += " " + line.strip().rstrip("\\").strip()
        if not line.endswith("\\"):
            lines.append(current.strip())
            current = ""
    if current.strip():
        lines.append(current.strip())
    return lines


def requirements(lock: str) -> list[tuple[str, str, list[str]]]:
    """(name, version, hashes) of every statement; anything else fails."""
    parsed = []
    for statement in logical_lines((ROOT / lock).read_text(encoding="utf-8")):
        words = statement.split()
        requirement = " ".join(word for word in words if not word.startswith("--hash="))
        match = REQUIREMENT.match(requirement)
        assert match, f"{lock}: not 'name==version' with hashes: {statement[:80]!r}"
        hashes = [word for word in words if word.startswith("--hash=")]
        parsed.append((match["name"], match["version"], hashes))
    return parsed


@pytest.mark.parametrize("lock", LOCKS)
def test_every_statement_is_an_exact_pin_with_sha256_hashes(lock):
    parsed = requirements(lock)
    assert parsed, f"{lock} is empty"
    for name, _, hashes in parsed:
        assert hashes, f"{lock}: {name} has no --hash"
        for value in hashes:
            assert HASH.match(value), f"{lock}: {name}: {value}"


@pytest.mark.parametrize("lock", LOCKS)
def test_no_package_comes_from_anywhere_but_the_index(lock):
    text = (ROOT / lock).read_text(encoding="utf-8")
    statements = "\n".join(logical_lines(text))
    for forbidden in ("-e ", "--editable", "git+", "://", " @ ", "--index-url", "--find-links",
                      "--extra-index-url", "--trusted-host", "-r ", "-c "):  # fmt: skip
        assert forbidden not in statements, f"{lock} holds {forbidden.strip()!r}"


def test_each_package_is_pinned_once_across_the_locks():
    names = [normalise(name) for lock in LOCKS for name, _, _ in requirements(lock)]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    assert duplicates == []


def test_the_lock_is_closed_under_the_dependencies_of_what_it_installs():
    """Every dependency of every locked package is itself locked (pip would refuse otherwise,
    with --require-hashes; this says which one is missing before anyone runs pip)."""
    from packaging.requirements import Requirement

    locked = {normalise(name) for lock in LOCKS for name, _, _ in requirements(lock)}
    missing = []
    for name in sorted(locked):
        try:
            declared = metadata.requires(name) or []
        except metadata.PackageNotFoundError:
            continue  # not installed here (a platform-specific package): nothing to read
        for line in declared:
            requirement = Requirement(line)
            if requirement.marker and not requirement.marker.evaluate({"extra": ""}):
                continue
            if normalise(requirement.name) not in locked:
                missing.append(f"{name} needs {requirement.name}")
    assert missing == []


def test_the_environment_holds_exactly_the_locked_versions():
    """What the install made (the environment these tests run in): every package in a lock, at
    its locked version, from the index rather than a path or URL. pip itself comes with the
    virtualenv, not from a lock."""
    locked = {normalise(name): version for lock in LOCKS for name, version, _ in requirements(lock)}
    installed = {normalise(dist.metadata["Name"]): dist for dist in metadata.distributions()}
    installed.pop("pip", None)
    assert {
        name: dist.version for name, dist in installed.items() if locked.get(name) != dist.version
    } == {}
    assert [name for name, dist in installed.items() if dist.read_text("direct_url.json")] == []
