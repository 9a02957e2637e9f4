"""Save → new HTML in `make preview`, measured from outside as an author would see it.

    python -m tooling.preview_timing [--saves N]

Starts the preview of the current (built) tree on a free port, waits until it serves the paper,
then saves the manuscript N times, each time with a new sentence, and times each save until the
server has a page containing that sentence. Meanwhile it keeps fetching the page: every answer
must be a page (status 200), never a 404 or an error, and that is reported too.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import asdict, dataclass
from pathlib import Path

MANUSCRIPT = Path("manuscript") / "article.qmd"
POLL = 0.01


@dataclass
class Timing:
    seconds: list[float]
    fetches: int
    not_a_page: int  # answers other than 200 while the preview worked

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


def _fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def _start(tree: Path, command: list[str]) -> tuple[subprocess.Popen, str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "tooling.preview", "--port", "0", "--", *command],
        cwd=tree,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    assert process.stderr is not None
    url = None
    for line in process.stderr:
        if match := re.search(r"(http://127\.0\.0\.1:\d+/paper\.html)", line):
            url = match[1]
        if line.startswith("preview: watching"):
            break
    if url is None:
        process.kill()
        raise RuntimeError("the preview did not start")
    # the build's messages are not read any more: keep its pipe from filling up
    subprocess.Popen(["cat"], stdin=process.stderr, stdout=subprocess.DEVNULL)
    return process, url


def _save_sentence(tree: Path, sentence: str) -> None:
    path = tree / MANUSCRIPT
    text = path.read_text(encoding="utf-8")
    path.write_text(text.rstrip("\n") + f"\n\n{sentence}\n", encoding="utf-8")


def measure(tree: Path, command: list[str], saves: int = 3, timeout: float = 120) -> Timing:
    """Time `saves` manuscript saves in `tree` (which this changes) until the page shows each."""
    original = (tree / MANUSCRIPT).read_bytes()
    process, url = _start(tree, command)
    timing = Timing([], 0, 0)
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


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tooling.preview_timing", description=__doc__)
    parser.add_argument("--saves", type=int, default=3)
    arguments = parser.parse_args(argv)
    snakemake = [str(Path(sys.executable).parent / "snakemake"), "--cores", "2"]
    timing = measure(Path.cwd(), [*snakemake, "--rerun-incomplete"], arguments.saves)
    print(json.dumps(asdict(timing) | {"median": timing.median}, indent=2))


if __name__ == "__main__":
    main(sys.argv[1:])
