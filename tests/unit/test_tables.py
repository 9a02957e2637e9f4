"""Table text: escaping, pipe tables, and each table builder, on SYNTHETIC frames.

Every frame is invented and written inline (`case-a`, `Path one`, citation keys `alpha2002`...).
Hostile cell values (`<script>`, `*`, `#`, `$`, `|`, `@key`) must reach the reader as the text
they are; one test renders a table with the pandoc the build uses to prove it.
"""

from __future__ import annotations

import subprocess

import pandas as pd
import pypandoc
import pytest

from compendium import pipe_tables, tables
from compendium.errors import BuildError

NA = pd.NA

# --------------------------------------------------------------------------------------------
# escape and pipe_table


@pytest.mark.parametrize(
    ("value", "escaped"),
    [
        ("<script>alert(1)</script>", r"\<script\>alert(1)\</script\>"),
        ("*", r"\*"),
        ("**bold**", r"\*\*bold\*\*"),
        ("_under_", r"\_under\_"),
        ("# heading", r"\# heading"),
        ("$5 and $x$", r"\$5 and \$x\$"),
        ("a | b", r"a \| b"),
        ("@key", r"\@key"),
        ("[@key]", r"\[\@key\]"),
        ("`code`", r"\`code\`"),
        (r"back\slash", r"back\\slash"),
        ("100-150", r"100\-150"),
        ("more than 9,000", "more than 9,000"),
        ("Q3–Q4 2009", "Q3–Q4 2009"),
        ("two\nlines   and\ttabs", "two lines and tabs"),
        (2847, "2847"),
        (None, ""),
        (float("nan"), ""),
        (NA, ""),
    ],
)
def test_escape_makes_every_markdown_character_literal(value, escaped):
    assert pipe_tables.escape(value) == escaped


FRAME = pd.DataFrame({"Name": ["alpha", "beta"], "Count": ["1", "2"], "Source": ["[@a]", ""]})


def test_pipe_table_layout():
    text = pipe_tables.pipe_table(
        FRAME, "Counts of *things*.", "tbl-things", alignments={"Count": "right"},
        raw_columns=["Source"],
    )  # fmt: skip
    assert text == (
        "| Name | Count | Source |\n"
        "|:------------|------------:|:------------|\n"
        "| alpha | 1 | [@a] |\n"
        "| beta | 2 |  |\n"
        "\n"
        ": Counts of *things*. {#tbl-things}\n"
    )


def test_pipe_table_centre_alignment_and_escaped_header():
    text = pipe_tables.pipe_table(pd.DataFrame({"A|B": ["x"]}), "C.", "tbl-c", {"A|B": "center"})
    assert text.splitlines()[:2] == [r"| A\|B |", "|:------------:|"]


def test_pipe_table_column_weights_set_the_dashes_pandoc_sizes_columns_by():
    frame = FRAME.copy()
    frame.attrs["widths"] = {"Name": 1, "Count": 2}
    rule = pipe_tables.pipe_table(frame, "C.", "tbl-c", {"Count": "right"}).splitlines()[1]
    assert rule == "|:----|--------:|:------------|"


HOSTILE = ["<script>alert(1)</script>", "*not emphasis*", "# not a heading", "$x$ costs $5",
           "a | b", "@key"]  # fmt: skip


def test_hostile_cells_are_escaped_in_the_table_text():
    text = pipe_tables.pipe_table(pd.DataFrame({"Value": HOSTILE}), "Hostile.", "tbl-hostile")
    body = text.splitlines()[2:8]
    assert body == [
        r"| \<script\>alert(1)\</script\> |",
        r"| \*not emphasis\* |",
        r"| \# not a heading |",
        r"| \$x\$ costs \$5 |",
        r"| a \| b |",
        r"| \@key |",
    ]


def test_hostile_cells_reach_the_reader_as_text_through_pandoc():
    text = pipe_tables.pipe_table(
        pd.DataFrame({"Value": HOSTILE, "Other": ["x"] * len(HOSTILE)}), "Hostile.", "tbl-hostile"
    )
    html = subprocess.run(
        [pypandoc.get_pandoc_path(), "--from", "markdown", "--to", "html"],
        input=text, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert "<script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<em>" not in html
    assert "*not emphasis*" in html
    assert "<h1" not in html
    assert "# not a heading" in html
    assert "math" not in html
    assert "$x$ costs $5" in html
    assert "a | b" in html
    assert html.count("<tr") == len(HOSTILE) + 1  # the escaped | split no row
    assert "citation" not in html
    assert "@key" in html


# --------------------------------------------------------------------------------------------
# join_values and citations


def test_join_values_keeps_first_seen_order_without_repeats_or_blanks():
    assert tables.join_values(pd.Series(["b", "a", "b", None, float("nan"), "c"])) == "b; a; c"
    assert tables.join_values(pd.Series(["x", "y"]), separator=" / ") == "x / y"
    assert tables.join_values(pd.Series([], dtype=object)) == ""


@pytest.mark.parametrize(
    ("series", "joined"),
    [
        pytest.param(pd.Series(["a", None, "a"], dtype="string"), "a", id="nullable-string-na"),
        pytest.param(pd.Series([1, 1, 2]), "1; 2", id="integers-repeated"),
    ],
)
def test_join_values_on_other_column_types(series, joined):
    """`pd.NA` is an empty value (escape() and citations() treat it so); today it raises
    "boolean value of NA is ambiguous". Repeats are compared as text; today 1 and '1' differ,
    so integers repeat."""
    assert tables.join_values(series) == joined


@pytest.mark.parametrize(
    ("cell", "cited"),
    [
        ("alpha2002", "[@alpha2002]"),
        ("alpha2002; beta2002", "[@alpha2002; @beta2002]"),
        (" alpha2002 ;beta2002; ", "[@alpha2002; @beta2002]"),
        (" ; ", ""),
        (None, ""),
        (float("nan"), ""),
        (NA, ""),
    ],
)
def test_citations(cell, cited):
    assert pipe_tables.citations(cell) == cited


# --------------------------------------------------------------------------------------------
# captions and writing


@pytest.fixture
def captions(tmp_path):
    path = tmp_path / "captions.yml"
    path.write_text("tbl-things: >-\n  Counts of   *things*\n  over two lines.\n", encoding="utf-8")
    return path


def test_caption_is_read_with_whitespace_collapsed(captions):
    assert pipe_tables.read_caption(captions, "tbl-things") == "Counts of *things* over two lines."


def test_missing_caption_names_file_and_label(captions):
    with pytest.raises(BuildError) as raised:
        pipe_tables.read_caption(captions, "tbl-missing")
    assert str(raised.value) == f"{captions}: tbl-missing: no caption for 'tbl-missing'"


def test_write_turns_source_keys_into_citations_and_leaves_no_partial_file(captions, tmp_path):
    frame = pd.DataFrame({"What": ["<b>", "c"], "Source": ["alpha2002; beta2002", None]})
    frame.attrs["citation_columns"] = ["Source"]
    frame.attrs["alignments"] = {"What": "right"}
    output = tmp_path / "results" / "tables" / "tbl-things.md"
    pipe_tables.write(frame, "tbl-things", captions, output)
    assert output.read_text(encoding="utf-8") == (
        "| What | Source |\n"
        "|------------:|:------------|\n"
        r"| \<b\> | [@alpha2002; @beta2002] |" "\n"
        "| c |  |\n"
        "\n"
        ": Counts of *things* over two lines. {#tbl-things}\n"
    )  # fmt: skip
    assert sorted(path.name for path in output.parent.iterdir()) == ["tbl-things.md"]
    assert frame.loc[0, "Source"] == "alpha2002; beta2002"  # the input is not changed


# --------------------------------------------------------------------------------------------
# Table builders


def test_fieldwork_table_has_one_row_per_aspect_in_a_fixed_order():
    facts = pd.DataFrame(
        {
            "aspect": ["place", "interviews", "place", "stakeholder_group", "place", "period"],
            "value": ["Z", "Eighty-two", "Y", "group x", "Z", "between July 2009 and April 2011"],
        }
    )
    table = tables.fieldwork(facts)
    assert table.to_dict("list") == {
        "Aspect": ["Interviews", "Period", "Places", "Stakeholder groups interviewed"],
        "Details": ["Eighty-two", "between July 2009 and April 2011", "Z; Y", "group x"],
    }


def test_fieldwork_table_without_facts_is_empty_with_columns():
    table = tables.fieldwork(pd.DataFrame({"aspect": [], "value": []}))
    assert list(table.columns) == ["Aspect", "Details"]
    assert table.empty


INDICATORS = pd.DataFrame(
    {
        "indicator_id": ["i-patients", "i-clinics", "i-undated", "i-episodes", "i-words"],
        "subject": ["patients", "clinics", "deaths", "episodes", "treatments"],
        "value_as_written": ["more than 9000", "100-150", "not one", "more than 130",
                             "one hundred million"],
        "qualifier": ["more_than", "range", "exact", "more_than", "exact"],
        "unit": ["patients", "clinics", "deaths", "episodes", "yuan"],
        "year": pd.array([2011, 2009, None, 2010, 2009], dtype="Int64"),
        "source": ["alpha2002", None, None, "gamma2010; delta2011", None],
    }
)  # fmt: skip


def test_indicators_are_ordered_by_year_then_subject_with_undated_last():
    table = tables.indicators(INDICATORS)
    assert table["What is counted"].tolist() == [
        "clinics", "treatments", "episodes", "patients", "deaths",
    ]  # fmt: skip
    assert table["Year"].tolist() == ["2009", "2009", "2010", "2011", ""]


def test_indicators_say_what_kind_of_number_each_is():
    table = tables.indicators(INDICATORS).set_index("What is counted")
    assert table.loc["patients", "Kind of value"] == "lower bound"
    assert table.loc["patients", "Value as written"] == "more than 9000"
    assert table.loc["clinics", "Kind of value"] == "range"
    assert table.loc["deaths", "Kind of value"] == "exact"
    assert set(tables.QUALIFIER_WORDS) == {
        "exact", "more_than", "at_least", "less_than", "up_to", "about", "range",
    }  # fmt: skip


def test_indicators_mark_sources_for_citation_and_numbers_for_right_alignment():
    table = tables.indicators(INDICATORS)
    assert table.attrs["citation_columns"] == ["Source"]
    assert table.attrs["alignments"] == {"Value as written": "right", "Year": "right"}


PROVISIONS = pd.DataFrame(
    {
        "provision_id": ["d-p2", "d-p1", "d-body", "n-s2", "n-f1", "n-s1", "n-f2", "r-c3"],
        "instrument_id": ["draft-2010"] * 3 + ["notice-2012"] * 4 + ["rules-2009"],
        "element": ["pathway", "pathway", "responsible_body", "stage", "form_item", "stage",
                    "form_item", "category"],
        "position": pd.array([2, 1, 1, 2, 1, 1, 2, 3], dtype="Int64"),
        "name": ["Path two", "Path one", "Body", "Stage two", "Item one", "Stage one", "Item two",
                 "Category III"],
        "name_pinyin": [None, None, None, "er", None, "yi", None, None],
        "risk_class": ["risky", "most risky", None, None, None, None, None, None],
        "responsible_body": ["Body A", "Body B; Body C", None, None, None, None, None, None],
        "description": ["Second path.", "First path.", None, None, None, None, None, None],
        "date_as_written": [None, None, None, "by 1 July", None, "by 1 April", None, None],
        "effect": [None, None, None, "announced for later", None, "in first phase", None, None],
    }
)  # fmt: skip


def test_pathways_are_the_drafts_pathways_in_its_order():
    table = tables.pathways(PROVISIONS)
    assert table.to_dict("list") == {
        "No.": ["1", "2"],
        "Pathway": ["Path one", "Path two"],
        "Risk class": ["most risky", "risky"],
        "Responsible body": ["Body B; Body C", "Body A"],
        "What the draft provides": ["First path.", "Second path."],
    }
    assert table.attrs["alignments"] == {"No.": "right"}


def test_notice_lists_stages_then_form_items_each_in_order():
    table = tables.notice(PROVISIONS)
    assert table[["Part", "No.", "Name"]].to_numpy().tolist() == [
        ["Stage", "1", "Stage one"],
        ["Stage", "2", "Stage two"],
        ["Self-evaluation form item", "1", "Item one"],
        ["Self-evaluation form item", "2", "Item two"],
    ]
    assert table["Pinyin"].tolist()[:2] == ["yi", "er"]
    # The article dates no stage: each says which phase it belongs to instead.
    assert table["When"].tolist() == [
        tables.FIRST_PHASE,
        tables.LATER,
        f"{tables.FIRST_PHASE} (self-evaluation)",
        f"{tables.FIRST_PHASE} (self-evaluation)",
    ]


def test_notice_without_provisions_is_empty_with_columns():
    table = tables.notice(PROVISIONS[PROVISIONS["instrument_id"] == "rules-2009"])
    assert list(table.columns) == ["Part", "No.", "Name", "Pinyin", "When"]
    assert table.empty


MODALITIES = pd.DataFrame(
    {
        "modality_id": ["m-one", "m-two"],
        "label": ["Modality one", "Modality two"],
        "driver": ["drive one", "drive two"],
        "evidence": ["evidence one", "evidence two"],
        "oversight": ["oversight one", "oversight two"],
        "span_start": ["2004", "2007"],
        "span_start_bound": ["stated", "no-later-than"],
        "span_end": ["2012", "2012"],
        "span_end_bound": ["ongoing", "ongoing"],
    }
)


def test_coverage_has_modalities_as_rows_and_instruments_in_date_order():
    instruments = pd.DataFrame(
        {
            "instrument_id": ["notice-2012", "rules-2009", "draft-2010"],
            "date_start": ["2012-01-01", "2009-05-01", "2010-10-01"],
            "short_name": ["2012 notice", "2009 rules", "2010 draft"],
        }
    )
    coverage = pd.DataFrame(
        {
            "instrument_id": ["rules-2009", "notice-2012"],
            "modality": ["m-one", "m-two"],
            "how": ["bans it", "asks for a self-evaluation"],
        }
    )
    table = tables.coverage(coverage, MODALITIES, instruments)
    assert list(table.columns) == ["Modality", "2009 rules", "2010 draft", "2012 notice"]
    silent = "(article silent)"  # distinct from a stated "not addressed"
    assert table.to_numpy().tolist() == [
        ["Modality one", "bans it", silent, silent],
        ["Modality two", silent, silent, "asks for a self-evaluation"],
    ]


def test_modalities_table_summarises_cases_per_modality():
    cases = pd.DataFrame(
        {
            "case_id": ["c-late", "c-undated", "c-early", "c-mid", "c-other"],
            "modality": ["m-one", "m-one", "m-one", "m-one", "m-two"],
            "name": ["Late case", "Undated case", "Early case", "Middle case", "Other case"],
            "setting": ["hospital", "company", "hospital", None, "university"],
            "first_year": pd.array([2011, None, 2003, 2009, 2010], dtype="Int64"),
        }
    )
    table = tables.modalities(cases, MODALITIES).set_index("Modality")
    assert tables.EXAMPLES_PER_MODALITY == 3
    assert table.loc["Modality one", "Examples"] == "Early case; Middle case; Late case"
    assert table.loc["Modality one", "Settings"] == "hospital; company"
    assert table.loc["Modality one", "Cases"] == "4"
    assert table.loc["Modality two", "Driver"] == "drive two"
    assert table.loc["Modality two", "Evidence produced"] == "evidence two"
    assert table.loc["Modality two", "Oversight"] == "oversight two"
    assert table.loc["Modality one", "Active"] == "since 2004, ongoing"
    assert table.loc["Modality two", "Active"] == "by 2007, ongoing"
    assert list(table.index) == ["Modality one", "Modality two"]


def test_robustness_says_a_finding_is_robust_only_where_every_alternative_agrees():
    results = {
        "all": {"any_cycle": True, "clinic_lab_cycle": True, "for_profit_on_cycle": True,
                "origin_on_cycle": False, "regulators_off_cycles": True, "cycle_count": 3,
                "flow_count": 24},
        "merged": {"any_cycle": True, "clinic_lab_cycle": True, "for_profit_on_cycle": True,
                   "origin_on_cycle": True, "regulators_off_cycles": True, "cycle_count": 1,
                   "flow_count": 22},
    }  # fmt: skip
    table = tables.robustness(results, {"all": "All flows", "merged": "Merged"})
    rows = table.set_index("Finding")
    assert list(table.columns) == ["Finding", "All flows", "Merged", "Robust?"]
    assert rows.loc[tables.FINDINGS["any_cycle"], "Robust?"] == "yes: holds"
    assert rows.loc[tables.FINDINGS["origin_on_cycle"]].tolist() == [
        "does not hold", "holds", "no: depends on the coding",
    ]  # fmt: skip
    assert rows.loc[tables.FINDINGS["cycle_count"], "Robust?"] == "no: depends on the coding"
    assert rows.loc[tables.FINDINGS["flow_count"], "Robust?"] == "(for reference)"


def test_timeline_key_numbers_every_mark_with_its_date_and_row():
    events = pd.DataFrame(
        {
            "event_id": ["b", "a"],
            "number": [2, 1],
            "date_coded": ["2003/2011", "2009-05-01"],
            "precision": ["bounded", "day"],
            "row": ["market", "rules outside China"],
            "summary": ["Switch to paid service", "Rules issued"],
        }
    )
    table = tables.timeline_key(events)
    assert table.to_numpy().tolist() == [
        ["1", "1 May 2009", "Rules outside China", "Rules issued"],
        ["2", "between 2003 and 2011 (year not given)", "Market", "Switch to paid service"],
    ]
