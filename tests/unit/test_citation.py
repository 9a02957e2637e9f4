"""CITATION.cff is valid CFF 1.2.0 and agrees with the project; the licences are the real texts."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
import tomllib

import jsonschema
import pytest
import yaml

from compendium.bibliography import load_bibliography
from tests.workflow import ROOT

SCHEMA = ROOT / "tests" / "fixtures" / "cff-schema-1.2.0.json"
#: SHA-256 of the fixture as published in the citation-file-format repository (schema.json, 1.2.0).
SCHEMA_SHA256 = "c0e7a6aeacff07ef2f92131c20d44ec71ea92b0ad5f8e71ea1acd4dede4953b6"
#: SHA-256 of the official plain-text CC BY 4.0 legal code (trailing blank lines removed).
CC_BY_4_SHA256 = "397c9df83f3d9c694e212e8f6ca9a6a08ba25e20835385801e6b720237d02819"


def as_strings(value):
    """YAML dates become strings, as the CFF schema asks of tools that validate it."""
    if isinstance(value, dict):
        return {key: as_strings(item) for key, item in value.items()}
    if isinstance(value, list):
        return [as_strings(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


@pytest.fixture(scope="module")
def validator() -> jsonschema.Draft7Validator:
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    return jsonschema.Draft7Validator(
        schema, format_checker=jsonschema.Draft7Validator.FORMAT_CHECKER
    )


@pytest.fixture(scope="module")
def citation() -> dict:
    return as_strings(yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8")))


def test_schema_fixture_is_the_published_one():
    assert hashlib.sha256(SCHEMA.read_bytes()).hexdigest() == SCHEMA_SHA256


def test_citation_file_is_valid_cff_1_2_0(validator, citation):
    errors = [f"{'/'.join(map(str, e.path))}: {e.message}" for e in validator.iter_errors(citation)]
    assert errors == []
    assert citation["cff-version"] == "1.2.0"


@pytest.mark.parametrize(
    ("field", "value"),
    [("cff-version", "1.1.0"), ("license", "MIT License"), ("doi", "https://doi.org/10.1/x")],
)
def test_the_schema_rejects_what_it_should(validator, citation, field, value):
    assert not validator.is_valid({**citation, field: value})


def test_citation_agrees_with_the_project(citation):
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert str(citation["version"]) == project["version"]
    assert citation["type"] == "software"
    assert citation["license"] == "MIT"
    assert "repository-code" not in citation  # no public address is known yet


def test_the_original_article_is_cited_as_the_bibliography_has_it(citation):
    (article,) = [ref for ref in citation["references"] if ref["type"] == "article"]
    entry = load_bibliography(ROOT / "references.bib")["rosemann2013"]
    fields = {key.lower(): str(value) for key, value in entry.fields.items()}
    assert article["title"] == re.sub(r"[{}]", "", fields["title"])
    assert article["journal"] == fields["journal"]
    assert str(article["year"]) == fields["year"]
    assert str(article["volume"]) == fields["volume"]
    assert str(article["issue"]) == fields["number"]
    assert article["doi"] == fields["doi"]
    assert article["url"] == fields["url"]
    assert [(a["family-names"], a["given-names"]) for a in article["authors"]] == [
        ("Rosemann", "Achim")
    ]
    # The page range is only "likely" in the bibliography research: it stays out.
    assert not {"start", "end", "pages"} & article.keys()


def test_licence_files():
    mit = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert mit.startswith("MIT License\n")
    assert "Permission is hereby granted, free of charge" in mit
    data = (ROOT / "LICENSE-data.md").read_text(encoding="utf-8")
    legal = re.search(r"```text\n(.*?)\n```", data, flags=re.S)[1]
    assert hashlib.sha256(legal.rstrip("\n").encode("utf-8")).hexdigest() == CC_BY_4_SHA256
    assert "Creative Commons Attribution 4.0 International Public License" in legal
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("LICENSE", "LICENSE-data.md", "CITATION.cff", "CC BY 4.0", "MIT"):
        assert name in readme, name
