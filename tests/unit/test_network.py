"""The knowledge-flow graph and its cycles, on SYNTHETIC communities and flows written inline.

The communities `a`..`e` and flows `f1`..`f7` are invented: a 3-cycle a → b → c → a, a 2-cycle
c ⇄ d, a dead end d → e and a second flow on one edge. Each cycle must be found once, in its
canonical rotation, in a fixed order; an acyclic graph has none.
"""

from __future__ import annotations

import random

import pandas as pd
import pytest

from compendium import network

COMMUNITIES = pd.DataFrame(
    {"community_id": ["c", "a", "b", "d", "e"], "name": ["Cee", "Ay", "Bee", "Dee", "Ee"]}
)
FLOWS = pd.DataFrame(
    {
        "flow_id": ["f3", "f1", "f2", "f4", "f5", "f6", "f7"],
        "from_community": ["c", "a", "b", "c", "d", "a", "d"],
        "to_community": ["a", "b", "c", "d", "c", "b", "e"],
    }
)


def test_graph_has_every_community_with_its_name():
    graph = network.flow_graph(FLOWS, COMMUNITIES)
    assert list(graph.nodes) == ["a", "b", "c", "d", "e"]
    assert graph.nodes["a"]["name"] == "Ay"


def test_graph_merges_flows_on_the_same_edge_in_flow_order():
    graph = network.flow_graph(FLOWS, COMMUNITIES)
    assert graph.number_of_edges() == 6
    assert graph.edges["a", "b"]["flow_ids"] == ["f1", "f6"]
    assert graph.edges["d", "e"]["flow_ids"] == ["f7"]
    assert not graph.has_edge("b", "a")  # flows are directed


def test_community_without_flows_is_still_a_node():
    graph = network.flow_graph(FLOWS.iloc[:0], COMMUNITIES)
    assert graph.number_of_nodes() == 5
    assert graph.number_of_edges() == 0


@pytest.mark.parametrize(
    ("cycle", "canonical"),
    [
        (["a", "b", "c"], ("a", "b", "c")),
        (["b", "c", "a"], ("a", "b", "c")),
        (["c", "a", "b"], ("a", "b", "c")),
        (["d", "c"], ("c", "d")),
        (["clinic", "lab", "market"], ("clinic", "lab", "market")),
        (["market", "clinic", "lab"], ("clinic", "lab", "market")),
    ],
)
def test_canonical_cycle_starts_at_its_smallest_node(cycle, canonical):
    assert network.canonical_cycle(cycle) == canonical


def test_canonical_rotation_keeps_direction():
    assert network.canonical_cycle(["a", "c", "b"]) == ("a", "c", "b")
    assert network.canonical_cycle(["a", "c", "b"]) != network.canonical_cycle(["a", "b", "c"])


def test_three_cycle_and_two_cycle_are_each_found_once_shortest_first():
    found = network.cycles(network.flow_graph(FLOWS, COMMUNITIES))
    assert found == [("c", "d"), ("a", "b", "c")]


def test_cycles_do_not_depend_on_the_order_of_the_rows():
    expected = network.cycles(network.flow_graph(FLOWS, COMMUNITIES))
    generator = random.Random(2013)
    for _ in range(10):
        flows = FLOWS.sample(frac=1, random_state=generator.randrange(1000))
        communities = COMMUNITIES.sample(frac=1, random_state=generator.randrange(1000))
        assert network.cycles(network.flow_graph(flows, communities)) == expected


def test_cycles_of_equal_length_are_sorted_by_their_nodes():
    flows = pd.DataFrame(
        {
            "flow_id": ["x1", "x2", "x3", "x4"],
            "from_community": ["d", "e", "a", "b"],
            "to_community": ["e", "d", "b", "a"],
        }
    )
    found = network.cycles(network.flow_graph(flows, COMMUNITIES))
    assert found == [("a", "b"), ("d", "e")]


def test_acyclic_graph_has_no_cycles():
    flows = pd.DataFrame(
        {
            "flow_id": ["l1", "l2", "l3", "l4"],
            "from_community": ["a", "b", "c", "a"],
            "to_community": ["b", "c", "d", "d"],
        }
    )
    graph = network.flow_graph(flows, COMMUNITIES)
    assert network.cycles(graph) == []
    assert network.cycle_edges([]) == set()


def test_cycle_edges_close_each_cycle():
    found = [("c", "d"), ("a", "b", "c")]
    assert network.cycle_edges(found) == {
        ("c", "d"), ("d", "c"), ("a", "b"), ("b", "c"), ("c", "a"),
    }  # fmt: skip


def test_edges_off_every_cycle_are_not_cycle_edges():
    found = network.cycles(network.flow_graph(FLOWS, COMMUNITIES))
    assert ("d", "e") not in network.cycle_edges(found)


# --------------------------------------------------------------------------------------------
# Coding alternatives. Strengths and cases are invented: f1 (a → b) is hedged, f4 (c → d) is
# inferred, only f2, f3 and f5 have a case.

CODED = FLOWS.assign(
    evidence_strength=["stated", "hedged", "stated", "inferred", "stated", "stated", "stated"],
    case_id=["k3", None, "k2", None, "k5", None, None],
)
SETTINGS = {
    "figure_alternative": "all",
    "clinic_side": ["a", "c"],
    "lab": "b",
    "origin": "d",
    "regulators": ["e"],
    "alternatives": [
        {"id": "all", "label": "All"},
        {"id": "stated", "label": "Stated", "strengths": ["stated"]},
        {"id": "backed", "label": "Backed", "strengths": ["stated"], "case_backed_only": True},
        {
            "id": "merged",
            "label": "Merged",
            "merge": {"ac": {"name": "A and C", "members": ["a", "c"]}},
        },
    ],
}


def test_an_edge_is_as_strong_as_its_strongest_flow():
    graph = network.flow_graph(CODED, COMMUNITIES)
    assert network.edge_strength(graph, "a", "b") == "stated"  # f1 hedged, f6 stated
    assert network.edge_strength(graph, "c", "d") == "inferred"


def test_alternatives_keep_flows_by_strength_and_case():
    assert list(network.select_flows(CODED, {"strengths": ["stated"]})["flow_id"]) == [
        "f3", "f2", "f5", "f6", "f7",
    ]  # fmt: skip
    kept = network.select_flows(CODED, {"strengths": ["stated"], "case_backed_only": True})
    assert list(kept["flow_id"]) == ["f3", "f2", "f5"]


def test_merging_makes_one_node_and_drops_the_flows_inside_it():
    graph = network.alternative_graph(CODED, COMMUNITIES, SETTINGS["alternatives"][3])
    assert sorted(graph.nodes) == ["ac", "b", "d", "e"]
    assert graph.nodes["ac"]["members"] == {"a", "c"}
    assert not graph.has_edge("ac", "ac")
    assert network.cycles(graph) == [("ac", "b"), ("ac", "d")]


def test_findings_under_every_alternative_and_what_is_robust():
    results = network.robustness(CODED, COMMUNITIES, SETTINGS)
    assert [results[key]["cycle_count"] for key in ("all", "stated", "backed", "merged")] == [
        2, 1, 0, 2,
    ]  # fmt: skip
    assert results["all"]["origin_on_cycle"] is True
    assert results["stated"]["origin_on_cycle"] is False  # c → d is only inferred
    assert results["backed"]["any_cycle"] is False
    assert network.is_robust(results, "regulators_off_cycles")
    assert not network.is_robust(results, "any_cycle")


def test_changing_an_alternative_in_the_settings_changes_the_findings():
    before = network.robustness(CODED, COMMUNITIES, SETTINGS)
    changed = {**SETTINGS, "alternatives": [*SETTINGS["alternatives"][:2]]}
    after = network.robustness(CODED, COMMUNITIES, changed)
    assert list(after) == ["all", "stated"]
    assert network.is_robust(after, "any_cycle") and not network.is_robust(before, "any_cycle")
