"""fig-coexistence: the modalities active in each year, against the regulatory instruments."""

from __future__ import annotations

import pandas as pd

from compendium.figures.style import (
    OKABE_ITO,
    TEXT_WIDTH,
    axes_in_inches,
    ink_on,
    pyplot,
    text_size,
    tint,
    wrap,
    year_fraction,
)

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
    """(tier, side) for each instrument label, hung beside its dated line, tier 0 on top.

    Each line runs down from its label's tier through all the tiers below it to the matrix,
    so a label on tier t must not span the line of any instrument on a tier above t. Every
    order of tiers and every side (label to the right or left of its line) is tried in a
    fixed order, earlier instruments higher up and labels on the right first; the first
    layout in which no line cuts a label and every label stays between `low` and `high`
    wins. `lines` and the bounds are in inches from the figure's left edge.
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


#: Instrument kinds drawn as dated lines: China's own rules. The Declaration of Helsinki is not
#: a Chinese instrument, and the timeline shows it in a row of its own.
LINE_KINDS = ("regulation", "draft", "notice")


def _start_text(span: pd.Series) -> str:
    return f"since {span['start']}" if span["start_bound"] == "stated" else f"by {span['start']}"


def _span_bars(axes, plt, spans: pd.DataFrame, row_centre: dict, first: int, last: int) -> None:
    """Per modality: a solid bar for the years the article shows it active, a hatched pale bar
    back to the first year where the start is only a bound, an arrowhead where it is ongoing,
    and the start written inside the solid bar."""
    from matplotlib.patches import Polygon

    for _, span in spans.iterrows():
        colour = MODALITY_COLOURS.get(span["modality"], OKABE_ITO["grey"])
        y = row_centre[span["modality"]]
        top, bottom = y - CELL_HEIGHT / 2, y + CELL_HEIGHT / 2
        if span["start_bound"] == "no-later-than" and span["start"] > first:
            axes.add_patch(
                plt.Rectangle(
                    (first - 0.5, top),
                    span["start"] - first,
                    CELL_HEIGHT,
                    facecolor=tint(colour, 0.12),
                    edgecolor=tint(colour, 0.55),
                    hatch="////",
                    linewidth=0.5,
                    zorder=1,
                )
            )
        fill = tint(colour, 0.8)
        axes.add_patch(
            plt.Rectangle(
                (span["start"] - 0.5, top),
                span["end"] - span["start"] + 1,
                CELL_HEIGHT,
                facecolor=fill,
                linewidth=0,
                zorder=1,
            )
        )
        if span["end_bound"] == "ongoing" and span["end"] >= last:
            tip = last + 0.5 + 0.35
            axes.add_patch(
                Polygon(
                    [(last + 0.5, top), (tip, y), (last + 0.5, bottom)],
                    closed=True,
                    facecolor=fill,
                    linewidth=0,
                    zorder=1,
                    clip_on=False,
                )
            )
        axes.text(
            span["start"] - 0.45,
            y,
            _start_text(span),
            ha="left",
            va="center",
            fontsize=6.5,
            color=ink_on(fill),
            zorder=3,
        )


def _placed_instruments(
    instruments: pd.DataFrame, first: int, last: int, left: float, per_year: float
) -> tuple[list[float], list[str], list[tuple[int, str]]]:
    """China's own instruments dated within the years shown, in date order: where each line
    sits (in years), its name, and its label's (tier, side)."""
    dated = instruments[instruments["date_start"].notna() & instruments["kind"].isin(LINE_KINDS)]
    dated = dated[dated["year_start"].between(first, last)].sort_values("date_start")
    # The line sits where the instrument's first day falls, years being centred on their tick.
    xs = [year_fraction(day) - 0.5 for day in dated["date_start"]]
    texts = list(dated["short_name"])
    placement = _instrument_labels(
        [left + (x - (first - 0.5)) * per_year for x in xs],
        [text_size(text, 7)[0] for text in texts],
        low=0.05,
        high=TEXT_WIDTH - 0.05,
        pad=0.05,
    )
    return xs, texts, placement


def _documented_counts(axes, documented: pd.Series, y: float) -> None:
    """Beneath the rule: how many modalities are documented side by side in each year."""
    for year, count in documented.items():
        axes.text(
            year,
            y,
            str(count),
            ha="center",
            va="center",
            fontsize=8,
            fontweight="bold",
            color="#111111",
        )


def _instrument_lines(axes, xs, texts, placement, rule: float, per_year: float) -> None:
    """Each instrument as a dashed line at its date, its name hung beside it on its tier."""
    for x, text, (tier, side) in zip(xs, texts, placement, strict=True):
        y = (tier + 0.5) * TIER
        # The line stops at the rule: it never runs through the counts beneath.
        axes.plot(
            [x, x],
            [y, rule - 0.02],
            color="#333333",
            linewidth=0.7,
            linestyle=(0, (3, 2)),
            zorder=2,
        )
        offset = 0.05 / per_year
        axes.text(
            x + offset if side == "right" else x - offset,
            y,
            text,
            fontsize=7,
            ha="left" if side == "right" else "right",
            va="center",
            color="#111111",
            clip_on=False,
        )


def _coexistence_ticks(axes, first: int, last: int, centres: list[float], names: list[str]):
    """Years along the bottom; modality names, and the count row's name in bold, on the left."""
    axes.set_yticks(centres, names, fontsize=8)
    axes.get_yticklabels()[-1].set_fontweight("bold")
    axes.set_xticks(range(first, last + 1))
    axes.tick_params(axis="x", labelsize=7, length=2.5)
    axes.tick_params(axis="y", length=0)
    axes.spines["left"].set_visible(False)


#: The key beneath the figure: what each kind of mark says.
COEXISTENCE_NOTE = (
    "Solid bar: years the article shows the modality active, from the start it gives "
    "(\u201csince\u201d) or the\nearliest year it shows it (\u201cby\u201d). Hatched: "
    "the start is only a bound, so the modality may be older. Arrowhead: still\n"
    "going on at the article\u2019s present (2012). Bottom row: modalities documented "
    "active that year (a lower bound).\nDashed line: the date of a Chinese regulatory "
    "instrument."
)


def coexistence(modalities: pd.DataFrame, instruments: pd.DataFrame):
    """Per modality, the span of years the article shows it active (its start stated, or only a
    bound, its end ongoing at the article's present), the count of modalities documented side by
    side each year beneath, and China's regulatory instruments as dated lines that stop above
    that count.
    """
    from compendium import derive

    plt = pyplot()
    spans = derive.modality_spans(modalities)
    order = list(spans["modality"])
    names = {row["modality"]: wrap(row["label"], 30) for _, row in spans.iterrows()}
    first, last = derive.FIRST_YEAR, derive.PRESENT_YEAR
    states = derive.coexistence(spans, first, last)

    total_name = "Documented side by side"
    left = max(text_size(name, 8)[0] for name in [*names.values(), total_name]) + 0.15
    right = 0.3  # room for the arrowheads of ongoing spans
    axes_width = TEXT_WIDTH - left - right
    per_year = axes_width / (last - first + 1)
    xs, texts, placement = _placed_instruments(instruments, first, last, left, per_year)

    # Vertical layout, in inches from the top of the axes.
    matrix_top = len(texts) * TIER + 0.08
    row_centre = {
        modality: matrix_top + (index + 0.5) * CELL_ROW for index, modality in enumerate(order)
    }
    rule = matrix_top + len(order) * CELL_ROW + 0.04
    total_centre = rule + 0.2
    plot_height = total_centre + 0.17
    top, bottom = 0.06, 0.95
    figure = plt.figure(figsize=(TEXT_WIDTH, top + plot_height + bottom))
    axes = axes_in_inches(figure, left, bottom, axes_width, plot_height)
    axes.set_xlim(first - 0.5, last + 0.5)
    axes.set_ylim(plot_height, 0)

    _span_bars(axes, plt, spans, row_centre, first, last)
    axes.axhline(rule, color="#888888", linewidth=0.6, zorder=0)
    _documented_counts(axes, states["documented"], total_centre)
    _instrument_lines(axes, xs, texts, placement, rule, per_year)
    _coexistence_ticks(
        axes,
        first,
        last,
        [row_centre[modality] for modality in order] + [total_centre],
        [names[modality] for modality in order] + [total_name],
    )
    figure.text(
        0.5,
        0.06 / figure.get_figheight(),
        COEXISTENCE_NOTE,
        ha="center",
        va="bottom",
        fontsize=7,
        color="#111111",
        linespacing=1.35,
    )
    return figure
