"""`make preview`: rebuild the HTML paper whenever a source changes, and serve it on localhost.

No watcher library: the sources are polled by modification time and size twice a second, which
is cheap for a tree this size and works the same on every system. A change starts one build as
soon as the files have stopped changing (an editor that saves several files at once causes one
build, not several). Builds take the same lock as `make`, so a preview never runs beside another
build of the tree. The server is Python's own, bound to 127.0.0.1 and serving `results/` with
caching off, so a reload in the browser always shows the latest build. Ctrl-C stops both.

Usage: python -m tooling.preview [--port N] [--interval SECONDS] -- SNAKEMAKE-COMMAND...
"""

from __future__ import annotations

import argparse
import functools
import http.server
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable
from pathlib import Path

from tooling import console

#: What an author edits: a change to any file below these starts a build.
WATCHED = ("manuscript", "data", "references.bib", "config")
#: What the preview builds: the HTML paper (and everything it needs), not every format.
TARGET = "results/paper.html"
SERVED = Path("results")

Snapshot = dict[str, tuple[int, int]]


def snapshot(root: Path, watched: Iterable[str] = WATCHED) -> Snapshot:
    """Modification time and size of every file under the watched paths."""
    state: Snapshot = {}
    for name in watched:
        top = root / name
        files = [top] if top.is_file() else (top.rglob("*") if top.is_dir() else [])
        for path in files:
            try:
                status = path.stat()
            except FileNotFoundError:  # removed while we looked
                continue
            if path.is_file():
                state[path.relative_to(root).as_posix()] = (status.st_mtime_ns, status.st_size)
    return state


def changes(before: Snapshot, after: Snapshot) -> list[str]:
    """Files added, removed or modified between two snapshots, sorted."""
    return sorted(
        name for name in before.keys() | after.keys() if before.get(name) != after.get(name)
    )


def settled(
    root: Path, current: Snapshot, interval: float, sleep: Callable[[float], None] = time.sleep
) -> Snapshot:
    """Wait until a poll finds nothing new, so that a burst of saves makes one build."""
    while True:
        sleep(interval)
        latest = snapshot(root)
        if latest == current:
            return latest
        current = latest


class _Handler(http.server.SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        pass  # the terminal is for build messages


def serve(directory: Path, port: int) -> http.server.ThreadingHTTPServer:
    """An HTTP server for `directory` on 127.0.0.1, running in a background thread.

    If `port` is taken, the system picks a free one; the caller reads it from the server.
    """
    handler = functools.partial(_Handler, directory=str(directory))
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, name="preview-server", daemon=True).start()
    return server


def build(command: list[str]) -> bool:
    """One build of the preview target, as `make` runs it (same lock, recovery and messages).

    True if it succeeded. Ctrl-C during a build stops Snakemake first, then the preview.
    """
    presenter = console.Presenter()
    with console.tree_lock():
        console.recover()
        returncode = console.run([*command, TARGET], presenter)
    if presenter.interrupted or returncode in (-signal.SIGINT, 130):
        raise KeyboardInterrupt
    return returncode == 0


def run(
    command: list[str],
    port: int,
    interval: float,
    root: Path = Path("."),
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Build, serve, then poll and rebuild until Ctrl-C."""
    (root / SERVED).mkdir(exist_ok=True)
    server = serve(root / SERVED, port)
    url = f"http://127.0.0.1:{server.server_address[1]}/{Path(TARGET).name}"
    try:
        state = snapshot(root)
        ok = build(command)
        print(f"\npreview: {url}  ({'built' if ok else 'build failed; fix and save'})", flush=True)
        print(f"preview: watching {', '.join(WATCHED)}; Ctrl-C stops", flush=True)
        while True:
            sleep(interval)
            current = snapshot(root)
            if current == state:
                continue
            current = settled(root, current, interval, sleep)
            changed = changes(state, current)
            state = current
            more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
            shown = ", ".join(changed[:3]) + more
            print(f"\npreview: {shown} changed; rebuilding", flush=True)
            ok = build(command)
            print(
                f"preview: {url}  ({'rebuilt; reload the page' if ok else 'build failed'})",
                flush=True,
            )
    except KeyboardInterrupt:
        print("\npreview: stopped", flush=True)
    finally:
        server.shutdown()
        server.server_close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tooling.preview", description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between polls")
    parser.add_argument("command", nargs="+", help="the Snakemake command that builds")
    arguments = parser.parse_args(argv)
    run(arguments.command, arguments.port, arguments.interval)


if __name__ == "__main__":
    main(sys.argv[1:])
