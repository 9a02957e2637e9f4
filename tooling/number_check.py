"""Every number in the manuscript's prose comes from a value: checked on the source, line by line.

The prose is manuscript/*.qmd as the renderer reads it (the article, and any authored file it
includes) and the captions of the generated tables (manuscript/captions.yml). A number there
must be written as `{{< var key >}}` (a value computed from the coded data, results/values.json)
or `{{< meta key >}}` (the document's metadata). The few kinds of number that are not values
are listed in LITERAL_KINDS, each with its reason; anything else is reported as
`file:line: number "2009" typed by hand`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from compendium.errors import BuildError

NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

_SHORTCODE = re.compile(r"\{\{\{?<.*?>\}\}\}?")
_INCLUDE = re.compile(r"^\s*\{\{<\s*include\s+(\S+)\s*>\}\}\s*$")
_CITATION = re.compile(r"\[[^\[\]]*@[^\[\]]*\]|@[\w:.#$%&+?<>~/-]*\w\s*\[[^\[\]]*\]")


@dataclass(frozen=True)
class LiteralKind:
    name: str
    pattern: re.Pattern[str]
    reason: str
    in_citations_only: bool = False


#: The numbers that are not values, in the order they are taken out of a line (shortcodes, the
#: values themselves, first). Each kind is recognised by its syntax, not by its digits.
LITERAL_KINDS = [
    LiteralKind(
        "address",
        re.compile(r"<https?://[^>\s]+>|\]\([^)\s]*\)|https?://\S+|\[\^[^\]\s]+\]"),
        "URLs, link and image targets and footnote labels locate a thing; they state no fact",
    ),
    LiteralKind(
        "citation locator",
        re.compile(r"\b(?:p|pp|para|paras)\.\s*\d+(?:\s*[-–]\s*\d+)?"),
        "a page or paragraph of a cited work (`[@liao2008, p. 613]`, `pp. 23–4`, `para. 2`) says "
        "where the reader finds the claim in that work; only inside a citation's brackets",
        in_citations_only=True,
    ),
    LiteralKind(
        "label",
        re.compile(r"@[\w:.#$%&+?<>~/-]*\w|\{[^{}]*?#[\w:.-]+|\{\.[\w-]+"),
        "citation keys (author and year: `@liao2008`) and the labels of figures, tables and "
        "sections (`@sec-notice-2012`, `{#sec-x}`) name things; the renderer prints the "
        "cross-reference numbers, and the bibliography check checks the keys",
    ),
    LiteralKind(
        "list marker",
        re.compile(r"^\s*\d+[.)](?=\s)"),
        "the number of an ordered list's item is its place in the list",
    ),
    LiteralKind(
        "name with digits",
        re.compile(r"\bSHA-256\b|\bCO2\b"),
        "the name of a standard or a substance, not a quantity (listed one by one, so that a "
        "new one is a decision)",
    ),
]

#: Front-matter fields written as prose, checked like the body. The other fields describe the
#: document itself (title, the source article's volume and year, licence versions, dates), not
#: the subject, and are left out.
PROSE_FIELDS = {"abstract"}

#: Includes of files the build generates (tables, the appendix) are not read: their numbers are
#: data by construction. An include of an authored file is read like the article, in place.
GENERATED = "results/"


@dataclass(frozen=True)
class Line:
    file: str
    number: int
    text: str


def _front_matter_end(lines: list[str]) -> int:
    """The index of the first line after the YAML front matter; 0 when there is none."""
    if not lines or lines[0].strip() != "---":
        return 0
    closing = (
        number for number, line in enumerate(lines) if number and line.strip() in ("---", "...")
    )
    return next(closing, -1) + 1


def _shown_name(path: Path, root: Path) -> str:
    """How an error names `path`: relative to the tree when it is inside it."""
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)


def prose_lines(path: Path, root: Path) -> list[Line]:
    """The lines of `path` that are prose, each with its file (relative to `root`) and line
    number, authored includes followed in place."""
    name = _shown_name(path, root)
    lines = path.read_text(encoding="utf-8").splitlines()
    body = _front_matter_end(lines)
    prose, field = [], None
    for index, text in enumerate(lines[1 : max(body - 1, 1)], start=1):
        if match := re.match(r"([\w-]+):", text):
            field, text = match.group(1), text[match.end() :]
        if field in PROSE_FIELDS:
            prose.append(Line(name, index + 1, text))
    for index, text in enumerate(lines[body:], start=body):
        included = _INCLUDE.match(text)
        if included and GENERATED not in included.group(1):
            target = (path.parent / included.group(1)).resolve()
            if not target.is_file():
                raise BuildError(
                    f"included file '{included.group(1)}' not found", file=name, line=index + 1
                )
            prose += prose_lines(target, root)
        else:
            prose.append(Line(name, index + 1, text))
    return prose


def caption_lines(path: Path, root: Path) -> list[Line]:
    """The captions of the generated tables (a YAML mapping of label to Markdown): prose printed
    in the paper like the article's, so read the same way; comments and the labels are not."""
    name = _shown_name(path, root)
    return [
        Line(name, index, re.sub(r"^[\w-]+:\s*(?:[>|][+-]?)?", "", text))
        for index, text in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if not text.lstrip().startswith("#")
    ]


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group())


def _blanking(pattern: re.Pattern[str]):
    """Blanks `pattern` inside each match of another pattern."""
    return lambda match: pattern.sub(_blank, match.group())


def hand_typed(text: str) -> list[str]:
    """The numbers of one line of prose that are neither a shortcode nor a literal kind."""
    text = _SHORTCODE.sub(_blank, text)
    for kind in LITERAL_KINDS:
        if kind.in_citations_only:
            text = _CITATION.sub(_blanking(kind.pattern), text)
        else:
            text = kind.pattern.sub(_blank, text)
    return NUMBER.findall(text)


def check(prose: list[Line]) -> list[BuildError]:
    """One error per number typed by hand in `prose`, in reading order."""
    return [
        BuildError(
            f'number "{number}" typed by hand: use {{{{< var … >}}}}',
            file=line.file,
            line=line.number,
        )
        for line in prose
        for number in hand_typed(line.text)
    ]


def require_values(manuscript: Path, root: Path, captions: Path | None = None) -> list[Line]:
    """The prose lines of the article, then of the captions (when given), or one BuildError
    that lists every number typed by hand, one `file:line:` line each."""
    prose = prose_lines(manuscript, root) + (caption_lines(captions, root) if captions else [])
    if problems := check(prose):
        raise BuildError("\n".join(str(problem) for problem in problems))
    return prose
