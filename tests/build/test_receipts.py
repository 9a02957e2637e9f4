"""What a journal or an archive takes in: the build receipt (in-toto Statement v1 with a SLSA
Provenance v1 predicate) and the MECA bundle (NISO RP-30), both checked on the real build.

The JSON schemas in tests/fixtures/schemas/ are written from the two specifications (no locked
package ships them); jsonschema, which Snakemake already needs, applies them.
"""

from __future__ import annotations

import json
import re
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from jsonschema import Draft202012Validator, ValidationError
from referencing import Registry, Resource

from tests.workflow import ROOT
from tooling import meca
from tooling.sources import sha256

SCHEMAS = ROOT / "tests" / "fixtures" / "schemas"
MECA = "{https://manuscriptexchange.org/schema/manifest}"
XLINK = "{http://www.w3.org/1999/xlink}href"


def validator(name: str) -> Draft202012Validator:
    schemas = [json.loads(path.read_text(encoding="utf-8")) for path in SCHEMAS.glob("*.json")]
    registry = Registry().with_resources(
        (schema["$id"], Resource.from_contents(schema)) for schema in schemas
    )
    schema = json.loads((SCHEMAS / name).read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=registry)


@pytest.fixture(scope="module")
def receipt(built) -> dict:
    return json.loads((built / "results" / "provenance.intoto.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def built_manifest(built) -> dict:
    return json.loads((built / "results" / "manifest.json").read_text(encoding="utf-8"))


def test_the_receipt_is_a_valid_statement_with_slsa_provenance(receipt):
    validator("in-toto-statement-v1.schema.json").validate(receipt)
    assert receipt["predicateType"] == "https://slsa.dev/provenance/v1"
    validator("slsa-provenance-v1.schema.json").validate(receipt["predicate"])


@pytest.mark.parametrize(
    ("schema", "path", "broken"),
    [
        ("in-toto-statement-v1.schema.json", ["subject", 0, "digest"], {}),
        ("in-toto-statement-v1.schema.json", ["_type"], "https://in-toto.io/Statement/v0.1"),
        ("slsa-provenance-v1.schema.json", ["runDetails", "builder", "id"], "not a uri"),
        ("slsa-provenance-v1.schema.json", ["buildDefinition", "externalParameters"], None),
    ],
)
def test_the_schemas_reject_a_broken_receipt(receipt, schema, path, broken):
    document = json.loads(json.dumps(receipt))
    if schema.startswith("slsa"):
        document = document["predicate"]
    parent = document
    for key in path[:-1]:
        parent = parent[key]
    if broken is None:
        del parent[path[-1]]
    else:
        parent[path[-1]] = broken
    with pytest.raises(ValidationError):
        validator(schema).validate(document)


def test_the_receipt_names_every_published_file_and_every_source(receipt, built_manifest, built):
    subjects = {item["name"]: item["digest"]["sha256"] for item in receipt["subject"]}
    published = {
        artifact["path"]: artifact["sha256"]
        for artifact in built_manifest["artifacts"]
        if artifact["path"] not in ("results/provenance.intoto.json", "results/paper-meca.zip")
    }
    assert subjects == published
    assert subjects["results/paper.pdf"] == sha256(built / "results" / "paper.pdf")
    dependencies = receipt["predicate"]["buildDefinition"]["resolvedDependencies"]
    assert {item["name"]: item["digest"]["sha256"] for item in dependencies} == (
        built_manifest["inputs"]
    )
    builder = receipt["predicate"]["runDetails"]["builder"]
    environment = built_manifest["environment"]
    assert builder["version"]["pandoc"] == environment["pandoc"]
    assert builder["version"]["python"] == environment["python"]
    assert {"name": "snakemake", "uri": "pkg:pypi/snakemake@9.27.1"} in builder[
        "builderDependencies"
    ]
    # Nothing that changes from one build to the next: no time, host or absolute path.
    text = json.dumps(receipt)
    assert "startedOn" not in text and str(built) not in text


@pytest.fixture(scope="module")
def bundle(built) -> zipfile.ZipFile:
    return zipfile.ZipFile(built / "results" / "paper-meca.zip")


def test_the_meca_manifest_lists_every_file_of_the_bundle(bundle, built):
    names = bundle.namelist()
    assert names[0] == "manifest.xml"
    text = bundle.read("manifest.xml").decode("utf-8")
    assert '<!DOCTYPE manifest PUBLIC "-//MECA//DTD Manifest v1.0//en"' in text
    root = ElementTree.fromstring(text)
    assert root.tag == f"{MECA}manifest" and root.get("manifest-version") == "1"
    items = root.findall(f"{MECA}item")
    hrefs = [item.find(f"{MECA}instance").get(XLINK) for item in items]
    assert hrefs == names[1:]
    types = {
        item.find(f"{MECA}instance").get(XLINK): (
            item.get("item-type"),
            item.find(f"{MECA}instance").get("media-type"),
        )
        for item in items
    }
    assert types["paper.xml"] == ("article-metadata", "application/xml")
    assert types["paper.pdf"] == ("manuscript", "application/pdf")
    assert types["figures/fig-flows.svg"] == ("figure", "image/svg+xml")
    assert types["data/indicators.csv"] == ("supplementary-material", "text/csv")
    assert types["provenance.intoto.json"] == ("supplementary-material", "application/json")
    assert len([href for href in hrefs if href.startswith("data/")]) == len(
        list((built / "results" / "data").glob("*.csv"))
    )


def test_the_bundle_holds_the_published_bytes_and_the_jats_figures_resolve(bundle, built):
    results = built / "results"
    assert bundle.read("paper.xml") == (results / "paper.xml").read_bytes()
    assert bundle.read("paper.pdf") == (results / "paper.pdf").read_bytes()
    assert bundle.read("data/flows.csv") == (results / "data" / "flows.csv").read_bytes()
    assert (
        bundle.read("provenance.intoto.json") == (results / "provenance.intoto.json").read_bytes()
    )
    graphics = re.findall(r'<graphic[^>]*xlink:href="([^"]+)"', bundle.read("paper.xml").decode())
    assert len(graphics) == 3
    assert set(graphics) <= set(bundle.namelist())


def test_the_bundle_entries_carry_fixed_dates_permissions_and_no_compression(bundle):
    infos = bundle.infolist()
    assert len({info.date_time for info in infos}) == 1
    assert {info.compress_type for info in infos} == {zipfile.ZIP_STORED}
    assert {info.external_attr >> 16 for info in infos} == {0o644}


def test_a_bundle_without_its_items_files_is_refused(tmp_path):
    with pytest.raises(ValueError, match=r"paper\.pdf"):
        meca.write(tmp_path / "bundle.zip", {"paper.xml": Path(__file__)}, 0)
    assert not (tmp_path / "bundle.zip").exists()
