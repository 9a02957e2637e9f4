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


def coexistence(cases: pd.DataFrame, modalities: pd.DataFrame, instruments: pd.DataFrame):
    """Per year, the modalities with active coded cases (cell shade and number = cases), the
    count of coexisting modalities beneath, and the regulatory instruments as dated lines.
    """
    from compendium import derive

    plt = pyplot()
    order = _modality_order(modalities)
    labels = dict(zip(modalities["modality_id"], modalities["label"], strict=True))
    names = {modality: wrap(labels[modality], 30) for modality in order}
    first, last = derive.FIRST_YEAR, derive.PRESENT_YEAR
    counts = derive.coexistence(cases, order, first, last)
    most = max(int(counts[order].to_numpy().max()), 1)

    total_name = "Modalities active"
    left = max(text_size(name, 8)[0] for name in [*names.values(), total_name]) + 0.15
    right = 0.15
    axes_width = TEXT_WIDTH - left - right
    per_year = axes_width / (last - first + 1)

    def inches(x: float) -> float:
        return left + (x - (first - 0.5)) * per_year

    dated = instruments[instruments["date_start"].notna()].sort_values("date_start")
    dated = dated[dated["year_start"].between(first, last)]
    # A dated instrument takes effect from its first day: the line sits where that day falls,
    # cells being centred on their year.
    xs = [year_fraction(day) - 0.5 for day in dated["date_start"]]
    texts = list(dated["short_name"])
    widths = [text_size(text, 7)[0] for text in texts]
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
    axes = axes_in_inches(figure, left, bottom, axes_width, plot_height)
    axes.set_xlim(first - 0.5, last + 0.5)
    axes.set_ylim(plot_height, 0)

    for modality in order:
        colour = MODALITY_COLOURS.get(modality, OKABE_ITO["grey"])
        for year, number in counts[modality].items():
            if number == 0:
                continue
            fill = tint(colour, 0.3 + 0.7 * number / most)
            y = row_centre[modality]
            cell = plt.Rectangle(
                (year - 0.44, y - CELL_HEIGHT / 2),
                0.88,
                CELL_HEIGHT,
                facecolor=fill,
                linewidth=0,
                zorder=1,
            )
            axes.add_patch(cell)
            axes.text(
                year,
                y,
                str(number),
                ha="center",
                va="center",
                fontsize=7,
                color=ink_on(fill),
                zorder=3,
            )
    axes.axhline(rule, color="#888888", linewidth=0.6, zorder=0)
    for year, coexisting in counts["coexisting"].items():
        axes.text(
            year,
            total_centre,
            str(coexisting),
            ha="center",
            va="center",
            fontsize=8,
            fontweight="bold",
            color="#111111",
        )

    for x, text, (tier, side) in zip(xs, texts, placement, strict=True):
        y = (tier + 0.5) * TIER
        axes.plot(
            [x, x],
            [y, plot_height],
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
        0.5,
        0.06 / figure.get_figheight(),
        "Number in a cell: coded cases of that modality active in that year (darker: more).\n"
        "Dashed line: the date of a regulatory instrument.",
        ha="center",
        va="bottom",
        fontsize=7.5,
        color="#111111",
        linespacing=1.4,
    )
    return figure
