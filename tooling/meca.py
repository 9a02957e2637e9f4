"""results/paper-meca.zip: the paper as a journal's submission system takes it, following NISO
RP-30 (MECA); docs/build-receipt.md lists its items. Figures sit under `figures/`, where the JATS
file's `<graphic xlink:href>` already points.

The bytes are deterministic: entries in a fixed order, every time stamp the edition's date,
fixed permissions, and no compression (deflate output depends on the zlib build, which differs
between machines; stored entries do not).
"""

from __future__ import annotations

import time
import zipfile
from pathlib import Path, PurePosixPath
from xml.sax.saxutils import escape, quoteattr

from compendium.files import atomic_output

MANIFEST_NAMESPACE = "https://manuscriptexchange.org/schema/manifest"
DOCTYPE = (
    '<!DOCTYPE manifest PUBLIC "-//MECA//DTD Manifest v1.0//en" '
    '"https://meca.zip/manifest-1.0.dtd">'
)
MEDIA_TYPES = {".xml": "application/xml", ".pdf": "application/pdf", ".svg": "image/svg+xml",
               ".csv": "text/csv", ".json": "application/json"}  # fmt: skip
#: ZIP cannot hold dates before 1980.
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)
#: The bundle's items in manifest order, by their place in the bundle (a folder holds several,
#: in the order given): MECA item type, and a description with the file's stem for `{}`.
ITEMS = {
    "paper.xml": ("article-metadata", "The article in JATS XML: metadata and full text"),
    "paper.pdf": ("manuscript", "The article as typeset PDF"),
    "figures/": ("figure", "Figure {}"),
    "data/": ("supplementary-material", "Coded data table {}, cleaned (CSV, UTF-8)"),
    "provenance.intoto.json": (
        "supplementary-material",
        "Build receipt: in-toto Statement v1 with SLSA Provenance v1 (files and sources)",
    ),
}


def place(href: str) -> str:
    """The key of ITEMS a file of the bundle falls under: its folder, else its own path."""
    folder, separator, _ = href.partition("/")
    return folder + separator if separator else href


def manifest_xml(hrefs: list[str]) -> str:
    """MECA manifest 1.0 listing every item, each with one instance."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        DOCTYPE,
        f'<manifest manifest-version="1" xmlns="{MANIFEST_NAMESPACE}" '
        'xmlns:xlink="http://www.w3.org/1999/xlink">',
    ]
    for number, href in enumerate(hrefs, start=1):
        item_type, description = ITEMS[place(href)]
        path = PurePosixPath(href)
        lines += [
            f'  <item id="item-{number}" item-type={quoteattr(item_type)}>',
            f"    <item-description>{escape(description.format(path.stem))}</item-description>",
            f"    <file-order>{number}</file-order>",
            f"    <instance media-type={quoteattr(MEDIA_TYPES[path.suffix])} "
            f"xlink:href={quoteattr(href)}/>",
            "  </item>",
        ]
    return "\n".join([*lines, "</manifest>"]) + "\n"


def write(destination: Path, files: dict[str, Path], epoch: int) -> None:
    """Write the bundle: manifest.xml first, then `files` (bundle path → file) in item order,
    with the edition's date, fixed permissions and no compression (module docstring)."""
    required = {href for href in ITEMS if not href.endswith("/")}
    unknown = {href for href in files if place(href) not in ITEMS}
    if unmatched := sorted((required - set(files)) | unknown):
        raise ValueError(f"MECA bundle: no item or no file for {', '.join(unmatched)}")
    hrefs = sorted(files, key=lambda href: list(ITEMS).index(place(href)))
    entries = {"manifest.xml": manifest_xml(hrefs).encode()}
    entries |= {href: Path(files[href]).read_bytes() for href in hrefs}
    with atomic_output(destination) as partial, zipfile.ZipFile(partial, "w") as bundle:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=max(ZIP_EPOCH, time.gmtime(epoch)[:6]))
            info.create_system = 3  # Unix, so the permissions below mean the same everywhere
            info.external_attr = 0o644 << 16
            bundle.writestr(info, data)
