"""What a step reads, derived instead of kept by hand: the package files its program imports
(read from its import statements) and the coded tables of data/datapackage.json.

A rule's `code=` inputs come from here, so a step reruns when any module it really uses changes
(Snakemake does not see imports), and only then. Lazy imports inside functions count too: they
run when the step runs.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path

#: Our packages and where they live in the tree; everything else is a locked library.
PACKAGES = {"compendium": Path("analysis/compendium"), "tooling": Path("tooling")}


def imported_files(*programs: str | Path) -> list[str]:
    """Every file of our packages that `programs` import, directly or through another."""
    found: set[Path] = set()
    pending = [Path(program) for program in programs]
    while pending:
        for module in _imported_modules(pending.pop()):
            for file in _files_of(module):
                if file not in found:
                    found.add(file)
                    pending.append(file)
    return sorted(str(file) for file in found)


def _imported_modules(path: Path) -> set[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module)
            # `from compendium import derive` imports the module compendium.derive
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return modules


def _files_of(module: str) -> list[Path]:
    """The files Python runs to import `module`: each package's __init__ on the way, then it."""
    top, *rest = module.split(".")
    if top not in PACKAGES:
        return []
    files, folder = [], PACKAGES[top]
    for index in range(len(rest) + 1):
        package = folder.joinpath(*rest[:index])
        if (package / "__init__.py").is_file():
            files.append(package / "__init__.py")
        elif index and package.with_suffix(".py").is_file():
            files.append(package.with_suffix(".py"))
            break
    return files


def package_tables(package: str | Path = "data/datapackage.json") -> list[str]:
    """The names of the coded tables, in the order the data package lists them."""
    descriptor = json.loads(Path(package).read_text(encoding="utf-8"))
    return [resource["name"] for resource in descriptor["resources"]]


def raw_tables(*names: str) -> list[str]:
    """The coding sheets `names` and their schemas: what reading them through the package needs."""
    return [f"data/raw/{name}.csv" for name in names] + [
        f"data/schemas/{name}.schema.json" for name in names
    ]
