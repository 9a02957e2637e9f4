"""Check the bibliography against the manuscript before pandoc ever sees either.

pandoc with ``--fail-if-warnings`` would also stop on an unknown citation key, but only at render
time and without saying which manuscript line holds it. These checks run first and point at the
line to fix: a broken or duplicated ``references.bib`` entry, or a citation without an entry.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from pathlib import Path

import pybtex.errors
from pybtex.database import Entry
from pybtex.database.input.bibtex import Parser
from pybtex.scanner import PybtexError

from compendium.errors import BuildError

# Quarto's cross-reference labels share the `@` syntax with citations; the manuscript uses these.
CROSS_REFERENCE_PREFIXES = ("fig-", "tbl-", "sec-")

# `@type{key,` or `@type(key,` at the start of a line; @comment, @string and @preamble hold no key.
# The comma is optional in the pattern because pybtex accepts an entry whose key lacks it.
_ENTRY_START = re.compile(
    r"^[ \t]*@([A-Za-z]+)[ \t]*[{(][ \t]*([^\s,{}()]+)[ \t]*(?:,|$)", re.MULTILINE
)
_NON_ENTRY_COMMANDS = {"comment", "string", "preamble"}

# pandoc's citation key: starts with a letter, digit or `_`; internal punctuation from
# `:.#$%&-+?<>~/` is allowed only when followed by more key characters, so a sentence's full stop
# after `@liao2008` is not part of the key. `@{...}` is pandoc's form for any other key.
_KEY = r"[\w](?:[\w]|[:.#$%&\-+?<>~/](?=[\w]))*"
# Not after a word character (e-mail addresses) or a backslash (an escaped `\@`).
_CITATION = re.compile(rf"(?<![\w\\])@(?:\{{(?P<braced>[^{{}}\s]+)\}}|(?P<bare>{_KEY}))")

_FENCE = re.compile(r"^[ \t]{0,3}(`{3,}|~{3,})")
_SHORTCODE = re.compile(r"\{\{<.*?>\}\}", re.DOTALL)
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
# A code span may wrap lines but not cross a blank line (the end of a paragraph).
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`)(?:(?!\n[ \t]*\n).)*?(?<!`)\1(?!`)", re.DOTALL)
# URLs may contain `@` (https://example.org/@user); pandoc does not read those as citations.
_URL = re.compile(
    r"<[A-Za-z][A-Za-z0-9+.-]*:[^\s>]*>|\]\([^)\s]*|(?<!@\{)\b[A-Za-z][A-Za-z0-9+.-]*://\S+"
)


def _line_of(text: str, position: int) -> int:
    return text.count("\n", 0, position) + 1


def _find_duplicate_keys(text: str, file: str) -> None:
    first_seen: dict[str, tuple[str, int]] = {}
    for match in _ENTRY_START.finditer(text):
        if match.group(1).lower() in _NON_ENTRY_COMMANDS:
            continue
        key = match.group(2)
        line = _line_of(text, match.start(2))
        # BibTeX keys are case-insensitive: pybtex (and biber) treat `Song2010` as `song2010`.
        folded = key.lower()
        if folded in first_seen:
            first_key, first_line = first_seen[folded]
            raise BuildError(
                f"duplicate key {key!r}: also defined at line {first_line} ({first_key!r}); "
                "rename or remove one of the two entries",
                file=file,
                line=line,
                field="key",
            )
        first_seen[folded] = (key, line)


def _entry_lines(text: str) -> dict[str, int]:
    return {
        match.group(2).lower(): _line_of(text, match.start(2))
        for match in _ENTRY_START.finditer(text)
        if match.group(1).lower() not in _NON_ENTRY_COMMANDS
    }


def _parse_error(error: PybtexError, text: str, file: str) -> BuildError:
    line = getattr(error, "lineno", None)
    message = error.args[0] if error.args else str(error)
    error_type = getattr(error, "error_type", None)
    if error_type and error_type != "syntax error":
        message = f"{error_type} {message!r}"  # e.g. an unbraced value read as a @string macro
    context = getattr(error, "error_context_info", None)
    if line is not None and context is not None:
        # pybtex reports where it noticed the problem (often the next entry); the entry it was
        # reading when it failed is usually the one to fix.
        entry_line = _line_of(text, context[0])
        if entry_line != line:
            message += f" (in the entry that starts at line {entry_line})"
    if line is None:
        # Errors found after scanning (a duplicate field, a malformed name) carry no line number:
        # point at the entry whose key the message names, or at the quoted text it complains of.
        named_key = re.search(r"entry with key (\S+) has", message)
        quoted = re.search(r"'([^']+)'", message)
        if named_key:
            line = _entry_lines(text).get(named_key.group(1).lower())
        elif quoted and quoted.group(1) in text:
            line = _line_of(text, text.index(quoted.group(1)))
    return BuildError(f"cannot parse the bibliography: {message}", file=file, line=line)


def load_bibliography(path: str | Path) -> dict[str, Entry]:
    """Parse a BibTeX file into ``{key: Entry}``, in file order.

    Duplicate keys are looked for before parsing, on the raw ``@type{key,`` lines, so that the
    error can name both lines; pybtex itself only reports the second key, without a line. Parse
    errors are captured rather than left to pybtex's global strict/lenient switch, so the result
    does not depend on how some other code configured pybtex.
    """
    path = Path(path)
    file = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise BuildError(f"cannot read the bibliography: {error}", file=file) from error

    _find_duplicate_keys(text, file)

    parser = Parser(encoding="utf-8")
    with pybtex.errors.capture() as captured:
        try:
            data = parser.parse_string(text)
        except PybtexError as error:
            captured.append(error)
    if captured:
        raise _parse_error(captured[0], text, file) from captured[0]
    return dict(data.entries.items())


def _blank(text: str, start: int, end: int) -> str:
    """Replace text[start:end] by spaces, keeping newlines so that line numbers still hold."""
    return text[:start] + re.sub(r"[^\n]", " ", text[start:end]) + text[end:]


def _mask(text: str, pattern: re.Pattern[str]) -> str:
    for match in reversed(list(pattern.finditer(text))):
        text = _blank(text, match.start(), match.end())
    return text


def _mask_fenced_code(text: str) -> str:
    lines = text.split("\n")
    fence: str | None = None
    for number, line in enumerate(lines):
        match = _FENCE.match(line)
        if fence is None:
            if match:
                fence = match.group(1)
                lines[number] = " " * len(line)
        else:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence):
                fence = None
            lines[number] = " " * len(line)
    return "\n".join(lines)


def cited_keys(markdown_text: str) -> list[tuple[str, int]]:
    """Every citation key in a pandoc/Quarto manuscript, with its line number, in text order.

    A key cited twice appears twice. Not counted: cross-references (`@fig-…`, `@tbl-…`, `@sec-…`),
    e-mail addresses, escaped `\\@`, and anything inside code blocks, code spans, `{{< … >}}`
    shortcodes, HTML comments and URLs — pandoc does not read citations there either.
    """
    masked = _mask_fenced_code(markdown_text)
    for pattern in (_HTML_COMMENT, _SHORTCODE, _CODE_SPAN, _URL):
        masked = _mask(masked, pattern)
    found = []
    for match in _CITATION.finditer(masked):
        key = match.group("braced") or match.group("bare")
        if key.startswith(CROSS_REFERENCE_PREFIXES):
            continue
        found.append((key, _line_of(masked, match.start())))
    return found


def check_citations(
    bib_entries: Mapping[str, Entry],
    cited: Iterable[tuple[str, int]],
    *,
    manuscript: str | None = None,
) -> list[str]:
    """Return the bibliography keys the manuscript never cites, sorted.

    A cited key without an entry is an error, reported at the first manuscript line that cites
    it; other missing keys are listed in the same message so that one run shows them all. Keys
    are compared exactly, as pandoc compares them.
    """
    cited = list(cited)
    missing: dict[str, int] = {}
    for key, line in cited:
        if key not in bib_entries:
            missing.setdefault(key, line)
    if missing:
        (first_key, first_line), *others = missing.items()
        message = f"citation key {first_key!r} has no entry in the bibliography"
        if manuscript is None:
            message += f" (manuscript line {first_line})"
        if others:
            rest = ", ".join(f"{key!r} (line {line})" for key, line in others)
            message += f"; also missing: {rest}"
        raise BuildError(message, file=manuscript, line=first_line, field="citation")
    cited_set = {key for key, _ in cited}
    return sorted(key for key in bib_entries if key not in cited_set)


STATUSES = ("verified", "likely", "identification uncertain")  # strongest first


def check_statuses(bib_entries: Mapping[str, Entry], *, file: str | None = None) -> None:
    """Every entry says how sure it is, and says it as its weakest part.

    The reference list marks each entry that is not "verified", so a status that overstates
    what was confirmed would hide an unchecked field from the reader: an entry listing
    unconfirmed parts (`x-unconfirmed`) cannot be "verified", and a "likely" entry must say
    which parts are unconfirmed.
    """
    lines = _entry_lines(Path(file).read_text(encoding="utf-8")) if file else {}
    for key, entry in bib_entries.items():
        status = entry.fields.get("x-status", "").strip()
        unconfirmed = entry.fields.get("x-unconfirmed", "").strip()
        problem = None
        if status not in STATUSES:
            problem = f"x-status {status!r} is not one of {', '.join(STATUSES)}"
        elif status == "verified" and unconfirmed:
            problem = f"x-status is 'verified' but x-unconfirmed lists {unconfirmed!r}"
        elif status == "likely" and not unconfirmed:
            problem = "x-status is 'likely' but x-unconfirmed does not say what is unconfirmed"
        if problem:
            raise BuildError(
                f"entry {key!r}: {problem}",
                file=file,
                line=lines.get(key.lower()),
                field="x-status",
            )
