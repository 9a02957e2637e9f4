"""What README.md promises a new user and a data editor: the one Python it names is the one
`make` accepts, and the deposit, the citation and a contact are stated."""

from __future__ import annotations

import re
import shutil
import subprocess
import tomllib

from tests.workflow import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def section(title: str) -> str:
    match = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", README, flags=re.M | re.S)
    assert match, f"README.md has no section '{title}'"
    return match[1]


def test_the_readme_names_one_python_and_make_holds_to_it(tmp_path):
    stated = set(re.findall(r"Python (3\.\d+)", README.split("<!-- bench:start -->")[0]))
    assert stated == {"3.11"}, stated
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["requires-python"]
    assert requires == ">=3.11,<3.12"
    # `make` refuses another Python before it creates anything, and says what to do.
    for name in ("Makefile", "requirements.lock", "requirements-build.lock"):
        shutil.copy2(ROOT / name, tmp_path / name)
    other = tmp_path / "python3.12"
    other.write_text("#!/bin/sh\necho 3.12\n")
    other.chmod(0o755)
    completed = subprocess.run(
        ["make", f"PYTHON={other}"], cwd=tmp_path, capture_output=True, text=True
    )
    assert completed.returncode != 0
    assert "needs Python 3.11" in completed.stderr
    assert "make PYTHON=python3.11" in completed.stderr
    assert not (tmp_path / ".venv").exists()


def test_deposit_citation_and_contact_are_stated():
    """Each is stated, filled in or as a placeholder `[NAME: what to fill in]` for the author."""
    text = section("Deposit, citation and contact")
    for item in ("Deposit", "How to cite", "Contact"):
        match = re.search(rf"^- \*\*{item}\*\*: (.+(?:\n  .+)*)", text, flags=re.M)
        assert match, f"README.md, 'Deposit, citation and contact': no '{item}'"
        statement = " ".join(match[1].split())
        placeholder = re.match(r"\[([A-Z]+): ([^\]]{10,})\]", statement)
        assert placeholder or len(statement) >= 10, f"{item}: {statement!r}"
