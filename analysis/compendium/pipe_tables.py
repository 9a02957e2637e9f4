"""The paper's tables as pandoc pipe tables with a Quarto caption line `: caption {#tbl-x}`.

Cells are data, never markup: every character markdown would interpret is escaped, so a value
such as `<script>` or `*` reaches the reader as the text it is.
"""

from __future__ import annotations

import re

import pandas as pd

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#+\-!|@$~^&\"'])")


def escape(text: object) -> str:
    """Literal text for a pandoc markdown table cell."""
    if text is None or (isinstance(text, float) and pd.isna(text)) or text is pd.NA:
        return ""
    flat = " ".join(str(text).split())
    return _MARKDOWN_SPECIAL.sub(r"\\\1", flat)


def pipe_table(
    frame: pd.DataFrame,
    caption: str,
    label: str,
    alignments: dict[str, str] | None = None,
    raw_columns: list[str] | None = None,
) -> str:
    """A pipe table with a header row, alignment row and caption; `frame` holds display text.

    The caption is markdown written by us (it may hold emphasis or a citation); cells are escaped
    except in `raw_columns`, which hold markup we generated (citations).
    """
    alignments = alignments or {}
    raw = [column in (raw_columns or []) for column in frame.columns]
    header = "| " + " | ".join(escape(column) for column in frame.columns) + " |"
    # pandoc sizes the columns of a long pipe table by the dashes under each header: a column's
    # share of the text width is its weight's share of the total.
    widths = frame.attrs.get("widths", {})
    rule_cells = []
    for column in frame.columns:
        dashes = "-" * (4 * widths.get(column, 3))
        align = alignments.get(column, "left")
        rule_cells.append(
            {"left": f":{dashes}", "right": f"{dashes}:", "center": f":{dashes}:"}[align]
        )
    rule = "|" + "|".join(rule_cells) + "|"
    body = [
        "| "
        + " | ".join((str(value) if is_raw else escape(value)) for value, is_raw in zip(row, raw))
        + " |"
        for row in frame.itertuples(index=False)
    ]
    return "\n".join([header, rule, *body, "", f": {caption} {{#{label}}}", ""])


def citations(cell: object) -> str:
    """'a; b' → '[@a; @b]': a source column becomes pandoc citations (keys are slugs)."""
    if cell is None or (isinstance(cell, float) and pd.isna(cell)) or cell is pd.NA:
        return ""
    keys = [key.strip() for key in str(cell).split(";") if key.strip()]
    return "[" + "; ".join(f"@{key}" for key in keys) + "]" if keys else ""


def read_caption(captions_path, label: str) -> str:
    """The authored caption of a table; a missing caption is an error naming the file."""
    import yaml

    from compendium.errors import BuildError

    with open(captions_path, encoding="utf-8") as handle:
        try:
            captions = yaml.safe_load(handle) or {}
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark
            problem = " ".join(filter(None, [error.context, error.problem]))
            line = mark.line + 1 if mark else None
            raise BuildError(
                f"not valid YAML: {problem}", file=str(captions_path), line=line
            ) from None
    if label not in captions:
        raise BuildError(f"no caption for '{label}'", file=str(captions_path), field=label)
    return " ".join(str(captions[label]).split())


def write(frame: pd.DataFrame, label: str, captions_path, output) -> None:
    """The table as Markdown with its caption, through a temporary file."""
    from compendium.files import write_text_atomic

    citation_columns = frame.attrs.get("citation_columns", [])
    shown = frame.copy()
    for column in citation_columns:
        shown[column] = shown[column].map(citations)
    text = pipe_table(
        shown,
        read_caption(captions_path, label),
        label,
        alignments=frame.attrs.get("alignments"),
        raw_columns=citation_columns,
    )
    write_text_atomic(output, text)
