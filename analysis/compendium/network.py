"""The knowledge-flow network between communities of practice, and its cycles.

The article's claim is that knowledge moves in circles between the clinic, the lab and the
market, not along the regulators' linear lab-to-clinic line. The cycles are found by networkx
in the coded flows, never drawn by hand.
"""

from __future__ import annotations

import pandas as pd

#: The linear model of drug development the regulators promote, for contrast in the figure:
#: the steps the 2010 draft asks of batch products (systematic preclinical studies, closely
#: reviewed Phase I-III trials, market approval by the SFDA), with the lab before and the
#: clinic after them.
LINEAR_MODEL = (
    "Basic research",
    "Preclinical studies",
    "Phase I–III clinical trials",
    "Market approval",
    "Clinic",
)


def flow_graph(flows: pd.DataFrame, communities: pd.DataFrame):
    """A directed graph: communities as nodes (with their names), flows as edges."""
    import networkx as nx

    graph = nx.DiGraph()
    for _, community in communities.sort_values("community_id").iterrows():
        graph.add_node(community["community_id"], name=community["name"])
    for _, flow in flows.sort_values("flow_id").iterrows():
        source, target = flow["from_community"], flow["to_community"]
        if graph.has_edge(source, target):
            graph.edges[source, target]["flow_ids"].append(flow["flow_id"])
        else:
            graph.add_edge(source, target, flow_ids=[flow["flow_id"]])
    return graph


def canonical_cycle(cycle: list[str]) -> tuple[str, ...]:
    """A cycle rotated to start at its smallest node, so the same cycle always reads the same."""
    start = cycle.index(min(cycle))
    return tuple(cycle[start:] + cycle[:start])


def cycles(graph) -> list[tuple[str, ...]]:
    """Every elementary cycle of the graph, canonical and sorted (shortest first)."""
    import networkx as nx

    found = {canonical_cycle(list(cycle)) for cycle in nx.simple_cycles(graph)}
    return sorted(found, key=lambda cycle: (len(cycle), cycle))


def cycle_edges(found: list[tuple[str, ...]]) -> set[tuple[str, str]]:
    """The edges that lie on at least one cycle."""
    edges = set()
    for cycle in found:
        for index, node in enumerate(cycle):
            edges.add((node, cycle[(index + 1) % len(cycle)]))
    return edges
