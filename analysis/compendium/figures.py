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
# fig-timeline

#: Rows of the timeline, top to bottom, and their colours. Regulation first: it is the story.
TIMELINE_KINDS = {
    "regulation": OKABE_ITO["vermillion"],
    "draft": OKABE_ITO["orange"],
    "notice": OKABE_ITO["reddish_purple"],
    "guideline": OKABE_ITO["blue"],
    "policy": OKABE_ITO["sky_blue"],
    "media": OKABE_ITO["grey"],
    "clinical": OKABE_ITO["bluish_green"],
    "research": OKABE_ITO["bluish_green"],
    "market": OKABE_ITO["yellow"],
    "fieldwork": OKABE_ITO["black"],
}

#: Precisions drawn as a point; coarser ones are drawn as the span they cover.
POINT_PRECISIONS = {"day", "month"}


def _year_fraction(iso_day: str, end: bool = False) -> float:
    day = pd.Timestamp(iso_day)
    start_of_year = pd.Timestamp(year=day.year, month=1, day=1)
    days_in_year = 366 if day.is_leap_year else 365
    offset = (day - start_of_year).days + (1 if end else 0)
    return day.year + offset / days_in_year


def timeline(events: pd.DataFrame, first_year: int = 2000, last_year: int = 2012):
    """Dated events by kind; a span where the date is a span, milestones labelled.

    `events` needs: kind, precision, date_start, date_end, label (empty unless the event is a
    milestone to name on the figure).
    """
    plt = _pyplot()
    kinds = [kind for kind in TIMELINE_KINDS if kind in set(events["kind"])]
    rows = {kind: index for index, kind in enumerate(reversed(kinds))}
    figure, axes = plt.subplots(figsize=(TEXT_WIDTH, 0.42 * len(kinds) + 1.3))
    shown = events[events["date_start"].notna()].copy()
    shown = shown[
        (shown["date_end"].str[:4].astype(int) >= first_year)
        & (shown["date_start"].str[:4].astype(int) <= last_year)
    ]
    for _, event in shown.iterrows():
        y = rows[event["kind"]]
        colour = TIMELINE_KINDS[event["kind"]]
        start = max(_year_fraction(event["date_start"]), first_year)
        end = min(_year_fraction(event["date_end"], end=True), last_year + 1)
        if event["precision"] in POINT_PRECISIONS:
            axes.plot(
                (start + end) / 2, y, marker="D", markersize=5.5, color=colour,
                markeredgecolor="white", markeredgewidth=0.6, zorder=3,
            )  # fmt: skip
        else:
            axes.plot(
                [start, end], [y, y], color=colour, linewidth=5, alpha=0.55,
                solid_capstyle="butt", zorder=2,
            )  # fmt: skip
    labelled = shown[shown["label"].notna() & (shown["label"] != "")]
    for position, (_, event) in enumerate(labelled.sort_values("date_start").iterrows()):
        y = rows[event["kind"]]
        x = (_year_fraction(event["date_start"]) + _year_fraction(event["date_end"], end=True)) / 2
        offset = 0.34 if position % 2 == 0 else -0.40
        axes.annotate(
            event["label"], xy=(x, y), xytext=(x, y + offset), fontsize=7,
            ha="center", va="center", color="#111111",
            arrowprops={"arrowstyle": "-", "color": "#555555", "linewidth": 0.5},
        )  # fmt: skip
    axes.set_yticks(list(rows.values()), [kind.capitalize() for kind in rows])
    axes.set_ylim(-0.8, len(kinds) - 0.2)
    axes.set_xlim(first_year, last_year + 1)
    axes.set_xticks(range(first_year, last_year + 2, 2))
    axes.grid(axis="x", color="#dddddd", linewidth=0.5)
    axes.set_axisbelow(True)
    axes.set_xlabel("Year (diamond: dated to the day or month; bar: the span a coarser date covers)")
    figure.tight_layout()
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


def coexistence(cases: pd.DataFrame, modalities: pd.DataFrame, instruments: pd.DataFrame):
    """Per year, the modalities with active coded cases (cell shade = number of cases), the
    count of coexisting modalities on the right, and the regulatory instruments as dated lines.
    """
    from compendium import derive

    plt = _pyplot()
    order = list(modalities["modality_id"])
    labels = dict(zip(modalities["modality_id"], modalities["label"]))
    first, last = derive.FIRST_YEAR, derive.PRESENT_YEAR
    counts = derive.coexistence(cases, order, first, last)
    figure, axes = plt.subplots(figsize=(TEXT_WIDTH, 0.5 * len(order) + 2.0))
    most = max(int(counts[order].to_numpy().max()), 1)
    for row, modality in enumerate(order):
        y = len(order) - 1 - row
        for year, number in counts[modality].items():
            if number == 0:
                continue
            axes.add_patch(
                plt.Rectangle(
                    (year - 0.45, y - 0.32), 0.9, 0.64,
                    facecolor=MODALITY_COLOURS.get(modality, OKABE_ITO["grey"]),
                    alpha=0.35 + 0.65 * number / most, linewidth=0,
                )  # fmt: skip
            )
            axes.text(year, y, str(number), ha="center", va="center", fontsize=6.5, color="white"
                      if number / most > 0.5 else "#111111")  # fmt: skip
    for year, coexisting in counts["coexisting"].items():
        axes.text(year, len(order) - 0.2, str(coexisting), ha="center", va="bottom",
                  fontsize=7.5, fontweight="bold")  # fmt: skip
    axes.text(first - 0.6, len(order) - 0.2, "Modalities\nactive:", ha="right", va="bottom",
              fontsize=7)  # fmt: skip
    dated = instruments[instruments["date_start"].notna()].sort_values("date_start")
    dated = dated[dated["year_start"].between(first, last)]
    for index, (_, instrument) in enumerate(dated.iterrows()):
        x = _year_fraction(instrument["date_start"]) - 0.5
        axes.axvline(x, color="#333333", linewidth=0.7, linestyle=(0, (3, 2)), zorder=0)
        axes.text(x + 0.05, -0.75 - 0.42 * (index % 2), instrument["short_name"], fontsize=6.5,
                  ha="left", va="center", color="#222222")  # fmt: skip
    axes.set_yticks(range(len(order)), [labels[m] for m in reversed(order)])
    axes.set_xticks(range(first, last + 1, 2))
    axes.set_xlim(first - 0.6, last + 0.6)
    axes.set_ylim(-1.4, len(order) + 0.4)
    axes.spines["left"].set_visible(False)
    axes.tick_params(axis="y", length=0)
    axes.set_xlabel("Year (cell: number of coded cases active; dashed line: regulatory instrument)")
    figure.tight_layout()
    return figure


# ---------------------------------------------------------------------------------------------
# fig-flows


def _wrap(text: str, width: int = 18) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def flows(graph):
    """The knowledge-flow network on a circle, edges on a cycle drawn bold, and beneath it the
    linear lab-to-clinic line the regulators promote."""
    import networkx as nx

    from compendium import network

    plt = _pyplot()
    found = network.cycles(graph)
    on_cycle = network.cycle_edges(found)
    figure, (axes, linear) = plt.subplots(
        2, 1, figsize=(TEXT_WIDTH, 6.4), gridspec_kw={"height_ratios": [6, 1]}
    )
    nodes = sorted(graph.nodes)
    positions = nx.circular_layout(nodes, scale=1.0)
    positions = {node: (round(float(x), 6), round(float(y), 6)) for node, (x, y) in positions.items()}
    for source, target in sorted(graph.edges):
        cyclic = (source, target) in on_cycle
        axes.annotate(
            "", xy=positions[target], xytext=positions[source],
            arrowprops={
                "arrowstyle": "-|>", "mutation_scale": 11,
                "color": OKABE_ITO["vermillion"] if cyclic else "#8a8a8a",
                "linewidth": 1.8 if cyclic else 0.9,
                "shrinkA": 26, "shrinkB": 26, "connectionstyle": "arc3,rad=0.12",
            },
        )  # fmt: skip
    for node in nodes:
        x, y = positions[node]
        axes.text(
            x, y, _wrap(graph.nodes[node].get("name", node)), ha="center", va="center",
            fontsize=7, bbox={"boxstyle": "round,pad=0.35", "facecolor": "#f2f2f2",
                              "edgecolor": "#555555", "linewidth": 0.6},
        )  # fmt: skip
    axes.set_xlim(-1.45, 1.45)
    axes.set_ylim(-1.3, 1.3)
    axes.set_aspect("equal")
    axes.axis("off")
    axes.set_title(
        f"Knowledge flows between communities of practice: {len(found)} cycles "
        "(bold red edges lie on at least one cycle)",
        fontsize=8.5,
    )
    steps = network.LINEAR_MODEL
    for index, step in enumerate(steps):
        linear.text(index, 0, _wrap(step, 12), ha="center", va="center", fontsize=7,
                    bbox={"boxstyle": "round,pad=0.35", "facecolor": "white",
                          "edgecolor": "#555555", "linewidth": 0.6})  # fmt: skip
        if index:
            linear.annotate("", xy=(index - 0.32, 0), xytext=(index - 0.68, 0),
                            arrowprops={"arrowstyle": "-|>", "color": "#555555"})  # fmt: skip
    linear.set_xlim(-0.6, len(steps) - 0.4)
    linear.set_ylim(-0.6, 0.6)
    linear.axis("off")
    linear.set_title("The linear lab-to-clinic model promoted by drug regulators", fontsize=8)
    figure.tight_layout()
    return figure
