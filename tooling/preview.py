"""`make preview`: the HTML paper, re-rendered after every save and reloaded in the open tab.

    python -m tooling.preview [--port N] [--interval SECONDS] -- SNAKEMAKE-COMMAND...

A save that changes only files the render step reads itself (the manuscript, its filters and
stylesheet, the bibliography) is rendered here, in this warm process, by the step's own renderer:
no Snakemake start-up. Any other change (data, code, settings) goes through Snakemake, which
brings figures, tables and values up to date and renders the HTML; the other steps that read a
saved file (the bibliography check reads the manuscript) are built after the page is updated.
Which files the step reads, and which other steps read them, the build has written down: the
provenance step records every step's inputs and outputs as the workflow declares them, and
tooling.preview_plan reads them. `make preview` on a tree whose build is current (`make
--question paper`) serves that build at once instead of starting Snakemake to learn it has
nothing to do.

A save that changed one paragraph of plain prose, and nothing with an effect beyond it, is shown
first by a splice (tooling.preview_splice): the old and the new paragraph are rendered alone and
the new one's HTML takes the old one's place in the page shown, in about a fifth of a whole
render. The whole render follows, in a thread of its own and at a lower priority, and replaces
the spliced page unless a later save is on the page already.

The page is served from memory (tooling.preview_page): the last good page stays up while a build
runs, and a failed build shows its one-line error above it. Builds take the same lock as `make`.
Sources are polled (a stat of every watched file) ten times a second: no watcher library, the
same on every system.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from compendium.errors import BuildError
from tooling import console, preview_splice, render
from tooling.preview_page import Page, serve
from tooling.preview_plan import (
    TARGET,
    WATCHED,
    Plan,
    Snapshot,
    changes,
    configured_renderer,
    plan_inputs,
    read_plan,
    render_html,
    snapshot,
)

#: How much lower than the preview's own renders the builds run (the range is 0 to 19).
BUILD_NICENESS = 10
#: ... and the whole render that confirms a spliced page: the next save's splice goes first.
CONFIRM_NICENESS = 5


@dataclass(frozen=True)
class Published:
    """A page shown and the manuscript's text it was made of, in the render's format: the
    build's "html" (resources embedded) or the preview's own "preview" (resources linked)."""

    text: str
    page: bytes
    format: str


class Preview:
    """The rebuild loop: direct renders in this thread, Snakemake builds in another."""

    def __init__(self, command: list[str], page: Page, root: Path = Path(".")) -> None:
        self.command = command
        self.page = page
        self.root = root
        self.plan: Plan | None = None
        self.requested: set[str] = set()
        self.wanted = threading.Event()
        self.generation = 0  # counts saves; a build started before the last save is stale
        self.shown = 0  # the last save the page shows (rendered, or its error)
        #: one render at a time: the watcher's and the build loop's write the same file
        self.rendering = threading.Lock()
        self.building = threading.Event()  # set while Snakemake runs
        self.private = tempfile.TemporaryDirectory(prefix="preview-")
        #: the last page shown whose manuscript text is known
        self.published: Published | None = None
        #: the whole render that follows a spliced save runs in a thread of its own
        self.confirming: threading.Thread | None = None
        self.unconfirmed = threading.Event()

    # -- after a save

    def saved(self, changed: list[str]) -> None:
        self.generation += 1
        try:
            if self.plan and self.plan.stale_code(changed):
                # this process holds the renderer's old code: only fresh processes from now on
                console._say("preview: the renderer's code changed; saves now go via Snakemake")
                self.plan = None
            if self.plan and self.plan.renders_directly(changed):
                if self.show_prose_edit(changed):
                    # the page shows the edit: the whole render that confirms it runs in a
                    # thread of its own, and the next save is spliced without waiting for it
                    self.confirm()
                else:
                    self.render_now()
                self.request(self.plan.rebuilds(changed))
            else:
                self.request([TARGET])
        except Exception as error:  # the watcher thread must outlive a save it cannot show
            self.page.fail(f"error: {error}")
            self.request([TARGET])

    def show_prose_edit(self, changed: list[str]) -> bool:
        """Whether a save that changed one paragraph of prose is on the page, spliced into the
        last one (tooling.preview_splice). Anything else, or any failure, is left to the whole
        render. The splice writes files of its own: no render waits for it, nor it for one."""
        assert self.plan is not None
        generation, published = self.generation, self.published
        try:
            inputs = plan_inputs(self.plan)
            if published is None or changed != [inputs.manuscript.as_posix()]:
                return False
            if self.page.current.paper != published.page:  # another page was shown since
                return False
            new_text = (self.root / inputs.manuscript).read_text(encoding="utf-8")
            spliced = preview_splice.spliced_page(
                published.page,
                published.text,
                new_text,
                inputs,
                Path(self.private.name),
                to=published.format,
            )
        except Exception:  # the whole render shows what went wrong
            return False
        if spliced is None:
            return False
        # marked as shown first: a whole render of an earlier save that ends now stays away
        self.shown = max(self.shown, generation)
        self.published = Published(new_text, spliced, published.format)
        self.page.show(spliced)
        return True

    def confirm(self) -> None:
        """The whole render of the last save, in the confirming thread (one render for any
        number of saves asked for while it renders)."""
        self.unconfirmed.set()
        if self.confirming is None:
            self.confirming = threading.Thread(
                target=self.confirm_loop, name="preview-confirm", daemon=True
            )
            self.confirming.start()

    def confirm_loop(self) -> None:
        with suppress(OSError, AttributeError):  # as the build loop's, where it can
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), CONFIRM_NICENESS)
        while True:
            self.unconfirmed.wait()
            self.unconfirmed.clear()
            try:
                self.render_now()
            except Exception as error:  # as in the watcher: the thread outlives the save
                self.page.fail(f"error: {error}")

    def remember(self, text: str | None, page: bytes | None, to: str) -> None:
        """Keep the manuscript's text the page shown (format `to`) was made of; None: unknown."""
        known = text is not None and page is not None
        self.published = Published(text, page, to) if known else None

    def manuscript_text(self) -> str | None:
        if self.plan is None:
            return None
        try:
            manuscript = plan_inputs(self.plan).manuscript
            return (self.root / manuscript).read_text(encoding="utf-8")
        except (BuildError, OSError, UnicodeDecodeError):
            return None

    def render_now(self, ask_for_missing: bool = True) -> None:
        """Render the HTML in this process, into a folder of its own (a build may clear
        results/ meanwhile), with the render step's cache of the included files' readings."""
        assert self.plan is not None
        output = Path(self.private.name) / "paper.html"
        with self.rendering:
            generation = self.generation
            text = self.manuscript_text()
            try:
                render_html(self.plan, output, reader_cache=self.root / render.READER_CACHE)
                if generation < self.shown:
                    return  # a later save is on the page already (spliced): its render follows
                page = output.read_bytes()
                self.page.show(page)
                # the text read before the render is the page's only if no save came since
                self.remember(text if text == self.manuscript_text() else None, page, "preview")
            except BuildError as error:
                if self.building.is_set():
                    # maybe a generated input the build is rewriting (Snakemake removes a
                    # step's outputs first): the build loop renders again once it is done
                    return
                self.page.fail(f"error: {error}")
            except OSError as error:
                if ask_for_missing:
                    # a build is rewriting a generated file the render reads: the build loop
                    # renders again once the file is built (asked for, in case no build runs)
                    self.request([error.filename] if error.filename else [TARGET])
                    return
                self.page.fail(f"error: {error}")
            self.shown = max(self.shown, generation)

    def request(self, targets: list[str]) -> None:
        if targets:
            self.requested.update(targets)
            self.wanted.set()

    # -- Snakemake, one build at a time, in the main thread (Ctrl-C reaches it there)

    def build_loop(self) -> None:
        # Builds from here on run niced: on Linux a thread's niceness passes to the processes it
        # starts, so the checks a save sets off leave the processor to the next save's render.
        with suppress(OSError, AttributeError):  # elsewhere the builds keep their priority
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), BUILD_NICENESS)
        while True:
            if not self.wanted.wait(timeout=0.5):
                continue
            self.wanted.clear()
            targets, self.requested = sorted(self.requested), set()
            generation = self.generation
            self.building.set()
            try:
                ok, error = self.build(targets)
            finally:
                self.building.clear()
            if ok and TARGET in targets and generation == self.generation:
                page = (self.root / TARGET).read_bytes()
                self.page.show(page)
                self.remember(self.manuscript_text(), page, "html")
                self.shown = generation
            elif self.plan and (self.shown < self.generation or (ok and self.page.current.error)):
                # the last save is not on the page yet (its render met a file being rebuilt;
                # it is built now, even if a check failed), or a check that failed passes now
                self.render_now(ask_for_missing=False)
            if generation != self.generation:
                continue  # saved again meanwhile: that save's render or build comes next
            if not ok:
                self.page.fail(error or "error: the build failed (see the terminal)")

    def build(self, targets: list[str]) -> tuple[bool, str | None]:
        errors: list[str] = []

        def write(line: str) -> None:
            console._say(line)
            if line.startswith("error: "):
                errors.append(line)

        with console.tree_lock():
            console.recover()
            returncode = console.run([*self.command, *targets], echo=write)
        if returncode == console.INTERRUPTED:
            raise KeyboardInterrupt
        return returncode == 0, (errors[0] if errors else None)

    def start(self, built: bool = False) -> None:
        """The first build (none when `built`: the tree's build is current), then the plan;
        saves meanwhile are seen by the first poll."""
        if built and (self.root / TARGET).is_file():
            ok, error = True, None
        else:
            ok, error = self.build([TARGET])
        if ok:
            self.page.show((self.root / TARGET).read_bytes())
        else:
            self.page.fail(error or "error: the build failed (see the terminal)")
        if configured_renderer(self.root) != "pandoc":
            console._say("preview: renderer is not pandoc; every save rebuilds through Snakemake")
            return
        try:
            self.plan = read_plan(self.root)
        except BuildError as problem:  # every change then goes through Snakemake
            console._say(f"preview: {problem}; every save rebuilds through Snakemake")
        if ok:
            self.remember(self.manuscript_text(), self.page.current.paper, "html")


def watch(
    preview: Preview,
    interval: float,
    state: Snapshot,
    sleep: Callable[[float], None] = time.sleep,
    polls: int | None = None,
) -> None:
    """Poll the sources; after a save (once the files stop changing) hand the changes over."""
    while polls is None or (polls := polls - 1) >= 0:
        sleep(interval)
        current = snapshot(preview.root)
        if current == state:
            continue
        while True:  # an editor that writes several files at once: wait until it is done
            sleep(interval / 2)
            latest = snapshot(preview.root)
            if latest == current:
                break
            current = latest
        changed, state = changes(state, current), current
        more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
        console._say(f"preview: {', '.join(changed[:3])}{more} changed")
        preview.saved(changed)


def run(command: list[str], port: int, interval: float, built: bool = False) -> None:
    page = Page()
    server = serve(page, port)
    url = f"http://127.0.0.1:{server.server_address[1]}/paper.html"
    console._say(f"preview: {url}  (the page reloads itself after each save; Ctrl-C stops)")
    try:
        preview = Preview(command, page)
        state = snapshot(preview.root)
        preview.start(built)
        watcher = threading.Thread(
            target=watch, args=(preview, interval, state), name="preview-watch", daemon=True
        )
        watcher.start()
        console._say(f"preview: watching {', '.join(WATCHED)}")
        preview.build_loop()
    except KeyboardInterrupt:
        console._say("\npreview: stopped")
    finally:
        server.shutdown()
        server.server_close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tooling.preview", description=__doc__)
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--interval", type=float, default=0.1, help="seconds between polls")
    parser.add_argument(
        "--built", action="store_true", help="the build is current: serve it without building"
    )
    parser.add_argument("command", nargs="+", help="the Snakemake command that builds")
    arguments = parser.parse_args(argv)
    run(arguments.command, arguments.port, arguments.interval, arguments.built)


if __name__ == "__main__":
    main(sys.argv[1:])
