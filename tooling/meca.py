"""results/paper-meca.zip: the paper as a journal's submission system takes it, following NISO
RP-30 (Manuscript Exchange Common Approach, MECA).

The bundle's `manifest.xml` (MECA manifest 1.0) lists every file with its MECA item type and
media type: the JATS article (`article-metadata`), the PDF (`manuscript`), the figures, the
coded data tables and the build receipt (`supplementary-material`). Figures sit under
`figures/`, where the JATS file's `<graphic xlink:href>` already points.

The bytes are deterministic: entries in a fixed order, every time stamp the edition's date,
fixed permissions, and no compression (deflate output depends on the zlib build, which differs
between machines; stored entries do not).
"""

from __future__ import annotations

import time
import zipfile
from collections import namedtuple
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


#: One file of the bundle: where it is in the bundle, its MECA item type, a description.
Item = namedtuple("Item", "href item_type description")


def items(figures: list[str], data: list[str]) -> list[Item]:
    """The bundle's items in manifest order: article, manuscript, figures, data, receipt."""
    return [
        Item("paper.xml", "article-metadata", "The article in JATS XML: metadata and full text"),
        Item("paper.pdf", "manuscript", "The article as typeset PDF"),
        *(
            Item(f"figures/{Path(figure).name}", "figure", f"Figure {Path(figure).stem}")
            for figure in figures
        ),
        *(
            Item(
                f"data/{Path(table).name}",
                "supplementary-material",
                f"Coded data table {Path(table).stem}, cleaned (CSV, UTF-8)",
            )
            for table in data
        ),
        Item(
            "provenance.intoto.json",
            "supplementary-material",
            "Build receipt: in-toto Statement v1 with SLSA Provenance v1 (files and sources)",
        ),
    ]


def manifest_xml(bundle_items: list[Item]) -> str:
    """MECA manifest 1.0 listing every item, each with one instance."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        DOCTYPE,
        f'<manifest manifest-version="1" xmlns="{MANIFEST_NAMESPACE}" '
        'xmlns:xlink="http://www.w3.org/1999/xlink">',
    ]
    for number, item in enumerate(bundle_items, start=1):
        media_type = MEDIA_TYPES[PurePosixPath(item.href).suffix]
        lines += [
            f'  <item id="item-{number}" item-type={quoteattr(item.item_type)}>',
            f"    <item-description>{escape(item.description)}</item-description>",
            f"    <file-order>{number}</file-order>",
            f"    <instance media-type={quoteattr(media_type)} xlink:href={quoteattr(item.href)}/>",
            "  </item>",
        ]
    return "\n".join([*lines, "</manifest>"]) + "\n"


def write(destination: Path, files: dict[str, Path], epoch: int) -> None:
    """Write the bundle: manifest.xml first, then `files` (bundle path → file) in item order,
    with the edition's date, fixed permissions and no compression (module docstring)."""
    folders = {folder: [source for href, source in files.items() if href.startswith(folder)]
               for folder in ("figures/", "data/")}  # fmt: skip
    bundle_items = items(folders["figures/"], folders["data/"])
    if unmatched := sorted({item.href for item in bundle_items} ^ set(files)):
        raise ValueError(f"MECA bundle: no item or no file for {', '.join(unmatched)}")
    entries = {"manifest.xml": manifest_xml(bundle_items).encode()}
    entries |= {item.href: Path(files[item.href]).read_bytes() for item in bundle_items}
    with atomic_output(destination) as partial, zipfile.ZipFile(partial, "w") as bundle:
        for name, data in entries.items():
            info = zipfile.ZipInfo(name, date_time=max(ZIP_EPOCH, time.gmtime(epoch)[:6]))
            info.create_system = 3  # Unix, so the permissions below mean the same everywhere
            info.external_attr = 0o644 << 16
            bundle.writestr(info, data)
