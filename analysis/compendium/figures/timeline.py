"""fig-timeline: the dated events by kind, spans where the date is a span."""

from __future__ import annotations

import pandas as pd

from compendium.figures.style import TEXT_WIDTH, axes_in_inches, pyplot, text_size, tint
from compendium.figures.timeline_layout import (
    BAR,
    DIAMOND,
    INSET,
    LABEL_SIZE,
    LANE,
    NUMBER_GAP,
    NUMBER_SIZE,
    Mark,
    label_height,
    number_side,
    timeline_frame,
    timeline_heights,
    timeline_marks,
    timeline_rows,
)


def _draw_number(
    axes, mark: Mark, y: float, half_diamond: float, per_year: float, last_year: int
) -> None:
    width = (text_size(str(mark.number), NUMBER_SIZE)[0] + NUMBER_GAP) / per_year
    gap = NUMBER_GAP / per_year
    side = number_side(mark, half_diamond, width, last_year)
    left, right = (
        (mark.middle - half_diamond, mark.middle + half_diamond)
        if mark.point
        else (mark.start, mark.end)
    )
    axes.text(
        right + gap if side == "right" else left - gap,
        y,
        str(mark.number),
        fontsize=NUMBER_SIZE,
        ha="left" if side == "right" else "right",
        va="center",
        color="#111111",
        zorder=4,
    )


def titles(events: pd.DataFrame) -> dict[str, str]:
    """The tooltip of each mark (its SVG <title>): number, date as written and what happened."""
    return {
        f"event-{event['event_id']}": f"{int(event['number'])}. {event['date_as_written']}: "
        f"{event['summary']}"
        for _, event in events[events["number"].notna()].iterrows()
    }


def _draw_mark(axes, mark: Mark, y: float, colour: str) -> None:
    """A diamond for a day or month, a dashed line between ticks for an undated event, a bar
    for anything else."""
    from matplotlib.patches import Rectangle

    if mark.point:
        axes.plot(
            mark.middle,
            y,
            gid=f"event-{mark.event_id}",
            marker="D",
            markersize=DIAMOND,
            color=colour,
            markeredgecolor="white",
            markeredgewidth=0.5,
            zorder=3,
        )
    elif mark.bounded:
        # Only bounds are known: a thin line between end ticks, never a bar that would read
        # as something lasting the whole time.
        axes.plot(
            [mark.start + INSET, mark.end - INSET],
            [y] * 2,
            gid=f"event-{mark.event_id}",
            color=colour,
            **BOUNDS_LINE,
            zorder=2,
        )
    else:
        # A light fill with a full-strength edge: the bar reads as a span, and it still stands
        # out from white in every palette colour. Bars that meet end to end share a lane; a
        # hair's inset keeps them two bars.
        bar = Rectangle(
            (mark.start + INSET, y - BAR / 2),
            mark.end - mark.start - 2 * INSET,
            BAR,
            facecolor=tint(colour, 0.45),
            edgecolor=colour,
            linewidth=0.6,
            zorder=2,
            gid=f"event-{mark.event_id}",
        )
        axes.add_patch(bar)


#: How an undated event is drawn, on the figure and in its key.
BOUNDS_LINE = {
    "linewidth": 0.9,
    "linestyle": (0, (2, 1.5)),
    "marker": "|",
    "markersize": 5,
    "markevery": [0, 1],
}


def _draw_label(axes, mark: Mark, centre: float, text_bottom: float, y: float) -> None:
    """A milestone's name above its row, and a short leader that ties it to its own mark,
    whichever way the label was slid."""
    axes.text(
        centre,
        text_bottom,
        mark.label,
        fontsize=LABEL_SIZE,
        ha="center",
        va="bottom",
        color="#111111",
        zorder=4,
    )
    axes.plot(
        [mark.middle, mark.middle],
        [text_bottom + 0.005, y - 0.045],
        color="#555555",
        linewidth=0.5,
        zorder=1,
    )


def _year_axis(axes, first_year: int, last_year: int) -> None:
    """Year ticks on the boundaries, year names in the middle of the year they stand for: a bar
    that covers 2012 then ends at the axis' end, not one tick beyond a label."""
    years = range(first_year, last_year + 1)
    axes.set_xticks(range(first_year, last_year + 2), [""] * (len(years) + 1))
    axes.set_xticks([year + 0.5 for year in years], [str(year) for year in years], minor=True)
    axes.tick_params(axis="x", which="minor", length=0, labelsize=7.5, pad=4)
    axes.tick_params(axis="x", which="major", length=3)


def _timeline_key(figure) -> None:
    """Beneath the axes: what each kind of mark means, and how marks are numbered."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    key = [
        Line2D(
            [],
            [],
            linestyle="none",
            marker="D",
            markersize=DIAMOND + 1,
            color="#555555",
            markeredgecolor="white",
            markeredgewidth=0.5,
        ),
        Patch(facecolor=tint("#555555", 0.45), edgecolor="#555555", linewidth=0.6),
        Line2D([], [], color="#555555", **BOUNDS_LINE),
    ]
    figure.legend(
        key,
        [
            "Dated to the day or month",
            "A period, or a coarser date's span",
            "Undated: between its bounds",
        ],
        loc="lower center",
        bbox_to_anchor=(0.5, 0.16 / figure.get_figheight()),
        ncol=3,
        frameon=False,
        fontsize=7.5,
        handlelength=1.6,
        columnspacing=1.2,
        borderpad=0,
    )
    figure.text(
        0.5,
        0.04 / figure.get_figheight(),
        "Each mark is one event, numbered in date order as in the key table; "
        "overlapping marks are stacked.",
        ha="center",
        va="bottom",
        fontsize=7.5,
        color="#111111",
    )


def timeline(events: pd.DataFrame, first_year: int = 2000, last_year: int = 2012):
    """Dated events by kind, a diamond for a day or month, a bar for a period or a coarser date;
    each milestone named once, just above its own mark, so no label touches another mark.

    `events` needs: event_id, kind, precision, date_start, date_end, label (empty unless the
    event is a milestone to name on the figure).
    """
    plt = pyplot()
    marks = timeline_marks(events, first_year, last_year)
    rows = timeline_rows({mark.kind for mark in marks})
    row_names = {kind: kind[0].upper() + kind[1:] for kind, _, _ in rows}
    colours = {kind: colour for kind, colour, _ in rows}
    frame = timeline_frame(marks, row_names, first_year, last_year)
    layout = timeline_heights(rows, frame)

    bottom = 0.72
    figure = plt.figure(figsize=(TEXT_WIDTH, 0.08 + layout.height + bottom))
    axes = axes_in_inches(figure, frame.left, bottom, frame.axes_width, layout.height)
    axes.set_xlim(first_year, last_year + 1)
    axes.set_ylim(layout.height - 0.06, -0.06)  # inches from the top: y grows downwards

    def lane_y(mark: Mark) -> float:
        lane = frame.lanes[mark.event_id] - (frame.lane_count[mark.kind] - 1) / 2
        return layout.centres[mark.kind] + lane * LANE

    for mark in marks:
        _draw_number(axes, mark, lane_y(mark), frame.half_diamond, frame.per_year, last_year)
        _draw_mark(axes, mark, lane_y(mark), colours[mark.kind])
    for mark in (mark for mark in marks if mark.label):
        centre, tier = frame.labels[mark.event_id]
        text_bottom = layout.band_bottom[mark.kind] - 0.05 - tier * label_height()
        _draw_label(axes, mark, centre, text_bottom, lane_y(mark))
    for y in layout.separators:
        axes.axhline(y, color="#bbbbbb", linewidth=0.5, zorder=0)

    _year_axis(axes, first_year, last_year)
    axes.set_yticks([layout.centres[kind] for kind in colours], list(row_names.values()))
    axes.tick_params(axis="y", length=0)
    axes.spines["left"].set_visible(False)
    axes.grid(axis="x", which="major", color="#e4e4e4", linewidth=0.5)
    axes.set_axisbelow(True)
    _timeline_key(figure)
    return figure
