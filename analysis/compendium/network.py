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
    """A directed graph: communities as nodes (with their names), flows as edges; an edge keeps
    the ids and evidence strengths of the flows it stands for."""
    import networkx as nx

    graph = nx.DiGraph()
    for _, community in communities.sort_values("community_id").iterrows():
        graph.add_node(community["community_id"], name=community["name"])
    for _, flow in flows.sort_values("flow_id").iterrows():
        source, target = flow["from_community"], flow["to_community"]
        strength = flow.get("evidence_strength", "stated")
        if graph.has_edge(source, target):
            graph.edges[source, target]["flow_ids"].append(flow["flow_id"])
            graph.edges[source, target]["strengths"].append(strength)
        else:
            graph.add_edge(source, target, flow_ids=[flow["flow_id"]], strengths=[strength])
    return graph


#: Evidence strengths from strongest to weakest: an edge is as strong as its strongest flow.
STRENGTHS = ("stated", "hedged", "inferred")


def edge_strength(graph, source: str, target: str) -> str:
    """The strongest evidence among the flows an edge stands for."""
    present = graph.edges[source, target].get("strengths", ["stated"])
    return next(strength for strength in STRENGTHS if strength in present)


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


# ---------------------------------------------------------------------------------------------
# Coding alternatives: the cycle analysis as a multiverse in miniature.
#
# How many cycles the network holds depends on which flows count and how finely communities
# are split. The alternatives are declared in config/config.yaml (`flow_alternatives`); each
# finding below is computed under every one, and the paper calls a finding robust only where
# it comes out the same under all of them.


def select_flows(flows: pd.DataFrame, alternative: dict) -> pd.DataFrame:
    """The flows an alternative keeps: those of the listed evidence strengths, and only those a
    case backs when `case_backed_only` is set."""
    strengths = alternative.get("strengths", ["stated", "hedged", "inferred"])
    kept = flows[flows["evidence_strength"].isin(strengths)]
    if alternative.get("case_backed_only", False):
        kept = kept[kept["case_id"].notna() & (kept["case_id"] != "")]
    return kept


def merged_communities(
    flows: pd.DataFrame, communities: pd.DataFrame, merge: dict
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Flows and communities with each group of `merge` ({id: {name, members}}) made one
    community; flows inside a group vanish (a group does not send knowledge to itself)."""
    member_of = {member: group for group, spec in merge.items() for member in spec["members"]}
    kept = communities[~communities["community_id"].isin(member_of)]
    added = pd.DataFrame(
        {"community_id": list(merge), "name": [spec["name"] for spec in merge.values()]}
    )
    communities = pd.concat([kept[["community_id", "name"]], added], ignore_index=True)
    flows = flows.copy()
    for column in ("from_community", "to_community"):
        flows[column] = flows[column].map(lambda node: member_of.get(node, node))
    flows = flows[flows["from_community"] != flows["to_community"]]
    return flows, communities


def alternative_graph(flows: pd.DataFrame, communities: pd.DataFrame, alternative: dict):
    """The flow graph as one coding alternative defines it; each node keeps `members`, the
    original communities it stands for."""
    selected = select_flows(flows, alternative)
    merge = alternative.get("merge") or {}
    selected, nodes = merged_communities(selected, communities, merge)
    graph = flow_graph(selected, nodes)
    for node in graph.nodes:
        graph.nodes[node]["members"] = set(merge[node]["members"]) if node in merge else {node}
    return graph


def _nodes_holding(graph, communities: set[str]) -> set[str]:
    return {node for node in graph.nodes if graph.nodes[node]["members"] & communities}


def findings(graph, clinic_side: set[str], lab: str, origin: str, regulators: set[str]) -> dict:
    """What the network shows under one alternative.

    `clinic_side`: the communities that treat patients; `lab`: the basic and preclinical labs;
    `origin`: where the article's own loop starts (clinicians trying approaches in patients);
    `regulators`: the state bodies, which the text shows receiving flows only.
    """
    found = cycles(graph)
    on_cycle = {node for cycle in found for node in cycle}
    clinic_nodes = _nodes_holding(graph, clinic_side)
    lab_nodes = _nodes_holding(graph, {lab})
    return {
        "cycle_count": len(found),
        "flow_count": sum(len(graph.edges[edge]["flow_ids"]) for edge in graph.edges),
        "any_cycle": bool(found),
        "clinic_lab_cycle": any(
            set(cycle) & clinic_nodes and set(cycle) & lab_nodes for cycle in found
        ),
        "origin_on_cycle": bool(_nodes_holding(graph, {origin}) & on_cycle),
        "for_profit_on_cycle": bool(_nodes_holding(graph, {"for-profit-providers"}) & on_cycle),
        "regulators_off_cycles": not (_nodes_holding(graph, regulators) & on_cycle),
    }


def robustness(
    flows: pd.DataFrame, communities: pd.DataFrame, settings: dict
) -> dict[str, dict[str, object]]:
    """{alternative id: findings} for every declared alternative, in the config's order."""
    results = {}
    for alternative in settings["alternatives"]:
        graph = alternative_graph(flows, communities, alternative)
        results[alternative["id"]] = findings(
            graph,
            clinic_side=set(settings["clinic_side"]),
            lab=settings["lab"],
            origin=settings["origin"],
            regulators=set(settings["regulators"]),
        )
    return results


def is_robust(results: dict[str, dict[str, object]], finding: str) -> bool:
    """A finding is robust when it comes out the same under every alternative."""
    return len({repr(result[finding]) for result in results.values()}) == 1
