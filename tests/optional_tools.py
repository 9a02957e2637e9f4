"""Checks that need a program outside the lock: Chromium (browser and accessibility checks), Java
(the W3C Nu Html Checker) and axe-core (accessibility rules, from npm).

On a machine without one, its checks skip, each naming the command that installs what it needs,
and the session ends with one line listing them (tests/conftest.py). Under CI=true they fail
instead: `.ci/run` installs all three.
"""

from __future__ import annotations

import os
import shutil
from collections import defaultdict

import pytest

from tests import standards

IN_CI = os.environ.get("CI") == "true"

#: What installs each program on Debian or Ubuntu (as root; `.ci/run` runs the same commands).
INSTALL = {
    "Chromium": "apt-get install chromium",
    "Java": "apt-get install default-jre-headless",
    "axe-core": "apt-get install npm && npm install --global axe-core@4.14.1",
}

REASON_PREFIX = "needs "


def available(tool: str) -> bool:
    if tool == "Chromium":
        return standards.chromium() is not None
    if tool == "Java":
        return shutil.which("java") is not None
    if tool == "axe-core":
        return standards.axe_script() is not None
    raise ValueError(f"unknown tool {tool!r}; known: {', '.join(INSTALL)}")


def need(*tools: str) -> None:
    """Skip the calling test (fail it under CI=true) unless every one of `tools` is installed."""
    missing = [tool for tool in tools if not available(tool)]
    if not missing:
        return
    reason = REASON_PREFIX + "; ".join(f"{tool} (`{INSTALL[tool]}`)" for tool in missing)
    if IN_CI:
        pytest.fail(f"{reason}: CI installs it (.ci/run)", pytrace=False)
    pytest.skip(reason)


def summary(skipped_reports) -> str | None:
    """One line naming every check skipped for want of a tool, by tool, with the command that
    installs it; None when nothing was skipped for that reason."""
    checks_by_tool: dict[str, list[str]] = defaultdict(list)
    for report in skipped_reports:
        reason = report.longrepr[2] if isinstance(report.longrepr, tuple) else ""
        reason = reason.removeprefix("Skipped: ")
        if not reason.startswith(REASON_PREFIX):
            continue
        check = report.nodeid.split("::")[-1].split("[")[0]
        for tool in INSTALL:
            if f"{tool} (`" in reason and check not in checks_by_tool[tool]:
                checks_by_tool[tool].append(check)
    if not checks_by_tool:
        return None
    parts = [
        f"{tool}, `{INSTALL[tool]}`: {', '.join(checks)}" for tool, checks in checks_by_tool.items()
    ]
    count = len({check for checks in checks_by_tool.values() for check in checks})
    return (
        f"{count} checks skipped for want of a program outside the lock (CI=true runs them) — "
        + "; ".join(parts)
    )
