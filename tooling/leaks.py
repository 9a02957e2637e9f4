"""Looking for leaks: every sensitive value of the restricted package, in every output.

See `tooling.privacy` for what is sensitive and how it is matched. Each file under results/ is
read as its reader could read it: text, markup with tags removed and entities decoded, SVG text
matplotlib keeps in comments when it draws glyphs as paths, PDF (pypdf), DOCX, JSON and YAML
strings, and data embedded as base64. A hit names where a value occurs, never the value.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import html
import io
import json
import mimetypes
import re
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import yaml

from compendium.errors import BuildError
from tooling.privacy import MIN_LENGTH, Sensitive, is_present, normalise

TEXT_SUFFIXES = {
    ".html", ".htm", ".xml", ".svg", ".md", ".qmd", ".txt", ".csv", ".tsv", ".yml", ".yaml",
    ".json", ".ipynb", ".log", ".tex", ".typ", ".bib", ".css", ".js",
}  # fmt: skip
ZIPPED_XML_SUFFIXES = {".docx", ".odt", ".epub", ".pptx", ".xlsx"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}
#: Structured text whose strings are read again once parsed (escapes such as \u00e9 undone).
PARSERS = {".json": json.loads, ".ipynb": json.loads,
           ".yml": yaml.safe_load, ".yaml": yaml.safe_load}  # fmt: skip


@dataclass(frozen=True)
class Hit:
    path: str
    sensitive: Sensitive
    line: int | None = None


_TAG = re.compile(r"<[^>]*>")
_COMMENT = re.compile(r"<!--(.*?)-->", re.S)
_DATA_URI = re.compile(r"data:([\w.+-]+/[\w.+-]+)?(?:;[\w=.+-]+)*;base64,([A-Za-z0-9+/=\s]+)")


def _markup_texts(raw: str) -> list[str]:
    """Markup as written, as text with entities decoded, and as text with tags removed (so that
    `<em>Lan</em> Fixturo` reads as one value); SVG text drawn as paths survives only in
    matplotlib's comments, joined here."""
    comments = " ".join(_COMMENT.findall(raw))
    return [raw, html.unescape(raw), html.unescape(_TAG.sub("", raw)), comments]


def _structured_strings(value) -> Iterator[str]:
    if isinstance(value, dict):
        value = [*map(str, value), *value.values()]
    if isinstance(value, list):
        for item in value:
            yield from _structured_strings(item)
    elif value is not None:
        yield str(value)


def _kind(path: Path) -> str:
    """The format a file is read as, for the report ("image": pixels are not read)."""
    suffix = path.suffix.lower()
    known = suffix in TEXT_SUFFIXES | ZIPPED_XML_SUFFIXES | {".pdf"}
    return "image" if suffix in IMAGE_SUFFIXES else suffix[1:] if known else "other"


def texts_of(path: Path, data: bytes | None = None, depth: int = 0) -> list[str]:
    """What a reader of the file could read, in forms a value can be found in."""
    data = Path(path).read_bytes() if data is None else data
    suffix = Path(path).suffix.lower()
    if suffix in {".pdf", *ZIPPED_XML_SUFFIXES}:
        try:
            return _pdf_texts(data) if suffix == ".pdf" else _zipped_texts(data)
        except Exception as error:  # what cannot be read cannot be shown to be free of leaks
            raise BuildError(
                f"cannot be read to look for sensitive values ({type(error).__name__}: {error})",
                file=str(path),
            ) from None
    if suffix in IMAGE_SUFFIXES:
        return [data.decode("latin-1")]  # embedded metadata (text chunks) only
    raw = data.decode("utf-8", errors="replace")
    texts = [raw]
    if suffix in {".html", ".htm", ".xml", ".svg"} or raw.lstrip().startswith("<"):
        texts += _markup_texts(raw)
    if suffix in PARSERS:
        with contextlib.suppress(Exception):  # an unreadable file is still scanned as written
            texts.append("\n".join(_structured_strings(PARSERS[suffix](raw))))
    for match in _DATA_URI.finditer(raw) if depth < 2 else ():
        try:
            embedded = base64.b64decode("".join(match[2].split()), validate=False)
        except ValueError:
            continue
        suffix = mimetypes.guess_extension(match[1] or "text/plain") or ".txt"
        texts += texts_of(Path("embedded" + suffix), embedded, depth + 1)
    return texts


def _pdf_texts(data: bytes) -> list[str]:
    from pypdf import PdfReader  # locked; without it a PDF is reported as unreadable

    reader = PdfReader(io.BytesIO(data))
    pages = [page.extract_text() or "" for page in reader.pages]
    metadata = [str(value) for value in (reader.metadata or {}).values()]
    return ["\n".join(pages), "\n".join(metadata), data.decode("latin-1")]


def _zipped_texts(data: bytes) -> list[str]:
    texts = []
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for member in sorted(archive.namelist()):
            if member.endswith((".xml", ".rels", ".xhtml", ".html", ".opf", ".ncx")):
                raw = archive.read(member).decode("utf-8", errors="replace")
                # Word splits a run of text over several <w:t> elements: join them.
                texts += [raw, html.unescape(_TAG.sub("", raw))]
    return texts


def scan(
    root: Path, values: list[Sensitive], exclude: Iterable[Path] = (), cache=None
) -> tuple[list[Hit], Counter]:
    """Where sensitive values occur: one hit per file and distinct value; files by kind. `cache`
    (a FileCache) answers for the files unchanged since it last looked for the same values."""
    excluded = {Path(path).resolve() for path in exclude}
    needles: dict[str, Sensitive] = {}
    for item in values:  # a value recorded in several rows is looked for once, by its first
        if item.scannable:
            needles.setdefault(normalise(item.value), item)
    # the cache's key for this set of values: a digest of them all, never a value itself
    looked_for = "found-" + hashlib.sha256("\0".join(sorted(needles)).encode()).hexdigest()
    items, search = list(needles.values()), partial(_found_in, needles)
    hits: list[Hit] = []
    kinds: Counter = Counter()
    for path in sorted(Path(root).rglob("*")):
        if not path.is_file() or path.resolve() in excluded:
            continue
        # Everything under logs/ (the steps' logs, Snakemake's benchmark records) is how the
        # build ran, not what it made: scanned, but counted as logs.
        as_log = "logs" in path.relative_to(root).parts
        kinds["log" if as_log else _kind(path)] += 1
        if not needles:  # nothing to look for: the files are only counted
            continue
        found = search(path) if cache is None else cache.known(path, looked_for, search)
        raw = path.read_bytes() if found else b""
        hits += [Hit(str(path), items[i], _line_in(raw, items[i].value)) for i in found]
    return hits, kinds


def _found_in(needles: dict[str, Sensitive], path: Path) -> list[int]:
    """Which of the values (by their place in `needles`) occur in the file, normalised, also
    with line-end hyphenation undone (PDF, DOCX)."""
    texts = texts_of(path)
    texts += [re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text) for text in texts]
    haystacks = {normalise(text) for text in texts}
    raw = path.read_bytes()
    return [
        index
        for index, (needle, item) in enumerate(needles.items())
        if any(needle in haystack for haystack in haystacks) or item.value.encode() in raw
    ]


def _line_in(raw: bytes, value: str) -> int | None:
    """The line of a text file on which `value` stands as written (any case), if it does."""
    text = raw.decode("utf-8", errors="replace").casefold()
    position = text.find(value.casefold())
    return None if position < 0 else text.count("\n", 0, position) + 1


def leak_report(restricted: Path, values: list[Sensitive], hits: list[Hit], kinds: Counter) -> str:
    # Logs are scanned like every file but not counted: how many there are depends on how the
    # build ran (a step let finish after Ctrl-C keeps no log), not on what it made.
    made = {kind: count for kind, count in kinds.items() if kind != "log"}
    scanned = ", ".join(f"{kind} {count}" for kind, count in sorted(made.items()))
    total = sum(made.values())
    if not is_present(restricted):
        return (
            f"{restricted}/ is absent: there is no confidential data to protect.\n"
            f"Files under results/ at the end of the build: {total} ({scanned}).\n"
        )
    short = sum(1 for item in values if not item.scannable)
    lines = [
        f"Sensitive values from {restricted}/: {len(values)}"
        + (f" ({short} shorter than {MIN_LENGTH} characters, not scanned)" if short else ""),
        f"Files scanned under results/: {total} ({scanned}).",
        f"Leaks: {len(hits)}" + ("" if hits else " (no sensitive value appears in any output)"),
    ]
    if kinds.get("image"):
        lines.append(
            f"Images ({kinds['image']}) are scanned for embedded text only, not for drawn text."
        )
    return "\n".join(lines) + "\n"


def leak_errors(hits: list[Hit]) -> list[BuildError]:
    """One error per leaking file and value; the value itself is never part of the message."""
    return [
        BuildError(
            f"holds a sensitive value from {hit.sensitive.table}:{hit.sensitive.line}; take "
            "it out of the sources of this file, or mark the field it came through sensitive "
            "so that it is pseudonymised",
            file=hit.path,
            line=hit.line,
            field=hit.sensitive.field,
        )
        for hit in hits
    ]
