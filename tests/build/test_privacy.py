"""Confidential data: pseudonymised on the way in, never in an output, and the check that proves
it catches a leak in every kind of file. The restricted data here are the synthetic fixture in
tests/fixtures/restricted/ (see its README).
"""

from __future__ import annotations

import base64
import json
import re
import shutil
import zipfile
from pathlib import Path

import pytest

from compendium.errors import BuildError
from tests.build.launcher import ONE_LINE_ERROR
from tests.build.troubled import NAME, leak_errors
from tests.workflow import ROOT
from tooling import leaks, privacy

FIXTURES = ROOT / "tests" / "fixtures" / "restricted"
ASCII_VALUES = [
    "Qiao Fixturo",
    "Lan Synthetico",
    "Hu Placeholda, MD",
    "Synthetic Municipal Hospital No. 99",
    "Placeholder Institute of Cell Studies",
    "+86 10 5550 0142",
    "l.synthetico@example.invalid",
]


def every_file_under(results: Path) -> dict[str, bytes]:
    return {str(path): path.read_bytes() for path in results.rglob("*") if path.is_file()}


# -------------------------------------------------------------------------------------------------
# The restricted package and its pseudonyms


def test_the_fixture_says_it_is_synthetic():
    readme = (FIXTURES / "README.md").read_text(encoding="utf-8")
    assert "synthetic" in readme.lower()
    for variant in ("clean", "leaking"):
        descriptor = json.loads((FIXTURES / variant / "datapackage.json").read_text())
        assert "SYNTHETIC" in descriptor["title"]


def test_every_sensitive_value_is_found_with_its_origin():
    values = privacy.sensitive_values(FIXTURES / "clean")
    assert {item.value for item in values} >= set(ASCII_VALUES) | {"测试甲"}
    first = next(item for item in values if item.value == NAME)
    assert first.table.endswith("restricted/clean/interviews.csv")
    assert (first.line, first.field) == (2, "interviewee")
    # A Chinese name of three characters is long enough to be looked for.
    assert next(item for item in values if item.value == "测试甲").scannable


def test_pseudonyms_replace_every_sensitive_value_and_keep_the_rest():
    tables = privacy.load(FIXTURES / "clean")
    header, rows = privacy.pseudonymise(tables)["interviews"]
    table = [dict(zip(header, row)) for row in rows]
    assert [row["interviewee"] for row in table] == [f"person-00{n}" for n in (1, 2, 3, 4)]
    # One person is one code across fields that share the pseudonym "person".
    assert [row["referred_by"] for row in table] == ["", "person-001", "person-002", "person-001"]
    # The same institution twice is the same code; an empty cell stays empty.
    assert [row["institution"] for row in table] == [
        "institution-001", "institution-002", "institution-001", "",
    ]  # fmt: skip
    assert table[0]["summary"].startswith("SYNTHETIC: fees charged")
    text = json.dumps(rows, ensure_ascii=False)
    for value in [*ASCII_VALUES, "测试甲"]:
        assert value not in text


def test_a_validation_message_never_quotes_a_sensitive_value(tmp_path):
    restricted = shutil.copytree(FIXTURES / "clean", tmp_path / "restricted")
    descriptor = json.loads((restricted / "datapackage.json").read_text())
    field = descriptor["resources"][0]["schema"]["fields"][1]
    assert field["name"] == "interviewee"
    field["constraints"]["pattern"] = "[A-Z][a-z]+ [A-Z][a-z]+"  # "Hu Placeholda, MD" fails
    (restricted / "datapackage.json").write_text(json.dumps(descriptor))
    with pytest.raises(BuildError) as raised:
        privacy.load(restricted)
    message = str(raised.value)
    assert "interviews.csv:5: interviewee:" in message
    assert "<sensitive value>" in message
    assert "Placeholda" not in message


# -------------------------------------------------------------------------------------------------
# The scan, on every kind of file an output can be


def typst_pdf(tmp_path: Path, text: str) -> bytes:
    import typst

    source = tmp_path / "leak.typ"
    source.write_text(f"#set page(width: 6cm, height: auto)\n#set par(justify: true)\n{text}\n")
    return typst.compile(str(source), ignore_system_fonts=True)


def docx(paragraph_xml: str) -> bytes:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        body = f"<w:document><w:body>{paragraph_xml}</w:body></w:document>"
        archive.writestr("word/document.xml", body)
    return buffer.getvalue()


def leaking_outputs(tmp_path: Path) -> dict[str, bytes]:
    """One file of each kind, each holding the name in a way a plain search would miss."""
    # matplotlib draws text as paths and keeps each line of it in a comment
    svg = '<svg xmlns="http://www.w3.org/2000/svg"><!-- Qiao --><!-- Fixturo --><path/></svg>'
    return {
        "paper.html": b"<p>Interviewed: <em>Qiao</em>&nbsp;Fixturo.</p>",
        "embedded.html": (
            '<img src="data:image/svg+xml;base64,' + base64.b64encode(svg.encode()).decode() + '">'
        ).encode(),
        "figure.svg": svg.encode(),
        "paper.pdf": typst_pdf(tmp_path, "A long sentence that ends with a name: Qiao Fixturo."),
        "paper.docx": docx("<w:p><w:r><w:t>Qi</w:t></w:r><w:r><w:t>ao Fixturo</w:t></w:r></w:p>"),
        "paper.xml": b"<contrib><name>QIAO   FIXTURO</name></contrib>",
        "values.yml": b'person: "Qiao\\x20Fixturo"\n',
        "notebook.ipynb": json.dumps({"cells": [{"source": ["Qiao ", "Fixturo"]}]}).encode(),
        "table.csv": b'id,who\n1,"qiao fixturo"\n',
        "step.log": "note: 测试甲 said so\n".encode(),
    }


def test_the_scan_finds_a_leak_in_every_kind_of_output(tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    for name, data in leaking_outputs(tmp_path).items():
        (results / name).write_bytes(data)
    values = privacy.sensitive_values(FIXTURES / "clean")
    hits, kinds = leaks.scan(results, values)
    found = {Path(hit.path).name for hit in hits}
    assert found == set(leaking_outputs(tmp_path)), sorted(found)
    assert kinds["pdf"] == 1 and kinds["docx"] == 1 and kinds["svg"] == 1
    # The messages say where, never what.
    for error in leaks.leak_errors(hits):
        assert NAME.lower() not in str(error).lower() and "测试甲" not in str(error)


def test_the_scan_passes_outputs_without_sensitive_values(tmp_path):
    results = tmp_path / "results"
    results.mkdir()
    for name, data in leaking_outputs(tmp_path).items():
        clean = data.replace(b"Fixturo", b"Nobody").replace(b"FIXTURO", b"NOBODY")
        clean = clean.replace(b"fixturo", b"nobody").replace("测试甲".encode(), b"someone")
        if name == "paper.pdf":
            clean = typst_pdf(tmp_path, "A long sentence that ends with a name: Qiao Nobody.")
        if name == "paper.docx":
            clean = docx("<w:p><w:r><w:t>Qi</w:t></w:r><w:r><w:t>ao Nobody</w:t></w:r></w:p>")
        if name == "embedded.html":
            continue
        (results / name).write_bytes(clean)
    hits, _ = leaks.scan(results, privacy.sensitive_values(FIXTURES / "clean"))
    assert hits == []


# -------------------------------------------------------------------------------------------------
# The real build


def test_without_restricted_data_the_steps_run_and_say_there_is_nothing_to_protect(built):
    checks = built / "results" / "checks"
    assert "is absent: there is no confidential data to protect" in (
        checks / "pseudonymisation.txt"
    ).read_text(encoding="utf-8")
    assert "is absent: there is no confidential data to protect" in (
        checks / "leaks.txt"
    ).read_text(encoding="utf-8")


def test_the_clean_fixture_is_pseudonymised_and_the_build_passes(edited):
    tree = edited.tree  # the `edited` build carries the clean fixture in data/restricted/
    pseudonymised = (tree / "results" / "pseudonymised" / "interviews.csv").read_text()
    assert "person-001" in pseudonymised and "institution-002" in pseudonymised
    report = (tree / "results" / "checks" / "leaks.txt").read_text(encoding="utf-8")
    assert "Leaks: 0" in report
    assert re.search(r"Sensitive values from data/restricted/: 1[0-9]", report)
    for path, data in every_file_under(tree / "results").items():
        for value in ASCII_VALUES:
            assert value.encode() not in data, (path, value)


def test_only_the_pseudonymisation_and_the_check_read_restricted_data(edited):
    readers, rule = set(), None
    for line in edited.output.splitlines():
        if match := re.match(r"^(?:local)?rule (\S+):$", line):
            rule = match[1]
        elif line.startswith("    input:") and "data/restricted/" in line:
            readers.add(rule)
    assert readers == {"pseudonymise", "check_leaks"}


def test_leaks_fail_the_build_naming_each_output_without_printing_the_value(troubled):
    """The leaking fixture (a field not marked sensitive) and a manuscript that names an
    interviewee, in the `troubled` rebuild: every output that holds the value is named, the
    value never."""
    tree = troubled.tree
    assert troubled.returncode != 0
    errors, others = leak_errors(troubled.errors)
    assert errors, f"the rebuild failed before its leak check ran: {others}"
    assert all(ONE_LINE_ERROR.match(error) for error in errors), errors
    assert any(
        error.startswith("error: results/pseudonymised/interviews.csv:3: interviewee: ")
        and "data/restricted/interviews.csv:2" in error
        for error in errors
    ), errors
    leaking = {
        ONE_LINE_ERROR.match(error)["file"] for error in errors if "sensitive value" in error
    }
    assert {"results/paper.html", "results/paper.pdf"} <= leaking, leaking
    assert NAME not in troubled.output
    assert not (tree / "results" / "checks" / "leaks.txt").exists()
    for log in (tree / "results" / "logs").glob("*.log"):
        assert NAME not in log.read_text(encoding="utf-8"), log


def test_no_other_code_names_the_restricted_directory():
    """Only the two privacy steps (and their module) know where restricted data live."""
    allowed = {
        "tooling/privacy.py",
        "tooling/leaks.py",
        "analysis/rules/privacy.smk",
        "analysis/scripts/pseudonymise.py",
        "analysis/scripts/check_leaks.py",
    }
    code = [ROOT / "analysis", ROOT / "tooling"]
    sources = [ROOT / "Snakefile"]
    sources += [path for folder in code for path in [*folder.rglob("*.py"), *folder.rglob("*.smk")]]
    for path in sources:
        name = str(path.relative_to(ROOT))
        if name not in allowed:
            assert "data/restricted" not in path.read_text(encoding="utf-8"), name


def test_restricted_data_are_never_committed():
    assert "data/restricted/" in (ROOT / ".gitignore").read_text(encoding="utf-8").splitlines()
