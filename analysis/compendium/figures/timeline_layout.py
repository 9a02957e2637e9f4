"""Where each mark of fig-timeline goes: its row, its lane within the row, the tier of its
label, and the heights that follow from them. Measured in inches from the text it carries, so
the same events always give the same picture."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from compendium.figures.style import (
    OKABE_ITO,
    POINTS_PER_INCH,
    TEXT_WIDTH,
    stack_in_tiers,
    text_size,
    year_fraction,
)

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


def timeline_rows(kinds_present: set[str]) -> list[tuple[str, str, int]]:
    """(kind, colour, group) for each row, top to bottom; unknown kinds go last, in grey."""
    rows = []
    for group, (colour, kinds) in enumerate(TIMELINE_GROUPS):
        rows += [(kind, colour, group) for kind in kinds if kind in kinds_present]
    known = {kind for _, kinds in TIMELINE_GROUPS for kind in kinds}
    extra = sorted(kinds_present - known)
    rows += [(kind, OKABE_ITO["grey"], len(TIMELINE_GROUPS)) for kind in extra]
    return rows


@dataclass(frozen=True)
class Mark:
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


def timeline_marks(events: pd.DataFrame, first_year: int, last_year: int) -> list[Mark]:
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
            Mark(
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


def number_side(mark: Mark, half_diamond: float, width: float, last_year: int) -> str:
    """A mark's number goes right of it, or left where it would run off the axis."""
    right = (mark.middle + half_diamond if mark.point else mark.end) + width
    return "right" if right <= last_year + 1 else "left"


def _mark_extent(
    mark: Mark, half_diamond: float, per_year: float, last_year: int
) -> tuple[float, float]:
    """What a mark and its number take up along the row, in years."""
    left, right = (
        (mark.middle - half_diamond, mark.middle + half_diamond)
        if mark.point
        else (mark.start, mark.end)
    )
    width = (text_size(str(mark.number), NUMBER_SIZE)[0] + NUMBER_GAP) / per_year
    if number_side(mark, half_diamond, width, last_year) == "right":
        return left, right + width
    return left - width, right


def _lanes(
    marks: list[Mark], half_diamond: float, per_year: float, last_year: int
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


def _labels(
    marks: list[Mark], per_year: float, first_year: int, last_year: int
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


@dataclass(frozen=True)
class Frame:
    """Where the timeline's marks go: the horizontal scale, and each mark's lane and label."""

    left: float  # inches left of the axes: the row names
    axes_width: float
    per_year: float  # inches
    half_diamond: float  # years
    lanes: dict[str, int]
    labels: dict[str, tuple[float, int]]
    lane_count: dict[str, int]
    label_tiers: dict[str, int]


def timeline_frame(
    marks: list[Mark], row_names: dict[str, str], first_year: int, last_year: int
) -> Frame:
    """The horizontal frame first (the left margin fits the longest row name): label widths
    and diamond sizes in years depend on it; then the lanes and label tiers of every row."""
    left = max(text_size(name, 8.5)[0] for name in row_names.values()) + 0.2
    axes_width = TEXT_WIDTH - left - 0.12
    per_year = axes_width / (last_year + 1 - first_year)
    half_diamond = 0.7071 * DIAMOND / POINTS_PER_INCH / per_year
    lanes = _lanes(marks, half_diamond, per_year, last_year)
    labels = _labels(marks, per_year, first_year, last_year)
    lane_count = {
        kind: 1 + max(lanes[m.event_id] for m in marks if m.kind == kind) for kind in row_names
    }
    label_tiers = {
        kind: 1
        + max((labels[m.event_id][1] for m in marks if m.kind == kind and m.label), default=-1)
        for kind in row_names
    }
    return Frame(left, axes_width, per_year, half_diamond, lanes, labels, lane_count, label_tiers)


@dataclass(frozen=True)
class Rows:
    """The vertical layout, in inches from the top: each row is its band of labels, then its
    lanes; a thin line separates one group of rows from the next."""

    centres: dict[str, float]
    band_bottom: dict[str, float]
    separators: list[float]
    height: float


def timeline_heights(rows: list[tuple[str, str, int]], frame: Frame) -> Rows:
    centres, band_bottom, separators = {}, {}, []
    cursor = 0.0
    for index, (kind, _, group) in enumerate(rows):
        if index:
            new_group = group != rows[index - 1][2]
            cursor += ROW_GAP + (GROUP_GAP if new_group else 0.0)
            if new_group:
                separators.append(cursor - (ROW_GAP + GROUP_GAP) / 2)
        tiers = frame.label_tiers[kind]
        band = tiers * label_height() + (0.06 if tiers else 0.0)
        band_bottom[kind] = cursor + band
        centres[kind] = cursor + band + frame.lane_count[kind] * LANE / 2
        cursor += band + frame.lane_count[kind] * LANE
    return Rows(centres, band_bottom, separators, cursor + 0.12)


def label_height() -> float:
    return text_size("Mg", LABEL_SIZE)[1] + 0.02
