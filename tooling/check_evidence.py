"""Check every evidence phrase of the coding against the article's text.

The article is not redistributed with the compendium, so this check runs only where a reviewer
has its text: `python -m tooling.check_evidence path/to/article.txt`. It prints each phrase
that does not occur in the section its row's locator names, and exits non-zero if any does.
(The build itself checks, without the article, that every coded year is named by its phrase.)
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from compendium import evidence

#: (table, key column, evidence column, locator column) of every phrase the coding holds.
PHRASES = [
    ("events", "event_id", "date_evidence", "locator"),
    ("instruments", "instrument_id", "date_evidence", "locator"),
    ("modalities", "modality_id", "span_start_evidence", "span_start_locator"),
    ("modalities", "modality_id", "span_end_evidence", "span_end_locator"),
    ("flows", "flow_id", "strength_evidence", "locator"),
]


def problems(article: str, raw: Path = Path("data/raw")) -> list[str]:
    sections = evidence.article_sections(article)
    found = []
    for table, key, column, locator in PHRASES:
        frame = pd.read_csv(raw / f"{table}.csv", dtype=str, keep_default_na=False)
        rows = pd.DataFrame({key: frame[key], column: frame[column], "locator": frame[locator]})
        for row, phrase, where in evidence.unsupported_phrases(rows, sections, column):
            found.append(f"data/raw/{table}.csv: {row}: {column}: '{phrase}' is not in {where}")
    return found


def main(arguments: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m tooling.check_evidence", description=__doc__)
    parser.add_argument("article", type=Path, help="the article's text (ARTICLE.txt)")
    found = problems(parser.parse_args(arguments).article.read_text(encoding="utf-8"))
    print("\n".join([*found, f"{len(found)} unsupported phrase(s)"]))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
