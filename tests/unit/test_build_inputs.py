"""The inputs the manifest records: every module a workflow step can import, and nothing that
only drives the build from outside."""

from __future__ import annotations

import re

from tests.workflow import ROOT
from tooling import sources

IMPORT = re.compile(r"^\s*(?:from|import)\s+tooling(?:\.(\w+))?(?:\s+import\s+([\w, ]+))?", re.M)


def imported_tooling(text: str) -> set[str]:
    modules = set()
    for module, names in IMPORT.findall(text):
        if module:
            modules.add(module)
        else:
            modules |= {name.split(" as ")[0].strip() for name in names.split(",") if name.strip()}
    return {f"tooling/{module}.py" for module in modules}


def test_no_step_imports_tooling_left_out_of_the_inputs():
    steps = [
        ROOT / "Snakefile",
        *(ROOT / "analysis" / "rules").glob("*.smk"),
        *(ROOT / "analysis" / "scripts").glob("*.py"),
        *(ROOT / "analysis" / "notebooks").glob("*.py"),
    ]
    used: set[str] = set()
    for step in steps:
        used |= imported_tooling(step.read_text(encoding="utf-8"))
    pending = set(used)
    while pending:  # what those modules import in turn
        module = ROOT / pending.pop()
        for found in imported_tooling(module.read_text(encoding="utf-8")) - used:
            used.add(found)
            pending.add(found)
    assert "tooling/render.py" in used and "tooling/provenance.py" in used
    assert used & sources.OUTSIDE_THE_BUILD == set()
    inputs = set(sources.build_inputs(ROOT))
    assert used <= inputs
    assert set(sources.source_files(ROOT)) >= sources.OUTSIDE_THE_BUILD
