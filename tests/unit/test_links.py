"""Links from the paper to its programs survive publishing: they point into the repository at
the release, or there are none and the paper says where the files are."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pypandoc

from tests.workflow import ROOT
from tooling import provenance

CITATION = "cff-version: 1.2.0\nversion: 0.1.0\n"


def citation(tmp_path: Path, extra: str = "") -> Path:
    path = tmp_path / "CITATION.cff"
    path.write_text(CITATION + extra, encoding="utf-8")
    return path


def test_the_configured_url_wins_and_the_release_tag_names_the_commit(tmp_path):
    cff = citation(tmp_path, "repository-code: https://example.org/from-citation\n")
    place = provenance.repository("https://example.org/configured/", cff)
    assert place == ("https://example.org/configured", "v0.1.0")
    assert provenance.file_url(place, "analysis/scripts/fig_flows.py") == (
        "https://example.org/configured/blob/v0.1.0/analysis/scripts/fig_flows.py"
    )
    assert provenance.repository("", cff) == ("https://example.org/from-citation", "v0.1.0")


def test_without_a_url_there_is_no_link_and_the_appendix_says_where(tmp_path):
    place = provenance.repository("", citation(tmp_path))
    assert place is None
    assert provenance.file_url(place, "analysis/scripts/fig_flows.py") is None
    assert "source package" in provenance.where_files_are(place)
    records = [
        {
            "path": "results/figures/fig-flows.svg",
            "rule": "fig_flows",
            "program": "analysis/scripts/fig_flows.py",
            "inputs": ["results/data/flows.csv"],
            "sha256": "0" * 64,
        }
    ]
    assert "url" not in provenance.caption_provenance(records, place)["fig-flows"]
    assert (
        "url"
        in provenance.caption_provenance(records, ("https://example.org/r", "v1"))["fig-flows"]
    )


def render_caption(tmp_path: Path, entry: dict, to: str) -> str:
    (tmp_path / "captions.json").write_text(json.dumps({"fig-x": entry}), encoding="utf-8")
    (tmp_path / "doc.md").write_text("![A figure.](x.svg){#fig-x}\n", encoding="utf-8")
    command = [pypandoc.get_pandoc_path(), "doc.md", "-t", to, "--wrap=none"]
    command += ["--lua-filter", str(ROOT / "manuscript" / "filters" / "provenance.lua")]
    command += ["-M", "provenance-file=captions.json"]
    completed = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, check=True)
    return completed.stdout


def test_the_caption_filter_links_only_to_a_given_url(tmp_path):
    entry = {"program": "analysis/scripts/fig_x.py", "inputs": "results/data/x.csv", "sha256": "ab"}
    assert "<a " not in render_caption(tmp_path, entry, "html")
    url = "https://example.org/r/blob/v0.1.0/analysis/scripts/fig_x.py"
    html = render_caption(tmp_path, {**entry, "url": url}, "html")
    assert f'<a href="{url}"><code>analysis/scripts/fig_x.py</code></a>' in html
    assert url in render_caption(tmp_path, {**entry, "url": url}, "typst")
