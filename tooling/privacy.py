"""Confidential fieldwork data: pseudonymise it on the way in, prove it never comes out.

Identifying material (interview logs with names, institutions, contact details) may only live
in `data/restricted/`, which git ignores. That directory is a small Frictionless Data Package of
its own: `data/restricted/datapackage.json` lists its tables, and a field whose schema carries
`"sensitive": true` holds values that identify someone. Two steps of the build handle it:

- **pseudonymise** is the only step that reads `data/restricted/`. It validates the tables and
  writes them to `results/pseudonymised/` with every sensitive value replaced by a code
  (`interviewee-001`, numbered in order of first appearance; fields that share a `"pseudonym"`
  name share codes, so one person is one code across tables). Steps that need the interviews
  read those copies, never the originals. Without `data/restricted/` it records that there is
  nothing to protect.
- **check_leaks** runs after everything else and looks for every sensitive value in every file
  under `results/`: the text of HTML, PDF (through pypdf), DOCX and other zipped XML, SVG
  (including the text matplotlib keeps in comments when it draws glyphs as paths), CSV, YAML,
  JSON and notebooks, logs, and data embedded in any of them as base64. One hit fails the
  build. Messages name the file, the table, the row and the field, never the value itself.

Matching ignores case, repeated whitespace and line-end hyphenation. Values shorter than
`MIN_LENGTH` characters cannot be told apart from ordinary text and are counted, not scanned;
a value is found only whole, so a surname alone is found only if it is a sensitive field of
its own.
"""

from __future__ import annotations

import base64
import contextlib
import csv
import hashlib
import html
import io
import json
import re
import unicodedata
import zipfile
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from compendium.errors import BuildError

#: Where identifying material may live (gitignored) and its descriptor.
RESTRICTED = Path("data") / "restricted"
DESCRIPTOR = "datapackage.json"

#: Shorter values (initials, ages, "M") would match ordinary text everywhere. Length counts
#: a wide (CJK) character as two: a Chinese name of two or three characters is scanned.
MIN_LENGTH = 4

TEXT_SUFFIXES = {
    ".html", ".htm", ".xml", ".svg", ".md", ".qmd", ".txt", ".csv", ".tsv", ".yml", ".yaml",
    ".json", ".ipynb", ".log", ".tex", ".typ", ".bib", ".css", ".js",
}  # fmt: skip
ZIPPED_XML_SUFFIXES = {".docx", ".odt", ".epub", ".pptx", ".xlsx"}
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".gif", ".webp"}


@dataclass(frozen=True)
class Sensitive:
    """One sensitive value and where it comes from (the value is never printed)."""

    value: str
    table: str
    line: int
    field: str

    @property
    def origin(self) -> str:
        return f"{self.table}:{self.line}: {self.field}"

    @property
    def scannable(self) -> bool:
        return _width(self.value) >= MIN_LENGTH


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text.strip())


@dataclass(frozen=True)
class Hit:
    path: str
    sensitive: Sensitive
    line: int | None = None


# -------------------------------------------------------------------------------------------------
# The restricted package


def is_present(restricted: Path = RESTRICTED) -> bool:
    return (Path(restricted) / DESCRIPTOR).is_file()


def sensitive_fields(schema: dict) -> list[dict]:
    return [field for field in schema.get("fields", []) if field.get("sensitive") is True]


def _raw_values(restricted: Path, descriptor: dict) -> list[str]:
    """Every cell of every sensitive column, read without validation (to redact messages)."""
    values = []
    for resource in descriptor.get("resources", []):
        schema = resource.get("schema")
        if isinstance(schema, str):
            try:
                schema = json.loads((restricted / schema).read_text(encoding="utf-8"))
            except (OSError, ValueError):
                continue
        names = {field["name"] for field in sensitive_fields(schema or {})}
        try:
            text = (restricted / resource["path"]).read_text(encoding="utf-8", errors="replace")
        except (OSError, KeyError, TypeError):
            continue
        for row in csv.DictReader(io.StringIO(text, newline="")):
            values.extend(str(row.get(name) or "") for name in names)
    return sorted({value for value in values if value.strip()}, key=len, reverse=True)


def redact(message: str, values: Iterable[str]) -> str:
    for value in values:
        message = message.replace(value, "<sensitive value>")
    return message


def load(restricted: Path = RESTRICTED):
    """The restricted tables, validated against their own descriptor.

    Validation messages never quote a sensitive value: they are redacted first.
    """
    from compendium.datapackage import load_descriptor, load_tables

    restricted = Path(restricted)
    descriptor_path = restricted / DESCRIPTOR
    descriptor = load_descriptor(descriptor_path)
    try:
        return descriptor, load_tables(descriptor_path)
    except BuildError as error:
        secret = _raw_values(restricted, json.loads(descriptor_path.read_text(encoding="utf-8")))
        raise BuildError(redact(str(error), secret)) from None


def sensitive_values(restricted: Path = RESTRICTED) -> list[Sensitive]:
    """Every non-empty sensitive value of the restricted package, with its origin."""
    if not is_present(restricted):
        return []
    from compendium.datapackage import display_path

    _, tables = load(restricted)
    found = []
    for _, table in sorted(tables.items()):
        shown = display_path(table.path)
        for field in sensitive_fields(table.schema):
            for index, row in enumerate(table.rows):
                value = row[field["name"]]
                if value is not None and value.strip():
                    found.append(Sensitive(value.strip(), shown, index + 2, field["name"]))
    return found


# -------------------------------------------------------------------------------------------------
# Pseudonymisation


def pseudonymise(tables: dict) -> dict[str, tuple[list, list]]:
    """Each table as (header, rows) with every sensitive value replaced by its code.

    A code is `<namespace>-<n>`: the namespace is the field's `"pseudonym"` (default: the
    field's name), n counts the distinct values of that namespace in order of first appearance,
    going through the tables by name and their rows in order. Empty cells stay empty.
    """
    codes: dict[str, dict[str, str]] = {}
    result = {}
    for name in sorted(tables):
        table = tables[name]
        sensitive = {field["name"]: field for field in sensitive_fields(table.schema)}
        header = table.field_names
        rows = []
        for row in table.rows:
            out = []
            for column in header:
                value = row[column]
                if column in sensitive and value is not None and value.strip():
                    namespace = str(sensitive[column].get("pseudonym") or column)
                    assigned = codes.setdefault(namespace, {})
                    key = _normalise(value)
                    if key not in assigned:
                        assigned[key] = f"{namespace}-{len(assigned) + 1:03d}"
                    value = assigned[key]
                out.append("" if value is None else value)
            rows.append(out)
        result[name] = (header, rows)
    return result


def write_tables(pseudonymised: dict[str, tuple[list, list]], directory: Path) -> list[Path]:
    from tooling.steps import write_text_atomic

    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, (header, rows) in sorted(pseudonymised.items()):
        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
        path = directory / f"{name}.csv"
        write_text_atomic(path, buffer.getvalue())
        written.append(path)
    return written


def pseudonymisation_report(restricted: Path, tables: dict | None) -> str:
    if tables is None:
        return (
            f"{restricted}/ is absent: there is no confidential data to protect, and nothing "
            "was pseudonymised.\n"
        )
    lines = [f"Pseudonymised the tables of {restricted}/ into results/pseudonymised/:"]
    for name, table in sorted(tables.items()):
        fields = [field["name"] for field in sensitive_fields(table.schema)]
        lines.append(
            f"- {name}: {len(table.rows)} rows; sensitive fields replaced by codes: "
            + (", ".join(fields) if fields else "none")
        )
    return "\n".join(lines) + "\n"


# -------------------------------------------------------------------------------------------------
# Looking for leaks


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    return " ".join(text.casefold().split())


def _variants(text: str) -> list[str]:
    """The text, normalised; and again with line-end hyphenation undone (PDF, DOCX)."""
    flat = _normalise(text)
    dehyphenated = _normalise(re.sub(r"(\w)-\s*\n\s*(\w)", r"\1\2", text))
    return [flat] if dehyphenated == flat else [flat, dehyphenated]


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
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _structured_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _structured_strings(item)
    elif value is not None:
        yield str(value)


def _kind(path: Path) -> str:
    suffix = Path(path).suffix.lower()
    if suffix in IMAGE_SUFFIXES:
        return "image"
    known = suffix in TEXT_SUFFIXES | ZIPPED_XML_SUFFIXES | {".pdf"}
    return suffix[1:] if known else "other"


def texts_of(path: Path, data: bytes | None = None, depth: int = 0) -> tuple[str, list[str]]:
    """(kind, texts): what a reader of the file could read, in forms a value can be found in.

    kind is the format scanned ("image" for pictures, whose pixels are not read).
    """
    data = Path(path).read_bytes() if data is None else data
    suffix = Path(path).suffix.lower()
    texts: list[str] = []
    if suffix in {".pdf", *ZIPPED_XML_SUFFIXES}:
        try:
            if suffix == ".pdf":
                kind, texts = "pdf", _pdf_texts(data, path)
            else:
                kind, texts = suffix[1:], _zipped_texts(data)
        except BuildError:
            raise
        except Exception as error:  # what cannot be read cannot be shown to be free of leaks
            raise BuildError(
                f"cannot be read to look for sensitive values ({type(error).__name__}: {error})",
                file=str(path),
            ) from None
    elif suffix in IMAGE_SUFFIXES:
        return "image", [data.decode("latin-1")]  # embedded metadata (text chunks) only
    else:
        kind = suffix[1:] if suffix in TEXT_SUFFIXES else "other"
        raw = data.decode("utf-8", errors="replace")
        texts = [raw]
        if suffix in {".html", ".htm", ".xml", ".svg"} or raw.lstrip().startswith("<"):
            texts += _markup_texts(raw)
        if suffix in {".json", ".ipynb"}:
            with contextlib.suppress(ValueError):
                texts.append("\n".join(_structured_strings(json.loads(raw))))
        if suffix in {".yml", ".yaml"}:
            try:
                import yaml

                texts.append("\n".join(_structured_strings(yaml.safe_load(raw))))
            except Exception:  # an unreadable file is still scanned as written
                pass
        if depth < 2:
            for match in _DATA_URI.finditer(raw):
                try:
                    embedded = base64.b64decode("".join(match[2].split()), validate=False)
                except ValueError:
                    continue
                mime = match[1] or ""
                name = "embedded" + {"image/svg+xml": ".svg", "application/pdf": ".pdf"}.get(
                    mime, ".png" if mime.startswith("image/") else ".txt"
                )
                texts += texts_of(Path(name), embedded, depth + 1)[1]
    return kind, texts


def _pdf_texts(data: bytes, path) -> list[str]:
    try:
        from pypdf import PdfReader
    except ImportError:
        raise BuildError(
            "pypdf is needed to read the text of PDF files; install the locked environment",
            file=str(path),
        ) from None
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
    """Where sensitive values occur: one hit per file and distinct value; files by kind.

    `cache` (a tooling.file_cache.FileCache) answers for the files unchanged since it last
    looked for the same values."""
    excluded = {Path(path).resolve() for path in exclude}
    needles: dict[str, Sensitive] = {}
    for item in values:  # a value recorded in several rows is looked for once, by its first
        if item.scannable:
            needles.setdefault(_normalise(item.value), item)
    # the cache's key for this set of values: a digest of them all, never a value itself
    looked_for = "leaks-" + hashlib.sha256("\0".join(sorted(needles)).encode()).hexdigest()
    items = list(needles.values())
    hits: list[Hit] = []
    kinds: Counter = Counter()
    for path in sorted(Path(root).rglob("*")):
        if not path.is_file() or path.resolve() in excluded:
            continue
        if not needles:  # nothing to look for: the files are only counted
            kinds[_kind(path)] += 1
            continue
        if cache is None:
            kind, found = _found_in(path, needles)
        else:
            kind, found = cache.known(path, looked_for, lambda file: _found_in(file, needles))
        kinds[kind] += 1
        raw = path.read_bytes() if found else b""
        hits += [Hit(str(path), items[i], _line_in(raw, items[i].value)) for i in found]
    return hits, kinds


def _found_in(path: Path, needles: dict[str, Sensitive]) -> tuple[str, list[int]]:
    """The file's kind and which of the values (by their place in `needles`) occur in it."""
    kind, texts = texts_of(path)
    haystacks = [variant for text in texts for variant in _variants(text)]
    raw = path.read_bytes()
    found = [
        index
        for index, (needle, item) in enumerate(needles.items())
        if any(needle in haystack for haystack in haystacks) or item.value.encode() in raw
    ]
    return kind, found


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
