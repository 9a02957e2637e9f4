"""What every figure shares: the Okabe–Ito palette, text drawn as paths so the SVG looks the
same in every browser and in typst, no date metadata and a fixed hash salt so the same data give
the same bytes, and helpers that measure text so layouts are computed, not guessed."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from compendium.files import atomic_output

#: Okabe & Ito (2008), "Color Universal Design": safe for protanopia, deuteranopia, tritanopia.
OKABE_ITO = {
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "black": "#000000",
    "grey": "#6E6E6E",
}

#: Text width of the PDF page in inches (A4, 2.5 cm margins): figures are drawn at print size.
TEXT_WIDTH = 6.3

#: Resolution of the PNG copy of each figure: print quality at the text width (1,890 pixels).
PNG_DPI = 300


def pyplot():
    """pyplot configured for reproducible vector output (imported lazily: it is slow)."""
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "svg.hashsalt": "stemcell-pluralism",
            "svg.fonttype": "path",
            # Labels are data: a "$" in one is a dollar sign, never the start of mathtext.
            "text.parse_math": False,
            "font.family": "DejaVu Sans",
            "font.size": 8.5,
            "axes.titlesize": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.edgecolor": "#333333",
            "xtick.color": "#222222",
            "ytick.color": "#222222",
            "text.color": "#111111",
            "axes.labelcolor": "#111111",
        }
    )
    return plt


def save(figure, svg: str | Path, png: str | Path, titles: dict[str, str] | None = None) -> None:
    """Write the figure as SVG (for HTML and PDF) and as PNG at print resolution (for Word,
    which pandoc could only give an SVG by calling rsvg-convert, a program outside the lock);
    without a date or software metadata, each through a temporary file.

    `titles` maps the gid of a drawn element to a tooltip: each becomes the SVG `<title>` of
    that element's group, which browsers show on hover and screen readers read.
    """
    import io
    from html import escape

    svg, png = Path(svg), Path(png)
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
    text = buffer.getvalue()
    for gid, title in sorted((titles or {}).items()):
        opening = f'<g id="{gid}">'
        if opening not in text:
            raise ValueError(f"{svg.name}: no element with gid '{gid}' to give a title")
        text = text.replace(opening, f"{opening}\n   <title>{escape(title)}</title>", 1)
    with atomic_output(svg) as svg_partial, atomic_output(png) as png_partial:
        svg_partial.write_text(text, encoding="utf-8")
        figure.savefig(png_partial, format="png", dpi=PNG_DPI, metadata={"Software": None})
    pyplot().close(figure)


# ---------------------------------------------------------------------------------------------
# Shared helpers: layout is computed in inches from measured text, so nothing is left to chance
# (or to tight_layout) and the same data always give the same picture.

POINTS_PER_INCH = 72.0

#: Text on a figure must reach WCAG AA for normal text against its background.
MIN_CONTRAST = 4.5


def text_size(text: str, size: float, weight: str = "normal") -> tuple[float, float]:
    """Width and height in inches of `text` (lines split on newlines) drawn at `size` points.

    Measured from the font's glyph outlines, the same ones the SVG draws as paths, so the
    measure needs no renderer and is identical on every machine.
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    font = FontProperties(family="DejaVu Sans", size=size, weight=weight)
    measure = TextToPath()
    lines = text.split("\n")
    width = max(
        measure.get_text_width_height_descent(line, font, ismath=False)[0] for line in lines
    )
    # matplotlib sets lines 1.2 font sizes apart.
    return width / POINTS_PER_INCH, 1.2 * size * len(lines) / POINTS_PER_INCH


def wrap(text: str, width: int = 18) -> str:
    """`text` on lines of at most `width` characters, never split inside a hyphenated word."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False))


def luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a hex colour."""
    channels = [int(colour.lstrip("#")[index : index + 2], 16) / 255 for index in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(first: str, second: str) -> float:
    light, dark = sorted((luminance(first), luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def tint(colour: str, share: float) -> str:
    """`colour` laid at opacity `share` over white, as one opaque colour.

    Opaque fills let the contrast of the text on them be computed exactly.
    """
    channels = [int(colour.lstrip("#")[index : index + 2], 16) for index in (0, 2, 4)]
    mixed = [round(share * c + (1 - share) * 255) for c in channels]
    return "#" + "".join(f"{c:02X}" for c in mixed)


def ink_on(background: str) -> str:
    """Black or white, whichever reads better on `background`; refuses to return too little.

    Pure black and white always give at least 4.58:1 on one of them, so this never fails for
    an opaque background; the check guards against later edits.
    """
    ink = max(("#000000", "#FFFFFF"), key=lambda candidate: contrast(candidate, background))
    if contrast(ink, background) < MIN_CONTRAST:
        raise ValueError(f"no text colour reaches WCAG AA on {background}")
    return ink


def axes_in_inches(figure, left: float, bottom: float, width: float, height: float):
    """Axes placed by margins in inches, so data can be laid out in inches too."""
    total_width, total_height = figure.get_size_inches()
    return figure.add_axes(
        (left / total_width, bottom / total_height, width / total_width, height / total_height)
    )


def stack_in_tiers(extents: list[tuple[float, float]], gap: float) -> list[int]:
    """First fit: each extent, in the order given, goes on the lowest tier (lane) where it
    clears every extent already there by `gap`. The caller's order decides who gets tier 0.
    """
    placed: list[list[tuple[float, float]]] = []
    tiers = []
    for left, right in extents:
        for tier, taken in enumerate(placed):
            if all(left >= end + gap or right + gap <= start for start, end in taken):
                taken.append((left, right))
                tiers.append(tier)
                break
        else:
            placed.append([(left, right)])
            tiers.append(len(placed) - 1)
    return tiers


def year_fraction(iso_day: str, end: bool = False) -> float:
    day = pd.Timestamp(iso_day)
    start_of_year = pd.Timestamp(year=day.year, month=1, day=1)
    days_in_year = 366 if day.is_leap_year else 365
    offset = (day - start_of_year).days + (1 if end else 0)
    return day.year + offset / days_in_year
