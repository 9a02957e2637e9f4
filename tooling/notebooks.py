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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from compendium.errors import BuildError
from compendium.files import atomic_output

_MEMORY_ADDRESS = re.compile(r" at 0x[0-9a-f]+")


def inject_parameters(notebook, parameters: dict):
    """Insert a cell binding each parameter (JSON-compatible values) after the cell tagged
    `parameters`, or first if there is none."""
    import nbformat

    source = [f"{name} = {json.dumps(value, sort_keys=True)}" for name, value in parameters.items()]
    cell = nbformat.v4.new_code_cell(
        "\n".join(["# Parameters injected by the workflow", *source]),
        metadata={"tags": ["injected-parameters"]},
    )
    tagged = [
        index
        for index, cell in enumerate(notebook.cells)
        if "parameters" in cell.metadata.get("tags", [])
    ]
    notebook.cells.insert(tagged[0] + 1 if tagged else 0, cell)
    return notebook


def scrub(notebook, root: Path) -> None:
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
            if not output.get("metadata"):
                output.pop("metadata", None)
            if "text" in output:
                output["text"] = _clean_text(output["text"], root_text)
            for mime, data in output.get("data", {}).items():
                if mime.startswith("text/"):
                    output["data"][mime] = _clean_text(data, root_text)


def _clean_text(text, root_text: str):
    joined = "".join(text) if isinstance(text, list) else text
    joined = _MEMORY_ADDRESS.sub(" at 0x…", joined).replace(root_text + os.sep, "")
    return joined.replace(root_text, ".")


#: Kernel start-ups tried before a notebook step gives up. Two steps starting kernels at once on
#: two cores occasionally lose one before it answers its first request (`kernel_info`); a fresh
#: kernel then starts normally.
KERNEL_STARTS = 3

#: Errors of our own code inside a notebook: their message already reads `file:line: field: ...`.
OWN_ERRORS = ("BuildError", "ValidationFailed")


def execute(source: Path, executed: Path, parameters: dict, root: Path) -> None:
    """Run `source` in a fresh kernel with `root` as working directory; write `executed`.

    A failing cell raises BuildError with the cell's error as the kernel reported it (its name
    and value, not its traceback text): our own errors keep their `file:line` message, any other
    error is prefixed with the notebook's path.
    """
    import jupytext
    import nbformat

    notebook = inject_parameters(jupytext.read(source), parameters)
    _run(notebook, source, root)
    scrub(notebook, root)
    with atomic_output(executed) as partial:
        nbformat.write(notebook, partial)


def _run(notebook, source: Path, root: Path) -> None:
    """Execute `notebook` in place; a kernel that dies before the first cell is started again
    (no cell has run then, so the notebook is still as it was given)."""
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    for attempt in range(1, KERNEL_STARTS + 1):
        client = NotebookClient(
            notebook,
            kernel_name="python3",
            resources={"metadata": {"path": str(root)}},
            record_timing=False,
            timeout=600,
        )
        try:
            # In the main thread nbclient would take SIGINT and SIGTERM to shut its kernel
            # down, and the wait that shutdown cuts short ends in a traceback; in a thread of
            # its own it cannot, so a step keeps ignoring Ctrl-C and ends at once, quietly, on
            # SIGTERM (its kernel notices that its parent is gone and ends too).
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="notebook") as pool:
                pool.submit(client.execute).result()
            return
        except CellExecutionError as error:
            if error.ename in OWN_ERRORS:
                raise BuildError(error.evalue) from None
            raise BuildError(f"{error.ename}: {error.evalue}", file=str(source)) from None
        except (DeadKernelError, RuntimeError, TimeoutError) as error:
            if client.code_cells_executed or attempt == KERNEL_STARTS:
                raise BuildError(
                    f"the Python kernel failed after {client.code_cells_executed} cells "
                    f"(start {attempt} of {KERNEL_STARTS}): {error}",
                    file=str(source),
                ) from None
