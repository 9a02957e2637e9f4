"""Where each number in the prose comes from: the step and function that computed it, and the
coded rows (with the article locators they cite) it was computed from.

The values step records, per value, its function and the ids of the rows behind it
(`results/values-sources.json`, written by `compendium.values.collect_sourced`). Here those ids
are looked up in the coding sheets themselves, `data/raw/*.csv`, for the locator each row cites:
a reviewer follows a number to the row a coder wrote, not to an intermediate file.
"""

from __future__ import annotations

import csv
from pathlib import Path

from compendium.errors import BuildError
from tooling.dependencies import module_file
from tooling.provenance import Step


def coded_rows(package: Path, tables: set[str]) -> dict[str, tuple[str, dict[str, dict]]]:
    """table → (its coding sheet's path, row id → row), for the tables named, read from the
    sheets the data package lists, each row keyed by its schema's primary key."""
    from compendium.datapackage import load_descriptor

    descriptor = load_descriptor(package)
    found = {}
    for resource in descriptor["resources"]:
        if resource["name"] not in tables:
            continue
        key = resource["schema"]["primaryKey"]
        column = key[0] if isinstance(key, list) else key
        path = package.parent / resource["path"]
        with path.open(encoding="utf-8", newline="") as handle:
            rows = {row[column]: row for row in csv.DictReader(handle)}
        found[resource["name"]] = (str(Path(package.parent.name) / resource["path"]), rows)
    return found


def _flat(values: dict, prefix: str = "") -> dict[str, str]:
    flat = {}
    for key, value in values.items():
        if isinstance(value, dict):
            flat |= _flat(value, f"{prefix}{key}.")
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _rows(key: str, recorded: dict, sheets: dict, shown: str) -> list[dict]:
    result = []
    for table, ids in sorted(recorded.items()):
        if table not in sheets:
            raise BuildError(f"value '{key}' names table '{table}', which the data package lacks",
                             file=shown, field=f"{key}.rows")  # fmt: skip
        path, rows = sheets[table]
        missing = [identifier for identifier in ids if identifier not in rows]
        if missing:
            raise BuildError(
                f"value '{key}' names row '{missing[0]}' of {path}, which has no such row",
                file=shown,
                field=f"{key}.rows.{table}",
            )
        result.append(
            {
                "table": path,
                "rows": [{"id": row, "locator": rows[row].get("locator", "")} for row in ids],
            }
        )
    return result


def value_entries(values: dict, sources: dict, package: Path, step: Step | None,
                  shown: str = "results/values-sources.json") -> dict:  # fmt: skip
    """For each value key: the value, the rule and script of its step, the function (and its
    module's file) that computed it, and its rows, each with the locator it cites."""
    flat = _flat(values)
    if missing := sorted(set(flat) - set(sources)):
        raise BuildError(f"value '{missing[0]}' has no recorded source", file=shown)
    tables = {table for source in sources.values() for table in source["rows"]}
    sheets = coded_rows(package, tables)
    return {
        key: {
            "value": text,
            "rule": step.rule if step else "",
            "script": step.program if step else "",
            "function": sources[key]["function"],
            "module": module_file(sources[key]["function"]),
            "sources": _rows(key, sources[key]["rows"], sheets, shown),
        }
        for key, text in sorted(flat.items())
    }
