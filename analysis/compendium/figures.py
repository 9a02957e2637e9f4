"""The paper's figures: one function per figure, a frame in and a matplotlib Figure out.

Shared choices: the Okabe–Ito palette (distinguishable with the common colour-vision
deficiencies), text drawn as paths so the SVG looks the same in every browser and in typst,
no date metadata and a fixed hash salt so the same data give the same bytes.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

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


def _pyplot():
    """pyplot configured for reproducible vector output (imported lazily: it is slow)."""
    import matplotlib

    matplotlib.use("svg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "svg.hashsalt": "stemcell-pluralism",
            "svg.fonttype": "path",
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


def save_svg(figure, path: str | Path) -> None:
    """Write an SVG without a date, through a temporary file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    figure.savefig(partial, format="svg", metadata={"Date": None, "Creator": None})
    partial.replace(path)
    _pyplot().close(figure)


# ---------------------------------------------------------------------------------------------
# Shared helpers: layout is computed in inches from measured text, so nothing is left to chance
# (or to tight_layout) and the same data always give the same picture.

POINTS_PER_INCH = 72.0

#: Text on a figure must reach WCAG AA for normal text against its background.
MIN_CONTRAST = 4.5


def _text_size(text: str, size: float, weight: str = "normal") -> tuple[float, float]:
    """Width and height in inches of `text` (lines split on newlines) drawn at `size` points.

    Measured from the font's glyph outlines, the same ones the SVG draws as paths, so the
    measure needs no renderer and is identical on every machine.
    """
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    font = FontProperties(family="DejaVu Sans", size=size, weight=weight)
    measure = TextToPath()
    lines = text.split("\n")
    width = max(measure.get_text_width_height_descent(line, font, ismath=False)[0] for line in lines)
    # matplotlib sets lines 1.2 font sizes apart.
    return width / POINTS_PER_INCH, 1.2 * size * len(lines) / POINTS_PER_INCH


def _wrap(text: str, width: int = 18) -> str:
    """`text` on lines of at most `width` characters, never split inside a hyphenated word."""
    import textwrap

    return "\n".join(textwrap.wrap(text, width, break_on_hyphens=False))


def _luminance(colour: str) -> float:
    """WCAG 2 relative luminance of a hex colour."""
    channels = [int(colour.lstrip("#")[index : index + 2], 16) / 255 for index in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(first: str, second: str) -> float:
    light, dark = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _tint(colour: str, share: float) -> str:
    """`colour` laid at opacity `share` over white, as one opaque colour.

    Opaque fills let the contrast of the text on them be computed exactly.
    """
    channels = [int(colour.lstrip("#")[index : index + 2], 16) for index in (0, 2, 4)]
    mixed = [round(share * c + (1 - share) * 255) for c in channels]
    return "#" + "".join(f"{c:02X}" for c in mixed)


def _ink_on(background: str) -> str:
    """Black or white, whichever reads better on `background`; refuses to return too little.

    Pure black and white always give at least 4.58:1 on one of them, so this never fails for
    an opaque background; the check guards against later edits.
    """
    ink = max(("#000000", "#FFFFFF"), key=lambda candidate: _contrast(candidate, background))
    if _contrast(ink, background) < MIN_CONTRAST:
        raise ValueError(f"no text colour reaches WCAG AA on {background}")
    return ink


def _axes_in_inches(figure, left: float, bottom: float, width: float, height: float):
    """Axes placed by margins in inches, so data can be laid out in inches too."""
    total_width, total_height = figure.get_size_inches()
    return figure.add_axes(
        (left / total_width, bottom / total_height, width / total_width, height / total_height)
    )


def _tiers(extents: list[tuple[float, float]], gap: float) -> list[int]:
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


# ---------------------------------------------------------------------------------------------
# fig-timeline

#: Rows of the timeline in groups, top to bottom, one colour per group. Practice comes first and
#: the state last, so the picture reads as the article's story: clinics, labs and the market
#: start early in the decade, public debate follows, the state's rules arrive from 2007 on.
TIMELINE_GROUPS = (
    (OKABE_ITO["bluish_green"], ("clinical", "research", "market")),
    (OKABE_ITO["blue"], ("media", "guideline")),
    (OKABE_ITO["vermillion"], ("policy", "draft", "regulation", "notice")),
    (OKABE_ITO["black"], ("fieldwork",)),
)

#: Precisions drawn as a point, when the event also lasts no longer than one such unit (the
#: fieldwork, coded July 2009 to April 2011 by month, is a period and is drawn as one).
POINT_PRECISIONS = {"day", "month"}

#: Vertical sizes of the timeline, in inches: a lane holds one event; a row holds as many lanes
#: as it has events at the same time, so a thicker row means more events, never a darker one.
LANE = 0.085
BAR = 0.055
DIAMOND = 4.2  # marker size, points
INSET = 0.03  # years trimmed off each end of a bar
ROW_GAP = 0.11
GROUP_GAP = 0.1
LABEL_SIZE = 7.0


def _year_fraction(iso_day: str, end: bool = False) -> float:
    day = pd.Timestamp(iso_day)
    start_of_year = pd.Timestamp(year=day.year, month=1, day=1)
    days_in_year = 366 if day.is_leap_year else 365
    offset = (day - start_of_year).days + (1 if end else 0)
    return day.year + offset / days_in_year


def _timeline_rows(kinds_present: set[str]) -> list[tuple[str, str, int]]:
    """(kind, colour, group) for each row, top to bottom; unknown kinds go last, in grey."""
    rows = []
    for group, (colour, kinds) in enumerate(TIMELINE_GROUPS):
        rows += [(kind, colour, group) for kind in kinds if kind in kinds_present]
    known = {kind for _, kinds in TIMELINE_GROUPS for kind in kinds}
    extra = sorted(kinds_present - known)
    rows += [(kind, OKABE_ITO["grey"], len(TIMELINE_GROUPS)) for kind in extra]
    return rows


def timeline(events: pd.DataFrame, first_year: int = 2000, last_year: int = 2012):
    """Dated events by kind, a diamond for a day or month, a bar for a period or a coarser date;
    each milestone named once, just above its own mark, so no label touches another mark.

    `events` needs: event_id, kind, precision, date_start, date_end, label (empty unless the
    event is a milestone to name on the figure).
    """
    plt = _pyplot()
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, Rectangle

    shown = events[events["date_start"].notna()].copy()
    shown = shown[
        (shown["date_end"].str[:4].astype(int) >= first_year)
        & (shown["date_start"].str[:4].astype(int) <= last_year)
    ]
    rows = _timeline_rows(set(shown["kind"]))

    # Horizontal frame first: the left margin fits the longest row name.
    row_names = {kind: kind.capitalize() for kind, _, _ in rows}
    left = max(_text_size(name, 8.5)[0] for name in row_names.values()) + 0.2
    right = 0.12
    axes_width = TEXT_WIDTH - left - right
    per_year = axes_width / (last_year + 1 - first_year)  # inches per year
    half_diamond = 0.7071 * DIAMOND / POINTS_PER_INCH / per_year  # years

    marks = []  # (kind, event_id, is_point, start, end, label)
    for _, event in shown.iterrows():
        start = max(_year_fraction(event["date_start"]), first_year)
        end = min(_year_fraction(event["date_end"], end=True), last_year + 1)
        lasting = pd.Timestamp(event["date_end"]) - pd.Timestamp(event["date_start"])
        is_point = event["precision"] in POINT_PRECISIONS and lasting.days <= 31
        label = event["label"] if isinstance(event["label"], str) and event["label"] else None
        marks.append((event["kind"], event["event_id"], is_point, start, end, label))

    # Lanes: per row, events that overlap in time (marks that would touch) get their own lane.
    lanes: dict[str, int] = {}
    lane_count: dict[str, int] = {}
    for kind, _, _ in rows:
        extents = []
        for mark_kind, event_id, is_point, start, end, label in marks:
            if mark_kind != kind:
                continue
            middle = (start + end) / 2
            extent = (middle - half_diamond, middle + half_diamond) if is_point else (start, end)
            # Milestones first, so they take the top lane, right under their label.
            extents.append((not label, extent, event_id))
        extents.sort()
        tiers = _tiers([extent for _, extent, _ in extents], gap=0.0)
        lanes.update({event_id: tier for (*_, event_id), tier in zip(extents, tiers, strict=True)})
        lane_count[kind] = max(tiers, default=0) + 1

    # Milestone labels: centred over their mark, kept inside the axes, stacked if two collide.
    label_height = _text_size("Mg", LABEL_SIZE)[1]
    placed: dict[str, tuple[float, float, int]] = {}  # event_id -> (x of text centre, mark x, tier)
    label_tiers: dict[str, int] = {}
    for kind, _, _ in rows:
        wanted = []
        for mark_kind, event_id, _, start, end, label in marks:
            if mark_kind == kind and label:
                width = _text_size(label, LABEL_SIZE)[0] / per_year
                middle = (start + end) / 2
                centre = min(max(middle, first_year + width / 2), last_year + 1 - width / 2)
                wanted.append(((centre - width / 2, centre + width / 2), event_id, centre, middle))
        wanted.sort()
        tiers = _tiers([extent for extent, *_ in wanted], gap=0.1)
        for (_, event_id, centre, middle), tier in zip(wanted, tiers, strict=True):
            placed[event_id] = (centre, middle, tier)
        label_tiers[kind] = max(tiers, default=-1) + 1

    # Vertical layout, top down, in inches: label band, then the row's lanes.
    centres: dict[str, float] = {}
    band_bottom: dict[str, float] = {}
    cursor = 0.0
    previous_group = None
    separators = []
    for kind, _, group in rows:
        if previous_group is not None:
            cursor += ROW_GAP + (GROUP_GAP if group != previous_group else 0.0)
            if group != previous_group:
                separators.append(cursor - (ROW_GAP + GROUP_GAP) / 2)
        previous_group = group
        band = label_tiers[kind] * (label_height + 0.02) + (0.06 if label_tiers[kind] else 0)
        band_bottom[kind] = cursor + band
        content = lane_count[kind] * LANE
        centres[kind] = cursor + band + content / 2
        cursor += band + content
    plot_height = cursor + 0.12
    top, bottom = 0.08, 0.72
    figure = plt.figure(figsize=(TEXT_WIDTH, top + plot_height + bottom))
    axes = _axes_in_inches(figure, left, bottom, axes_width, plot_height)
    axes.set_xlim(first_year, last_year + 1)
    axes.set_ylim(plot_height - 0.06, -0.06)  # inches from the top: y grows downwards

    colours = {kind: colour for kind, colour, _ in rows}

    def lane_y(kind: str, event_id: str) -> float:
        return centres[kind] + (lanes[event_id] - (lane_count[kind] - 1) / 2) * LANE

    for kind, event_id, is_point, start, end, _ in marks:
        y = lane_y(kind, event_id)
        colour = colours[kind]
        if is_point:
            axes.plot(
                (start + end) / 2, y, marker="D", markersize=DIAMOND, color=colour,
                markeredgecolor="white", markeredgewidth=0.5, zorder=3,
            )  # fmt: skip
        else:
            # A light fill with a full-strength edge: the span reads as uncertain or lasting,
            # and the bar still stands out from white for every palette colour.
            # Bars that meet end to end share a lane; a hair's inset keeps them two bars.
            bar = Rectangle(
                (start + INSET, y - BAR / 2), end - start - 2 * INSET, BAR,
                facecolor=_tint(colour, 0.45), edgecolor=colour, linewidth=0.6, zorder=2,
            )  # fmt: skip
            axes.add_patch(bar)
    for kind, event_id, _, _, _, label in marks:
        if not label:
            continue
        centre, middle, tier = placed[event_id]
        text_bottom = band_bottom[kind] - 0.05 - tier * (label_height + 0.02)
        axes.text(
            centre, text_bottom, label, fontsize=LABEL_SIZE, ha="center", va="bottom",
            color="#111111", zorder=4,
        )  # fmt: skip
        # A short leader from the label to its own mark, over any lanes in between.
        axes.plot(
            [middle, middle], [text_bottom + 0.005, lane_y(kind, event_id) - 0.045],
            color="#555555", linewidth=0.5, zorder=1,
        )  # fmt: skip
    for y in separators:
        axes.axhline(y, color="#bbbbbb", linewidth=0.5, zorder=0)

    # Year ticks on the boundaries, year names in the middle of the year they stand for: a bar
    # that covers 2012 then ends at the axis' end, not one tick beyond a label.
    axes.set_xticks(range(first_year, last_year + 2))
    axes.set_xticklabels([])
    axes.set_xticks([year + 0.5 for year in range(first_year, last_year + 1)], minor=True)
    axes.set_xticklabels([str(year) for year in range(first_year, last_year + 1)], minor=True)
    axes.tick_params(axis="x", which="minor", length=0, labelsize=7.5, pad=4)
    axes.tick_params(axis="x", which="major", length=3)
    axes.set_yticks([centres[kind] for kind, _, _ in rows], [row_names[kind] for kind, _, _ in rows])
    axes.tick_params(axis="y", length=0)
    axes.spines["left"].set_visible(False)
    axes.grid(axis="x", which="major", color="#e4e4e4", linewidth=0.5)
    axes.set_axisbelow(True)

    key = [
        Line2D([], [], linestyle="none", marker="D", markersize=DIAMOND + 1, color="#555555",
               markeredgecolor="white", markeredgewidth=0.5),
        Patch(facecolor=_tint("#555555", 0.45), edgecolor="#555555", linewidth=0.6),
    ]  # fmt: skip
    legend = figure.legend(
        key,
        ["Dated to the day or month", "A period, or the whole span a coarser date covers"],
        loc="lower center", bbox_to_anchor=(0.5, 0.16 / figure.get_figheight()), ncol=2,
        frameon=False, fontsize=7.5, handlelength=1.6, columnspacing=2.0, borderpad=0,
    )  # fmt: skip
    del legend
    figure.text(
        0.5, 0.04 / figure.get_figheight(),
        "Each mark is one event; marks in one row that overlap in time are stacked.",
        ha="center", va="bottom", fontsize=7.5, color="#111111",
    )  # fmt: skip
    return figure


# ---------------------------------------------------------------------------------------------
# fig-coexistence

#: One colour per modality, in the order the article introduces them.
MODALITY_COLOURS = {
    "patient-driven": OKABE_ITO["bluish_green"],
    "profit-driven": OKABE_ITO["vermillion"],
    "research-driven": OKABE_ITO["blue"],
    "approved-trial": OKABE_ITO["reddish_purple"],
    "international-collaboration": OKABE_ITO["orange"],
}


#: Vertical sizes of fig-coexistence, in inches.
CELL_ROW = 0.36
CELL_HEIGHT = 0.26
TIER = 0.16


def _modality_order(modalities: pd.DataFrame) -> list[str]:
    """Modality ids in the article's order: the `position` column where the table has one,
    else the order of MODALITY_COLOURS, with any other modality after them by id."""
    if "position" in modalities.columns:
        ordered = modalities.sort_values(["position", "modality_id"])
        return list(ordered["modality_id"])
    known = list(MODALITY_COLOURS)
    return sorted(
        modalities["modality_id"],
        key=lambda modality: (known.index(modality) if modality in known else len(known), modality),
    )


def _instrument_labels(
    lines: list[float], widths: list[float], low: float, high: float, pad: float
) -> list[tuple[int, str]]:
    """(tier, side) for each instrument label, hung beside its dated line.

    A line runs down from its own label's tier through every tier below, so a label must not
    span the line of an instrument whose label sits lower... or rather higher up: a label on
    tier t is crossed by the lines of tiers above t. Every side (label right or left of its
    line) and every order of tiers is tried, in a fixed order that prefers labels on the right
    and earlier instruments higher up; the first layout without a crossing and inside the
    figure wins. `lines` are x positions in inches, sorted; `low`/`high` bound the labels.
    """
    from itertools import permutations, product

    count = len(lines)
    for order in permutations(range(count)):
        tier = {instrument: rank for rank, instrument in enumerate(order)}
        for sides in product(("right", "left"), repeat=count):
            spans = [
                (x + pad, x + pad + width) if side == "right" else (x - pad - width, x - pad)
                for x, width, side in zip(lines, widths, sides, strict=True)
            ]
            inside = all(low <= start and end <= high for start, end in spans)
            clear = all(
                not (spans[label][0] <= lines[other] <= spans[label][1])
                for label in range(count)
                for other in range(count)
                if tier[other] < tier[label]
            )
            if inside and clear:
                return [(tier[index], sides[index]) for index in range(count)]
    raise ValueError("no crossing-free placement for the instrument labels")


def coexistence(cases: pd.DataFrame, modalities: pd.DataFrame, instruments: pd.DataFrame):
    """Per year, the modalities with active coded cases (cell shade and number = cases), the
    count of coexisting modalities beneath, and the regulatory instruments as dated lines.
    """
    from compendium import derive

    plt = _pyplot()
    order = _modality_order(modalities)
    labels = dict(zip(modalities["modality_id"], modalities["label"], strict=True))
    names = {modality: _wrap(labels[modality], 30) for modality in order}
    first, last = derive.FIRST_YEAR, derive.PRESENT_YEAR
    counts = derive.coexistence(cases, order, first, last)
    most = max(int(counts[order].to_numpy().max()), 1)

    total_name = "Modalities active"
    left = max(_text_size(name, 8)[0] for name in [*names.values(), total_name]) + 0.15
    right = 0.15
    axes_width = TEXT_WIDTH - left - right
    per_year = axes_width / (last - first + 1)

    def inches(x: float) -> float:
        return left + (x - (first - 0.5)) * per_year

    dated = instruments[instruments["date_start"].notna()].sort_values("date_start")
    dated = dated[dated["year_start"].between(first, last)]
    # A dated instrument takes effect from its first day: the line sits where that day falls,
    # cells being centred on their year.
    xs = [_year_fraction(day) - 0.5 for day in dated["date_start"]]
    texts = list(dated["short_name"])
    widths = [_text_size(text, 7)[0] for text in texts]
    placement = _instrument_labels(
        [inches(x) for x in xs], widths, low=0.05, high=TEXT_WIDTH - 0.05, pad=0.05
    )

    # Vertical layout, in inches from the top of the axes.
    tiers_height = len(texts) * TIER
    matrix_top = tiers_height + 0.08
    row_centre = {
        modality: matrix_top + (index + 0.5) * CELL_ROW for index, modality in enumerate(order)
    }
    rule = matrix_top + len(order) * CELL_ROW + 0.04
    total_centre = rule + 0.2
    plot_height = total_centre + 0.17
    top, bottom = 0.06, 0.72
    figure = plt.figure(figsize=(TEXT_WIDTH, top + plot_height + bottom))
    axes = _axes_in_inches(figure, left, bottom, axes_width, plot_height)
    axes.set_xlim(first - 0.5, last + 0.5)
    axes.set_ylim(plot_height, 0)

    for modality in order:
        colour = MODALITY_COLOURS.get(modality, OKABE_ITO["grey"])
        for year, number in counts[modality].items():
            if number == 0:
                continue
            fill = _tint(colour, 0.3 + 0.7 * number / most)
            y = row_centre[modality]
            cell = plt.Rectangle(
                (year - 0.44, y - CELL_HEIGHT / 2), 0.88, CELL_HEIGHT, facecolor=fill,
                linewidth=0, zorder=1,
            )  # fmt: skip
            axes.add_patch(cell)
            axes.text(year, y, str(number), ha="center", va="center", fontsize=7,
                      color=_ink_on(fill), zorder=3)  # fmt: skip
    axes.axhline(rule, color="#888888", linewidth=0.6, zorder=0)
    for year, coexisting in counts["coexisting"].items():
        axes.text(year, total_centre, str(coexisting), ha="center", va="center", fontsize=8,
                  fontweight="bold", color="#111111")  # fmt: skip

    for x, text, (tier, side) in zip(xs, texts, placement, strict=True):
        y = (tier + 0.5) * TIER
        axes.plot([x, x], [y, plot_height], color="#333333", linewidth=0.7,
                  linestyle=(0, (3, 2)), zorder=2)  # fmt: skip
        offset = 0.05 / per_year
        axes.text(
            x + offset if side == "right" else x - offset, y, text, fontsize=7,
            ha="left" if side == "right" else "right", va="center", color="#111111",
            clip_on=False,
        )  # fmt: skip

    axes.set_yticks(
        [row_centre[modality] for modality in order] + [total_centre],
        [names[modality] for modality in order] + [total_name],
        fontsize=8,
    )
    axes.get_yticklabels()[-1].set_fontweight("bold")
    axes.set_xticks(range(first, last + 1))
    axes.tick_params(axis="x", labelsize=7, length=2.5)
    axes.tick_params(axis="y", length=0)
    axes.spines["left"].set_visible(False)
    figure.text(
        0.5, 0.06 / figure.get_figheight(),
        "Number in a cell: coded cases of that modality active in that year (darker: more).\n"
        "Dashed line: the date of a regulatory instrument.",
        ha="center", va="bottom", fontsize=7.5, color="#111111", linespacing=1.4,
    )  # fmt: skip
    return figure


# ---------------------------------------------------------------------------------------------
# fig-flows

#: Where each community sits, in inches on the network panel (x from the left, y from the
#: bottom), and the role it sits under. Explicit, not computed by a force layout, so the bytes
#: never change: the three communities the cycles run through make a triangle in the middle
#: (clinic left, lab right, market below), the rest sit around them by role. The slots were
#: chosen to keep edges out of boxes and crossings few (three, all away from arrowheads).
FLOW_LAYOUT = {
    "research-driven-teams": (1.9, 2.1),
    "basic-science-labs": (4.4, 2.1),
    "for-profit-providers": (3.15, 0.85),
    "sfda": (0.7, 4.2),
    "foreign-drug-regulators": (1.95, 4.2),
    "moh": (4.4, 4.2),
    "international-collaboration-researchers": (0.7, 3.15),
    "international-research-partners": (1.95, 3.15),
    "sfda-trial-researchers": (3.25, 3.15),
    "patient-driven-clinicians": (1.75, 0.85),
    "scientists-abroad": (5.55, 0.85),
    "clinical-researchers-at-large": (1.9, -0.25),
    "rd-companies": (4.4, -0.25),
}

#: Names of the zones, where they are written (x, y, alignment), in the panel's inches.
FLOW_ZONES = {
    "Regulators": (3.2, 4.2, "center"),
    "International partnerships": (0.08, 3.7, "left"),
    "Clinic side": (0.08, 0.85, "left"),
    "Lab side": (5.7, 2.1, "center"),
    "Market": (3.15, 0.3, "center"),
    "Abroad": (5.55, 0.33, "center"),
}

#: Bends for single edges that would otherwise graze a box (arc3 `rad`); two flows in opposite
#: directions between the same pair bend apart so both arrowheads show.
FLOW_BENDS: dict[tuple[str, str], float] = {}
OPPOSITE_BEND = 0.18

CYCLE_FILL = _tint(OKABE_ITO["vermillion"], 0.14)
NODE_FILL = "#F2F2F2"
FLOW_GREY = "#707070"


def _node_box(axes, centre: tuple[float, float], text: str, size: float, weight: str, style):
    """A rounded box sized to its text, drawn in the panel's inches; returns the patch so
    arrows can stop at its edge."""
    from matplotlib.patches import FancyBboxPatch

    width, height = _text_size(text, size, weight)
    pad = 0.06
    box = FancyBboxPatch(
        (centre[0] - width / 2, centre[1] - height / 2), width, height,
        boxstyle=f"round,pad={pad},rounding_size=0.06", zorder=3, **style,
    )  # fmt: skip
    axes.add_patch(box)
    axes.text(*centre, text, ha="center", va="center", fontsize=size, fontweight=weight,
              color="#111111", zorder=4, linespacing=1.2)  # fmt: skip
    return box


def flows(graph):
    """The knowledge-flow network, its cycles in the middle and in colour, and beneath it, for
    contrast, the linear lab-to-clinic line the drug regulators promote."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import FancyArrowPatch

    from compendium import network

    plt = _pyplot()
    found = network.cycles(graph)
    on_cycle = network.cycle_edges(found)
    cyclic_nodes = {node for cycle in found for node in cycle}
    missing = sorted(set(graph.nodes) - set(FLOW_LAYOUT))
    if missing:
        raise ValueError(f"fig-flows: no place in FLOW_LAYOUT for {', '.join(missing)}")

    panel_height, strip_height, gap = 4.75, 0.95, 0.1
    figure = plt.figure(figsize=(TEXT_WIDTH, panel_height + gap + strip_height))
    axes = _axes_in_inches(figure, 0, strip_height + gap, TEXT_WIDTH, panel_height)
    axes.set_xlim(0, TEXT_WIDTH)
    axes.set_ylim(-0.6, panel_height - 0.6)
    axes.axis("off")

    boxes = {}
    for node in sorted(graph.nodes):
        cyclic = node in cyclic_nodes
        style = (
            {"facecolor": CYCLE_FILL, "edgecolor": OKABE_ITO["vermillion"], "linewidth": 1.4}
            if cyclic
            else {"facecolor": NODE_FILL, "edgecolor": "#666666", "linewidth": 0.6}
        )
        name = _wrap(graph.nodes[node].get("name", node), 18)
        boxes[node] = _node_box(axes, FLOW_LAYOUT[node], name, 8 if cyclic else 7,
                                "bold" if cyclic else "normal", style)  # fmt: skip

    for source, target in sorted(graph.edges):
        cyclic = (source, target) in on_cycle
        bend = FLOW_BENDS.get((source, target), 0.0)
        if graph.has_edge(target, source):
            bend = OPPOSITE_BEND
        arrow = FancyArrowPatch(
            FLOW_LAYOUT[source], FLOW_LAYOUT[target], patchA=boxes[source], patchB=boxes[target],
            shrinkA=1.5, shrinkB=1.5, arrowstyle="-|>", mutation_scale=10 if cyclic else 8,
            connectionstyle=f"arc3,rad={bend}",
            color=OKABE_ITO["vermillion"] if cyclic else FLOW_GREY,
            linewidth=1.8 if cyclic else 0.8, zorder=2 if cyclic else 1,
        )  # fmt: skip
        axes.add_patch(arrow)

    for zone, (x, y, align) in FLOW_ZONES.items():
        axes.text(x, y, zone, ha=align, va="center", fontsize=7, fontstyle="italic",
                  color="#555555")  # fmt: skip

    centre = [sum(FLOW_LAYOUT[node][axis] for node in cyclic_nodes) / len(cyclic_nodes)
              for axis in (0, 1)] if cyclic_nodes else (TEXT_WIDTH / 2, 2.0)  # fmt: skip
    axes.text(*centre, f"{len(found)} cycles", ha="center", va="center", fontsize=8,
              fontweight="bold", color="#111111")  # fmt: skip

    key = [
        Line2D([], [], color=OKABE_ITO["vermillion"], linewidth=1.8, marker=">", markersize=5),
        Line2D([], [], color=FLOW_GREY, linewidth=0.8, marker=">", markersize=4),
    ]
    axes.legend(
        key, ["Flow on a cycle", "Other flow"], loc="upper right", bbox_to_anchor=(1.0, 1.0),
        frameon=False, fontsize=7, handlelength=2.2, borderaxespad=0.1,
    )

    strip = _axes_in_inches(figure, 0, 0, TEXT_WIDTH, strip_height)
    strip.set_xlim(0, TEXT_WIDTH)
    strip.set_ylim(0, strip_height)
    strip.axis("off")
    strip.text(0.1, strip_height - 0.12, "For contrast: the linear lab-to-clinic model the drug "
               "regulators promote", fontsize=7.5, fontstyle="italic", color="#333333",
               va="center")  # fmt: skip
    steps = network.LINEAR_MODEL
    spacing = (TEXT_WIDTH - 0.6) / max(len(steps) - 1, 1)
    step_boxes = []
    for index, step in enumerate(steps):
        centre = (0.3 + index * spacing + 0.0, 0.38)
        style = {"facecolor": "white", "edgecolor": "#666666", "linewidth": 0.6}
        step_boxes.append((centre, _node_box(strip, centre, _wrap(step, 12), 7, "normal", style)))
    for (start, box_a), (end, box_b) in zip(step_boxes, step_boxes[1:], strict=False):
        strip.add_patch(
            FancyArrowPatch(start, end, patchA=box_a, patchB=box_b, shrinkA=2, shrinkB=2,
                            arrowstyle="-|>", mutation_scale=9, color=FLOW_GREY, linewidth=0.8)
        )  # fmt: skip
    return figure
