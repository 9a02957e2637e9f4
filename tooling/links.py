"""Where a published paper's links to programs and data point.

Captions and the appendix name the program and the data each artifact comes from. A link
relative to `results/paper.html` breaks as soon as the single file is published (GitHub Pages,
a journal's site, an e-mail), so links go to the repository instead: `repository_url` of
config/config.yaml, else `repository-code` of CITATION.cff. They name the release tag of the
version in CITATION.cff (`v0.1.0`), a fixed name for the exact commit the edition was made from.
Not the commit id itself: the outputs' hashes are committed with the sources, and a commit
cannot record its own id. Without a repository URL there are no links; the paper says where
the files are instead.
"""

from __future__ import annotations

from pathlib import Path

import yaml


def repository(configured: str, citation: Path) -> tuple[str, str] | None:
    """(repository URL, release tag), or None when no URL is known."""
    metadata = yaml.safe_load(citation.read_text(encoding="utf-8")) if citation.exists() else {}
    url = (configured or metadata.get("repository-code") or "").rstrip("/")
    if not url:
        return None
    return url, f"v{metadata['version']}"


def file_url(place: tuple[str, str] | None, path: str) -> str | None:
    """The URL of a source file at the release, in the form GitHub and GitLab both serve."""
    return f"{place[0]}/blob/{place[1]}/{path}" if place else None


def where_files_are(place: tuple[str, str] | None) -> str:
    """One sentence for the appendix: where the programs and data it names can be found."""
    if place is None:
        return (
            "The programs and data named in captions and below are paths in this edition's "
            "source package (its repository or archive), which is not part of this document."
        )
    url, tag = place
    return (
        f"The programs and data named in captions and below are files of the repository "
        f"<{url}> at release `{tag}`; captions link to them there."
    )
