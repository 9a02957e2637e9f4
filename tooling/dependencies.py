"""What a step reads, derived instead of kept by hand: the package files its program imports
(read from its import statements) and the coded tables of data/datapackage.json.

A rule's `code=` inputs come from here, so a step reruns when any module it really uses changes
(Snakemake does not see imports), and only then. Lazy imports inside functions count too: they
run when the step runs.
"""

from __future__ import annotations

import ast
import atexit
import functools
import json
from pathlib import Path

from tooling.file_cache import FileCache

#: Our packages and where they live in the tree; everything else is a locked library.
PACKAGES = {"compendium": Path("analysis/compendium"), "tooling": Path("tooling")}


def imported_files(*programs: str | Path) -> list[str]:
    """Every file of our packages that `programs` import, directly or through another."""
    found: set[Path] = set()
    pending = [Path(program) for program in programs]
    while pending:
        for module in _parsed().known(pending.pop(), "imports", _imports_of):
            new = set(_files_of(module)) - found
            found |= new
            pending += new
    return sorted(str(file) for file in found)


# Every Snakemake process reads the workflow (`make`, each job on a cluster), and every rule asks
# about the same modules: each file's imports are parsed once, then kept while it is unchanged.
@functools.cache
def _parsed() -> FileCache:
    atexit.register((cache := FileCache("imports")).save)
    return cache


def _imports_of(path: Path) -> list[str]:
    modules = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            modules.add(node.module)
            # `from compendium import derive` imports the module compendium.derive
            modules.update(f"{node.module}.{alias.name}" for alias in node.names)
    return sorted(modules)


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


#: The calls that write or serialise a step's output: what a script passes to them first is what
#: it computed.
WRITERS = ("save", "save_svg", "write", "to_json")


def module_file(function: str) -> str:
    """`compendium.values.counts` → `analysis/compendium/values.py`."""
    return f"analysis/{function.rsplit('.', 1)[0].replace('.', '/')}.py"


def computing_function(program: str | Path) -> str | None:
    """The package function whose result a step's script writes: for `figure =
    timeline.timeline(shown)` then `style.save(figure, ...)`, it is
    `compendium.figures.timeline.timeline`. None when the script writes no such result (a
    notebook, the values step)."""
    path = Path(program)
    if path.suffix != ".py" or "notebooks" in path.parts:
        return None
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    modules = {
        alias.asname or alias.name: f"{node.module}.{alias.name}"
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "compendium"
        for alias in node.names
    }
    # `name = call(...)`, and `a, b = call(...)` for a function that returns several results
    assigned = {
        name.id: node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)
        for target in node.targets
        for name in (target.elts if isinstance(target, ast.Tuple) else [target])
        if isinstance(name, ast.Name)
    }

    def called(call: ast.AST | None) -> str | None:
        function = call.func if isinstance(call, ast.Call) else None
        if isinstance(function, ast.Attribute) and isinstance(function.value, ast.Name):
            module = modules.get(function.value.id)
            return f"{module}.{function.attr}" if module else None
        return None

    for node in ast.walk(tree):
        if called(node) and node.func.attr in WRITERS and node.args:
            first = node.args[0]
            computed = called(assigned.get(first.id) if isinstance(first, ast.Name) else first)
            if computed:
                return computed
    return None
