"""Checks that need Chromium, Java or axe-core: skipped with the command that installs what is
missing on a bare machine, listed in one closing line, failed under CI=true."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from tests import optional_tools


def skipped(nodeid: str, reason: str) -> SimpleNamespace:
    return SimpleNamespace(nodeid=nodeid, longrepr=("file.py", 1, f"Skipped: {reason}"))


def test_a_missing_tool_skips_naming_the_command_that_installs_it(monkeypatch):
    monkeypatch.setattr(optional_tools, "available", lambda tool: tool == "Chromium")
    monkeypatch.setattr(optional_tools, "IN_CI", False)
    optional_tools.need("Chromium")  # installed: the check runs
    with pytest.raises(pytest.skip.Exception) as raised:
        optional_tools.need("axe-core", "Chromium")
    assert str(raised.value) == (
        "needs axe-core (`apt-get install npm && npm install --global axe-core@4.14.1`)"
    )


def test_under_ci_a_missing_tool_fails_the_check(monkeypatch):
    monkeypatch.setattr(optional_tools, "available", lambda tool: False)
    monkeypatch.setattr(optional_tools, "IN_CI", True)
    with pytest.raises(pytest.fail.Exception) as raised:
        optional_tools.need("Java")
    assert "apt-get install default-jre-headless" in str(raised.value)


def test_one_line_names_each_skipped_check_by_tool_with_its_command():
    reports = [
        skipped("tests/build/test_standards.py::test_html_is_valid_html5",
                "needs Java (`apt-get install default-jre-headless`)"),
        skipped("tests/browser/test_paper_in_browser.py::test_no_request[a]",
                "needs Chromium (`apt-get install chromium`)"),
        skipped("tests/browser/test_paper_in_browser.py::test_no_request[b]",
                "needs Chromium (`apt-get install chromium`)"),
        skipped("tests/build/test_standards.py::test_html_has_no_serious_violations",
                "needs axe-core (`apt-get install npm && npm install --global axe-core@4.14.1`); "
                "Chromium (`apt-get install chromium`)"),
        skipped("tests/unit/test_other.py::test_unrelated", "some other reason"),
    ]  # fmt: skip
    line = optional_tools.summary(reports)
    assert "\n" not in line
    assert line.startswith("3 checks skipped for want of a program outside the lock")
    assert "Java, `apt-get install default-jre-headless`: test_html_is_valid_html5" in line
    assert (
        "Chromium, `apt-get install chromium`: test_no_request, test_html_has_no_serious_violations"
        in line
    )
    assert "axe-core, `apt-get install npm && npm install --global axe-core@4.14.1`: " in line
    assert "test_unrelated" not in line


def test_no_line_when_nothing_was_skipped_for_a_tool():
    assert optional_tools.summary([skipped("t.py::test_x", "quarto is not installed")]) is None
