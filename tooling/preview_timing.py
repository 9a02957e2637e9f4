"""Save → new HTML in `make preview`, measured from outside as an author would see it (the
bench's `preview` scenario).

The preview of a built tree is started on a free port; the manuscript is saved several times,
each time with a new sentence, and each save is timed until the server has a page containing
that sentence. Meanwhile the page is fetched again and again: every answer must be a page
(status 200), never a 404 or an error, and that is counted too.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

MANUSCRIPT = Path("manuscript") / "article.qmd"
POLL = 0.01


@dataclass
class Timing:
    seconds: list[float] = field(default_factory=list)
    fetches: int = 0
    not_a_page: int = 0  # answers other than 200 while the preview worked


def _fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def _start(tree: Path, command: list[str], timeout: float = 600) -> tuple[subprocess.Popen, str]:
    # the preview's messages go to a file (it stays open in the preview once closed here): a
    # pipe that nobody reads any more would fill up and stop the preview at its next message
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "tooling.preview", "--port", "0", "--", *command],
            cwd=tree,
            stdout=subprocess.DEVNULL,
            stderr=log,
            start_new_session=True,
        )
        deadline = time.monotonic() + timeout
        while process.poll() is None and time.monotonic() < deadline:
            log.seek(0)
            text = log.read()
            url = re.search(r"(http://127\.0\.0\.1:\d+/paper\.html)", text)
            if url and "preview: watching" in text:
                return process, url[1]
            time.sleep(0.1)
        process.kill()
    raise RuntimeError("the preview did not start")


def _save_sentence(tree: Path, sentence: str) -> None:
    path = tree / MANUSCRIPT
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + f"\n\n{sentence}\n", encoding="utf-8")


def measure(tree: Path, command: list[str], saves: int = 3, timeout: float = 120) -> Timing:
    """Time `saves` manuscript saves in `tree` (which this changes) until the page shows each."""
    original = (tree / MANUSCRIPT).read_bytes()
    process, url = _start(tree, command)
    timing = Timing()
    try:
        for number in range(saves):
            sentence = f"Preview timing sentence number {number} of {os.getpid()}."
            time.sleep(0.3)  # a pause between saves, as when typing
            started = time.monotonic()
            _save_sentence(tree, sentence)
            while True:
                status, body = _fetch(url)
                timing.fetches += 1
                timing.not_a_page += status != 200
                if sentence.encode() in body:
                    timing.seconds.append(time.monotonic() - started)
                    break
                if time.monotonic() - started > timeout:
                    raise RuntimeError(f"the preview did not show save {number} in {timeout} s")
                time.sleep(POLL)
    finally:
        stop(process)
        (tree / MANUSCRIPT).write_bytes(original)
    return timing


def stop(process: subprocess.Popen) -> None:
    """Ctrl-C, as the author stops the preview."""
    os.killpg(process.pid, signal.SIGINT)
    process.wait(timeout=60)
