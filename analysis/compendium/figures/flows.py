"""fig-flows: the knowledge-flow network with its cycles, against the linear model."""

from __future__ import annotations

from itertools import pairwise

from compendium.figures.style import (
    OKABE_ITO,
    TEXT_WIDTH,
    axes_in_inches,
    pyplot,
    text_size,
    tint,
    wrap,
)

# ---------------------------------------------------------------------------------------------
# fig-flows

#: Where each community sits, in inches on the network panel (x from the left, y from the
#: bottom). Explicit, not a force layout, so the bytes never change. The three communities the
#: cycles run through make a triangle in the middle (clinic left, lab right, market below) with
#: no other flow crossing it; regulators sit along the top, with the researchers who seek SFDA
#: approval between them and the cycle; international partnerships upper right; scientists
#: abroad upper left, whence they reach the MOH and all three corners; the patient-driven
#: clinicians between lab and market, the two they feed; those who only receive from the market
#: below it. Of all the flows, only the one from abroad to the labs crosses another.
FLOW_LAYOUT = {
    "research-driven-teams": (1.9, 2.1),
    "basic-science-labs": (4.4, 2.1),
    "for-profit-providers": (3.15, 0.85),
    "moh": (1.9, 4.2),
    "sfda": (3.3, 4.2),
    "foreign-drug-regulators": (4.75, 4.2),
    "scientists-abroad": (0.7, 3.3),
    "sfda-trial-researchers": (3.15, 3.15),
    "international-research-partners": (4.4, 3.15),
    "international-collaboration-researchers": (5.6, 3.15),
    "patient-driven-clinicians": (4.6, 0.8),
    "clinical-researchers-at-large": (3.15, -0.3),
    "rd-companies": (5.5, -0.3),
}

#: Names of the zones, where they are written (x, y, alignment), in the panel's inches.
FLOW_ZONES = {
    "Regulators": (0.1, 4.2, "left"),
    "Abroad": (0.7, 3.66, "center"),
    "International partnerships": (5.0, 3.5, "center"),
    "clinic": (1.55, 1.7, "center"),
    "lab": (5.1, 2.1, "left"),
    "market": (3.07, 0.45, "right"),
}

#: Bends (matplotlib arc3 `rad`; positive bends to the right of the direction of travel) for
#: edges a straight line would spoil: the flow from abroad to the for-profit providers would
#: cut through the clinic's box, so it swings round it on the outside; the flow from abroad to
#: the labs would land on the start of the labs' cycle arrow, so it arches over onto the top.
#: Two flows in opposite directions between the same pair bend apart so both arrowheads show.
FLOW_BENDS: dict[tuple[str, str], float] = {
    ("scientists-abroad", "for-profit-providers"): 0.45,
    ("scientists-abroad", "basic-science-labs"): -0.06,
}
OPPOSITE_BEND = 0.18

#: Line style of an arrow by the evidence for its flow (a stated flow is drawn solid).
STRENGTH_LINES = {"stated": "solid", "hedged": (0, (4, 2)), "inferred": (0, (1, 2))}

CYCLE_FILL = tint(OKABE_ITO["vermillion"], 0.14)
NODE_FILL = "#F2F2F2"
FLOW_GREY = "#707070"


def _node_box(axes, centre: tuple[float, float], text: str, size: float, weight: str, style):
    """A rounded box sized to its measured text, drawn in the panel's inches; returns the patch
    so that arrows stop at its edge, arrowheads in full view."""
    from matplotlib.patches import FancyBboxPatch

    width, height = text_size(text, size, weight)
    pad = 0.06
    box = FancyBboxPatch(
        (centre[0] - width / 2, centre[1] - height / 2),
        width,
        height,
        boxstyle=f"round,pad={pad},rounding_size=0.06",
        zorder=3,
        **style,
    )
    axes.add_patch(box)
    axes.text(
        *centre,
        text,
        ha="center",
        va="center",
        fontsize=size,
        fontweight=weight,
        color="#111111",
        zorder=4,
        linespacing=1.2,
    )
    return box


def _flow_key(axes, x: float, top: float) -> None:
    """The key, drawn in the panel's inches from (x, top) down: the two kinds of arrow and the
    highlighted box, each with its meaning."""
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    rows = [
        ("arrow", OKABE_ITO["vermillion"], 1.8, "Flow on a cycle", "solid"),
        ("arrow", FLOW_GREY, 0.8, "Other flow of knowledge", "solid"),
        (
            "arrow",
            FLOW_GREY,
            0.8,
            "Hedged (\u201cmay\u201d, one informant\u2019s account)",
            "hedged",
        ),
        ("arrow", FLOW_GREY, 0.8, "Inferred, not stated", "inferred"),
        ("box", None, None, "Community on a cycle", None),
    ]
    for index, (kind, colour, width, text, style) in enumerate(rows):
        y = top - index * 0.19
        if kind == "arrow":
            axes.add_patch(
                FancyArrowPatch(
                    (x, y),
                    (x + 0.42, y),
                    arrowstyle="-|>",
                    color=colour,
                    linewidth=width,
                    linestyle=STRENGTH_LINES.get(style, "solid"),
                    mutation_scale=10 if width > 1 else 8,
                )
            )
        else:
            axes.add_patch(
                FancyBboxPatch(
                    (x + 0.04, y - 0.05),
                    0.34,
                    0.1,
                    facecolor=CYCLE_FILL,
                    edgecolor=OKABE_ITO["vermillion"],
                    linewidth=1.4,
                    boxstyle="round,pad=0.02,rounding_size=0.03",
                )
            )
        axes.text(x + 0.52, y, text, ha="left", va="center", fontsize=7, color="#111111")


def _community_boxes(axes, graph, cyclic_nodes: set[str]) -> dict:
    """Each community in its place, those on a cycle highlighted; returns the boxes by node."""
    boxes = {}
    for node in sorted(graph.nodes):
        cyclic = node in cyclic_nodes
        style = (
            {"facecolor": CYCLE_FILL, "edgecolor": OKABE_ITO["vermillion"], "linewidth": 1.4}
            if cyclic
            else {"facecolor": NODE_FILL, "edgecolor": "#666666", "linewidth": 0.6}
        )
        name = wrap(graph.nodes[node].get("name", node), 18)
        boxes[node] = _node_box(
            axes, FLOW_LAYOUT[node], name, 8 if cyclic else 7, "bold" if cyclic else "normal", style
        )
    return boxes


def _flow_arrows(axes, graph, boxes: dict, on_cycle: set) -> None:
    """Each flow as an arrow from box to box: in colour and heavier on a cycle, its line style
    by the evidence for it."""
    from matplotlib.patches import FancyArrowPatch

    from compendium import network

    for source, target in sorted(graph.edges):
        cyclic = (source, target) in on_cycle
        bend = FLOW_BENDS.get((source, target), 0.0)
        if graph.has_edge(target, source):
            bend = OPPOSITE_BEND  # the same sign bends the two directions to opposite sides
        arrow = FancyArrowPatch(
            FLOW_LAYOUT[source],
            FLOW_LAYOUT[target],
            patchA=boxes[source],
            patchB=boxes[target],
            shrinkA=1.5,
            shrinkB=1.5,
            arrowstyle="-|>",
            mutation_scale=10 if cyclic else 8,
            connectionstyle=f"arc3,rad={bend}",
            color=OKABE_ITO["vermillion"] if cyclic else FLOW_GREY,
            linewidth=1.8 if cyclic else 0.8,
            linestyle=STRENGTH_LINES[network.edge_strength(graph, source, target)],
            zorder=2 if cyclic else 1,
        )
        axes.add_patch(arrow)


def _cycle_count(axes, found: list, cyclic_nodes: set[str], alternative_label: str) -> None:
    """The number of cycles, written inside the triangle they run round."""
    if not cyclic_nodes:
        return
    centre = [
        sum(FLOW_LAYOUT[node][axis] for node in cyclic_nodes) / len(cyclic_nodes) for axis in (0, 1)
    ]
    axes.text(
        *centre,
        f"{len(found)} cycle{'s' if len(found) != 1 else ''}\n({alternative_label})",
        ha="center",
        va="center",
        fontsize=8,
        fontweight="bold",
        color="#111111",
    )


def _linear_model(figure, height: float) -> None:
    """The strip beneath the network: the linear lab-to-clinic line, step by step."""
    from matplotlib.patches import FancyArrowPatch

    from compendium import network

    strip = axes_in_inches(figure, 0, 0, TEXT_WIDTH, height)
    strip.set_xlim(0, TEXT_WIDTH)
    strip.set_ylim(0, height)
    strip.axis("off")
    strip.text(
        0.1,
        height - 0.12,
        "For contrast: the linear lab-to-clinic model the drug regulators promote",
        fontsize=7.5,
        fontstyle="italic",
        color="#333333",
        va="center",
    )
    steps = network.LINEAR_MODEL
    spacing = (TEXT_WIDTH - 1.3) / max(len(steps) - 1, 1)
    step_boxes = []
    for index, step in enumerate(steps):
        centre = (0.65 + index * spacing, 0.38)
        style = {"facecolor": "white", "edgecolor": "#666666", "linewidth": 0.6}
        step_boxes.append((centre, _node_box(strip, centre, wrap(step, 12), 7, "normal", style)))
    for (start, box_a), (end, box_b) in pairwise(step_boxes):
        strip.add_patch(
            FancyArrowPatch(
                start,
                end,
                patchA=box_a,
                patchB=box_b,
                shrinkA=2,
                shrinkB=2,
                arrowstyle="-|>",
                mutation_scale=9,
                color=FLOW_GREY,
                linewidth=0.8,
            )
        )


def flows(graph, alternative_label: str = "all coded flows"):
    """The knowledge-flow network, its cycles in the middle and in colour, and beneath it, for
    contrast, the linear lab-to-clinic line the drug regulators promote."""
    from compendium import network

    plt = pyplot()
    found = network.cycles(graph)
    cyclic_nodes = {node for cycle in found for node in cycle}
    missing = sorted(set(graph.nodes) - set(FLOW_LAYOUT))
    if missing:
        raise ValueError(f"fig-flows: no place in FLOW_LAYOUT for {', '.join(missing)}")

    panel_height, strip_height, gap = 5.15, 0.95, 0.1
    figure = plt.figure(figsize=(TEXT_WIDTH, panel_height + gap + strip_height))
    axes = axes_in_inches(figure, 0, strip_height + gap, TEXT_WIDTH, panel_height)
    axes.set_xlim(0, TEXT_WIDTH)
    axes.set_ylim(-0.6, panel_height - 0.6)
    axes.axis("off")

    boxes = _community_boxes(axes, graph, cyclic_nodes)
    _flow_arrows(axes, graph, boxes, network.cycle_edges(found))
    for zone, (x, y, align) in FLOW_ZONES.items():
        axes.text(
            x, y, zone, ha=align, va="center", fontsize=7, fontstyle="italic", color="#555555"
        )
    _cycle_count(axes, found, cyclic_nodes, alternative_label)
    _flow_key(axes, x=0.1, top=0.3)
    _linear_model(figure, strip_height)
    return figure
