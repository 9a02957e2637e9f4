"""`python -m tooling.sizes`: lines of science against lines of tooling, and what is too long.

The science (analysis/compendium) is what the paper is about; the tooling (tooling/) must stay
thinner than it. Modules over 400 lines and functions over 60 lines are listed (house style).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

LAYERS = {
    "science": Path("analysis/compendium"),
    "steps": Path("analysis/scripts"),
    "notebooks": Path("analysis/notebooks"),
    "tooling": Path("tooling"),
}
MODULE_LIMIT = 400
FUNCTION_LIMIT = 60


def lines_of(folder: Path) -> dict[Path, int]:
    return {
        path: len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(folder.rglob("*.py"))
    }


def long_functions(path: Path) -> list[tuple[str, int]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return [
        (node.name, node.end_lineno - node.lineno + 1)
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno - node.lineno + 1 > FUNCTION_LIMIT
    ]


def report() -> tuple[list[str], bool]:
    lines, totals, too_long = [], {}, []
    for layer, folder in LAYERS.items():
        counted = lines_of(folder)
        totals[layer] = sum(counted.values())
        lines.append(f"{layer:<10} {totals[layer]:>6} lines in {len(counted)} files ({folder}/)")
        for path, count in counted.items():
            if count > MODULE_LIMIT:
                too_long.append(f"  module   {path}: {count} lines > {MODULE_LIMIT}")
            for name, length in long_functions(path):
                too_long.append(f"  function {path}:{name}: {length} lines > {FUNCTION_LIMIT}")
    thin = totals["tooling"] <= totals["science"]
    lines.append(f"tooling ≤ science: {'yes' if thin else 'no'}")
    lines += ["over the limits:" if too_long else "nothing over the limits", *too_long]
    return lines, thin and not too_long


if __name__ == "__main__":
    shown, ok = report()
    print("\n".join(shown))
    sys.exit(0 if ok else 1)
