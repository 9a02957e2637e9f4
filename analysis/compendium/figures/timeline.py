"""fig-timeline: the dated events by kind, spans where the date is a span."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from compendium.figures.style import (
    OKABE_ITO,
    POINTS_PER_INCH,
    TEXT_WIDTH,
    axes_in_inches,
    pyplot,
    stack_in_tiers,
    text_size,
    tint,
    year_fraction,
)

# ---------------------------------------------------------------------------------------------
# fig-timeline

#: Rows of the timeline in groups, top to bottom, one colour per group. Practice comes first and
#: the state last, so the picture reads as the article's story: clinics, labs and the market
#: start early in the decade, public debate follows, the state's rules arrive from 2007 on.
TIMELINE_GROUPS = (
    (OKABE_ITO["bluish_green"], ("clinical", "research", "market")),
    (OKABE_ITO["blue"], ("media", "guideline")),
    (OKABE_ITO["vermillion"], ("policy", "draft", "regulation", "notice")),
    (OKABE_ITO["reddish_purple"], ("rules outside China",)),
    (OKABE_ITO["black"], ("fieldwork",)),
)

#: Precisions drawn as a point, when the event also lasts no longer than one such unit (the
#: fieldwork, coded July 2009 to April 2011 by month, is a period and is drawn as one).
POINT_PRECISIONS = {"day", "month"}

#: Vertical sizes of the timeline, in inches: a lane holds one event; a row holds as many lanes
#: as it has events at the same time, so a thicker row means more events, never a darker one.
LANE = 0.105
BAR = 0.055
DIAMOND = 4.2  # marker size, points
INSET = 0.03  # years trimmed off each end of a bar
ROW_GAP = 0.11
GROUP_GAP = 0.1
LABEL_SIZE = 7.0
NUMBER_SIZE = 5.5  # the mark's number, which the key table beneath the figure explains
NUMBER_GAP = 0.025  # inches between a mark and its number


def _timeline_rows(kinds_present: set[str]) -> list[tuple[str, str, int]]:
    """(kind, colour, group) for each row, top to bottom; unknown kinds go last, in grey."""
    rows = []
    for group, (colour, kinds) in enumerate(TIMELINE_GROUPS):
        rows += [(kind, colour, group) for kind in kinds if kind in kinds_present]
    known = {kind for _, kinds in TIMELINE_GROUPS for kind in kinds}
    extra = sorted(kinds_present - known)
    rows += [(kind, OKABE_ITO["grey"], len(TIMELINE_GROUPS)) for kind in extra]
    return rows


@dataclass(frozen=True)
class _Mark:
    """One event as the timeline draws it, its dates in fractional years."""

    event_id: str
    kind: str  # the row: the event's kind, or "rules outside China"
    point: bool
    start: float
    end: float
    label: str | None
    number: int
    bounded: bool = False  # undated: it happened somewhere between the ends, not throughout

    @property
    def middle(self) -> float:
        return (self.start + self.end) / 2


def _timeline_marks(events: pd.DataFrame, first_year: int, last_year: int) -> list[_Mark]:
    """The events that fall in the years shown, clipped to them, in `event_id` order."""
    shown = events[events["date_start"].notna()]
    shown = shown[
        (shown["date_end"].str[:4].astype(int) >= first_year)
        & (shown["date_start"].str[:4].astype(int) <= last_year)
    ].sort_values("event_id")
    marks = []
    for _, event in shown.iterrows():
        lasting = pd.Timestamp(event["date_end"]) - pd.Timestamp(event["date_start"])
        label = event["label"]
        marks.append(
            _Mark(
                event_id=event["event_id"],
                kind=event["row"],
                point=event["precision"] in POINT_PRECISIONS and lasting.days <= 31,
                start=max(year_fraction(event["date_start"]), first_year),
                end=min(year_fraction(event["date_end"], end=True), last_year + 1),
                label=label if isinstance(label, str) and label else None,
                number=int(event["number"]),
                bounded=event["precision"] == "bounded",
            )
        )
    return marks


def _number_side(mark: _Mark, half_diamond: float, width: float, last_year: int) -> str:
    """A mark's number goes right of it, or left where it would run off the axis."""
    right = (mark.middle + half_diamond if mark.point else mark.end) + width
    return "right" if right <= last_year + 1 else "left"


def _mark_extent(
    mark: _Mark, half_diamond: float, per_year: float, last_year: int
) -> tuple[float, float]:
    """What a mark and its number take up along the row, in years."""
    left, right = (
        (mark.middle - half_diamond, mark.middle + half_diamond)
        if mark.point
        else (mark.start, mark.end)
    )
    width = (text_size(str(mark.number), NUMBER_SIZE)[0] + NUMBER_GAP) / per_year
    if _number_side(mark, half_diamond, width, last_year) == "right":
        return left, right + width
    return left - width, right


def _timeline_lanes(
    marks: list[_Mark], half_diamond: float, per_year: float, last_year: int
) -> dict[str, int]:
    """The lane of each event within its row: events whose marks or numbers would touch get
    separate lanes. Milestones are placed first, so they take the top lane, under their label."""
    lanes = {}
    for kind in sorted({mark.kind for mark in marks}):
        row = sorted(
            (mark for mark in marks if mark.kind == kind),
            key=lambda mark: (mark.label is None, mark.start, mark.end, mark.event_id),
        )
        extents = [_mark_extent(mark, half_diamond, per_year, last_year) for mark in row]
        stacked = stack_in_tiers(extents, 0.0)
        lanes.update({mark.event_id: lane for mark, lane in zip(row, stacked, strict=True)})
    return lanes


def _timeline_labels(
    marks: list[_Mark], per_year: float, first_year: int, last_year: int
) -> dict[str, tuple[float, int]]:
    """For each milestone, the centre of its label (in years) and its tier above the row.

    A label is centred over its mark, slid inwards where it would run off the axis, and put
    on a higher tier only if it would touch another label of the same row.
    """
    placed = {}
    for kind in sorted({mark.kind for mark in marks}):
        wanted = []
        for mark in marks:
            if mark.kind == kind and mark.label:
                width = text_size(mark.label, LABEL_SIZE)[0] / per_year
                centre = min(max(mark.middle, first_year + width / 2), last_year + 1 - width / 2)
                wanted.append(((centre - width / 2, centre + width / 2), mark.event_id, centre))
        wanted.sort()
        tiers = stack_in_tiers([extent for extent, _, _ in wanted], gap=0.1)
        for (_, event_id, centre), tier in zip(wanted, tiers, strict=True):
            placed[event_id] = (centre, tier)
    return placed


def _draw_number(
    axes, mark: _Mark, y: float, half_diamond: float, per_year: float, last_year: int
) -> None:
    width = (text_size(str(mark.number), NUMBER_SIZE)[0] + NUMBER_GAP) / per_year
    gap = NUMBER_GAP / per_year
    side = _number_side(mark, half_diamond, width, last_year)
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


def timeline(events: pd.DataFrame, first_year: int = 2000, last_year: int = 2012):
    """Dated events by kind, a diamond for a day or month, a bar for a period or a coarser date;
    each milestone named once, just above its own mark, so no label touches another mark.

    `events` needs: event_id, kind, precision, date_start, date_end, label (empty unless the
    event is a milestone to name on the figure).
    """
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch, Rectangle

    plt = pyplot()
    marks = _timeline_marks(events, first_year, last_year)
    rows = _timeline_rows({mark.kind for mark in marks})
    row_names = {kind: kind[0].upper() + kind[1:] for kind, _, _ in rows}
    colours = {kind: colour for kind, colour, _ in rows}

    # The horizontal frame first (the left margin fits the longest row name): label widths
    # and diamond sizes in years depend on it.
    left = max(text_size(name, 8.5)[0] for name in row_names.values()) + 0.2
    axes_width = TEXT_WIDTH - left - 0.12
    per_year = axes_width / (last_year + 1 - first_year)
    half_diamond = 0.7071 * DIAMOND / POINTS_PER_INCH / per_year
    lanes = _timeline_lanes(marks, half_diamond, per_year, last_year)
    labels = _timeline_labels(marks, per_year, first_year, last_year)
    lane_count = {
        kind: 1 + max(lanes[m.event_id] for m in marks if m.kind == kind) for kind in colours
    }
    label_tiers = {
        kind: 1
        + max((labels[m.event_id][1] for m in marks if m.kind == kind and m.label), default=-1)
        for kind in colours
    }

    # Vertical layout, top down, in inches: each row is its band of labels, then its lanes.
    label_height = text_size("Mg", LABEL_SIZE)[1] + 0.02
    centres, band_bottom, separators = {}, {}, []
    cursor = 0.0
    for index, (kind, _, group) in enumerate(rows):
        if index:
            new_group = group != rows[index - 1][2]
            cursor += ROW_GAP + (GROUP_GAP if new_group else 0.0)
            if new_group:
                separators.append(cursor - (ROW_GAP + GROUP_GAP) / 2)
        band = label_tiers[kind] * label_height + (0.06 if label_tiers[kind] else 0.0)
        band_bottom[kind] = cursor + band
        centres[kind] = cursor + band + lane_count[kind] * LANE / 2
        cursor += band + lane_count[kind] * LANE
    plot_height = cursor + 0.12
    bottom = 0.72
    figure = plt.figure(figsize=(TEXT_WIDTH, 0.08 + plot_height + bottom))
    axes = axes_in_inches(figure, left, bottom, axes_width, plot_height)
    axes.set_xlim(first_year, last_year + 1)
    axes.set_ylim(plot_height - 0.06, -0.06)  # inches from the top: y grows downwards

    def lane_y(mark: _Mark) -> float:
        return centres[mark.kind] + (lanes[mark.event_id] - (lane_count[mark.kind] - 1) / 2) * LANE

    for mark in marks:
        _draw_number(axes, mark, lane_y(mark), half_diamond, per_year, last_year)
        colour = colours[mark.kind]
        if mark.point:
            axes.plot(
                mark.middle,
                lane_y(mark),
                gid=f"event-{mark.event_id}",
                marker="D",
                markersize=DIAMOND,
                color=colour,
                markeredgecolor="white",
                markeredgewidth=0.5,
                zorder=3,
            )
            continue
        if mark.bounded:
            # Only bounds are known: a thin line between end ticks, never a bar that would read
            # as something lasting the whole time.
            axes.plot(
                [mark.start + INSET, mark.end - INSET],
                [lane_y(mark)] * 2,
                gid=f"event-{mark.event_id}",
                color=colour,
                linewidth=0.9,
                linestyle=(0, (2, 1.5)),
                marker="|",
                markersize=5,
                markevery=[0, 1],
                zorder=2,
            )
            continue
        # A light fill with a full-strength edge: the bar reads as a span, and it still stands
        # out from white in every palette colour. Bars that meet end to end share a lane; a
        # hair's inset keeps them two bars.
        bar = Rectangle(
            (mark.start + INSET, lane_y(mark) - BAR / 2),
            mark.end - mark.start - 2 * INSET,
            BAR,
            facecolor=tint(colour, 0.45),
            edgecolor=colour,
            linewidth=0.6,
            zorder=2,
            gid=f"event-{mark.event_id}",
        )
        axes.add_patch(bar)
    for mark in marks:
        if not mark.label:
            continue
        centre, tier = labels[mark.event_id]
        text_bottom = band_bottom[mark.kind] - 0.05 - tier * label_height
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
        # A short leader ties the label to its own mark, whichever way the label was slid.
        axes.plot(
            [mark.middle, mark.middle],
            [text_bottom + 0.005, lane_y(mark) - 0.045],
            color="#555555",
            linewidth=0.5,
            zorder=1,
        )
    for y in separators:
        axes.axhline(y, color="#bbbbbb", linewidth=0.5, zorder=0)

    # Year ticks on the boundaries, year names in the middle of the year they stand for: a bar
    # that covers 2012 then ends at the axis' end, not one tick beyond a label.
    years = range(first_year, last_year + 1)
    axes.set_xticks(range(first_year, last_year + 2), [""] * (len(years) + 1))
    axes.set_xticks([year + 0.5 for year in years], [str(year) for year in years], minor=True)
    axes.tick_params(axis="x", which="minor", length=0, labelsize=7.5, pad=4)
    axes.tick_params(axis="x", which="major", length=3)
    axes.set_yticks([centres[kind] for kind in colours], [row_names[kind] for kind in colours])
    axes.tick_params(axis="y", length=0)
    axes.spines["left"].set_visible(False)
    axes.grid(axis="x", which="major", color="#e4e4e4", linewidth=0.5)
    axes.set_axisbelow(True)

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
        Line2D(
            [],
            [],
            color="#555555",
            linewidth=0.9,
            linestyle=(0, (2, 1.5)),
            marker="|",
            markersize=5,
            markevery=[0, 1],
        ),
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
    return figure
