"""The cache of what the manifest, the receipt and the leak check learnt about each file: used
while a file is unchanged, never once it may have changed."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tooling import file_cache, leaks, privacy
from tooling.file_cache import FileCache
from tooling.sources import sha256


class Counting:
    """sha256 that counts the files it really reads."""

    def __init__(self) -> None:
        self.read: list[str] = []

    def __call__(self, file: Path) -> str:
        self.read.append(file.name)
        return sha256(file)


def run(state: Path, *files: Path) -> tuple[list[str], list[str]]:
    """One step's run: the hashes, and which files were read to get them."""
    cache, counting = FileCache("step", state), Counting()
    hashes = [cache.known(file, "sha256", counting) for file in files]
    cache.save()
    return hashes, counting.read


@pytest.fixture
def settled(monkeypatch):
    """Files written long enough before they are read (the tests cannot wait two seconds)."""
    monkeypatch.setattr(file_cache, "RACY_SECONDS", 0)


def test_an_unchanged_file_is_not_read_again(tmp_path, settled):
    paper = tmp_path / "paper.pdf"
    paper.write_bytes(b"%PDF one")
    first, read = run(tmp_path / "state", paper)
    again, read_again = run(tmp_path / "state", paper)
    assert (read, read_again) == (["paper.pdf"], [])
    assert again == first == [sha256(paper)]


def test_a_rewrite_with_the_same_size_and_modification_time_is_read_again(tmp_path, settled):
    paper = tmp_path / "paper.html"
    paper.write_bytes(b"<p>one</p>")
    before = paper.stat()
    run(tmp_path / "state", paper)
    paper.write_bytes(b"<p>two</p>")
    os.utime(paper, ns=(before.st_atime_ns, before.st_mtime_ns))  # as `cp -p` or tar would
    hashes, read = run(tmp_path / "state", paper)
    assert read == ["paper.html"]
    assert hashes == [sha256(paper)]


def test_a_file_replaced_by_another_is_read_again(tmp_path, settled):
    paper, other = tmp_path / "paper.xml", tmp_path / "other.xml"
    paper.write_bytes(b"<article/>")
    run(tmp_path / "state", paper)
    other.write_bytes(b"<articlf/>")
    other.replace(paper)
    hashes, read = run(tmp_path / "state", paper)
    assert (hashes, read) == ([sha256(paper)], ["paper.xml"])


def test_a_file_read_in_the_tick_it_was_written_is_read_again(tmp_path):
    paper = tmp_path / "paper.docx"
    paper.write_bytes(b"PK one")
    run(tmp_path / "state", paper)
    _, read = run(tmp_path / "state", paper)
    assert read == ["paper.docx"]  # written under two seconds before it was first read


def test_an_unreadable_cache_is_an_empty_one(tmp_path, settled):
    paper = tmp_path / "paper.pdf"
    paper.write_bytes(b"%PDF")
    (tmp_path / "state").mkdir()
    (tmp_path / "state" / "step.json").write_text("{not json", encoding="utf-8")
    hashes, read = run(tmp_path / "state", paper)
    assert (hashes, read) == ([sha256(paper)], ["paper.pdf"])


def test_the_leak_check_finds_a_value_written_into_a_file_it_has_seen(tmp_path, settled):
    results = tmp_path / "results"
    results.mkdir()
    page = results / "paper.html"
    page.write_text("<p>Interview with a clinician.</p>", encoding="utf-8")
    secret = privacy.Sensitive("Zhang Weiming-synthetic", "interviews", 2, "name")
    cache = FileCache("check_leaks", tmp_path / "state")
    assert leaks.scan(results, [secret], cache=cache)[0] == []
    cache.save()
    page.write_text("<p>Interview with Zhang Weiming-synthetic.</p>", encoding="utf-8")
    hits, _ = leaks.scan(results, [secret], cache=FileCache("check_leaks", tmp_path / "state"))
    assert [(Path(hit.path).name, hit.sensitive) for hit in hits] == [("paper.html", secret)]
    # nothing of the value itself is kept in the cache
    kept = (tmp_path / "state" / "check_leaks.json").read_text(encoding="utf-8")
    assert "Zhang" not in kept
