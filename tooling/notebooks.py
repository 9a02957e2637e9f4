"""Execute a jupytext percent-format notebook reproducibly and keep the executed copy.

Snakemake's own `notebook:` directive rejects `.py` notebooks and writes random cell ids and
absolute paths into the executed copy, so it can never be byte-identical. This runner reads
the `.py` with jupytext, injects the step's inputs and outputs after the cell tagged
`parameters` (as papermill does), executes it with nbclient, and strips what varies between
runs: timings, cell ids, kernel versions, memory addresses and the machine's paths.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

from compendium.errors import BuildError

_MEMORY_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def parameters_cell_source(parameters: dict) -> str:
    """Python source that binds each parameter; values are JSON-compatible."""
    lines = ["# Parameters injected by the workflow"]
    for name, value in parameters.items():
        lines.append(f"{name} = {json.dumps(value, sort_keys=True)}")
    return "\n".join(lines)


def inject_parameters(notebook, parameters: dict):
    """Insert the injected cell after the `parameters` cell, or first if there is none."""
    import nbformat

    cell = nbformat.v4.new_code_cell(parameters_cell_source(parameters))
    cell.metadata["tags"] = ["injected-parameters"]
    position = 0
    for index, existing in enumerate(notebook.cells):
        if "parameters" in existing.get("metadata", {}).get("tags", []):
            position = index + 1
            break
    notebook.cells.insert(position, cell)
    return notebook


def scrub(notebook, root: Path):
    """Remove what differs between two runs of the same notebook on the same inputs."""
    root_text = str(root.resolve())
    notebook.metadata = {
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"},
    }
    for index, cell in enumerate(notebook.cells):
        cell["id"] = f"cell-{index:03d}"
        cell.metadata.pop("execution", None)
        for output in cell.get("outputs", []):
            output.pop("metadata", None) if not output.get("metadata") else None
            if "text" in output:
                output["text"] = _clean_text(output["text"], root_text)
            for mime, data in output.get("data", {}).items():
                if mime.startswith("text/"):
                    output["data"][mime] = _clean_text(data, root_text)
    return notebook


def _clean_text(text, root_text: str):
    joined = "".join(text) if isinstance(text, list) else text
    joined = _MEMORY_ADDRESS.sub(" at 0x…", joined).replace(root_text + os.sep, "")
    return joined.replace(root_text, ".")


def execute(source: Path, executed: Path, parameters: dict, root: Path) -> None:
    """Run `source` in a fresh kernel with `root` as working directory; write `executed`.

    A failing cell raises BuildError naming the notebook and the cell, with the error's last
    line, after the partial executed copy is written next to the log for inspection.
    """
    import jupytext
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError

    notebook = jupytext.read(source)
    inject_parameters(notebook, parameters)
    client = NotebookClient(
        notebook,
        kernel_name="python3",
        resources={"metadata": {"path": str(root)}},
        record_timing=False,
        timeout=600,
    )
    try:
        client.execute()
    except CellExecutionError as error:
        message = _last_error_line(str(error))
        raise BuildError(message, file=None if _located(message) else str(source)) from None
    scrub(notebook, root)
    executed.parent.mkdir(parents=True, exist_ok=True)
    temporary = executed.with_suffix(".partial")
    nbformat.write(notebook, temporary)
    temporary.replace(executed)


def _last_error_line(text: str) -> str:
    """The line of a cell error that names the problem (the package's BuildError message)."""
    lines = [line for line in _ANSI.sub("", text).splitlines() if line.strip()]
    for line in reversed(lines):
        if line.startswith(("BuildError: ", "ValidationFailed: ")):
            return line.split(": ", 1)[1]
    return lines[-1] if lines else "notebook failed"


_ANSI = re.compile(r"\x1b\[[0-9;]*m")

#: The start of a message that already says where: `data/raw/events.csv:2: ...`.
_LOCATION = re.compile(r"\S+:\d+:")


def _located(message: str) -> bool:
    """Whether the message names its own file and line.

    A cleaning step's error points into the raw sheet the author has to fix; prefixing the
    notebook's path would bury that location behind one the author need not open.
    """
    return _LOCATION.match(message) is not None
