"""results/paper.html in a real browser: headless Chromium (Debian's `chromium`) driven by
Playwright, the way a reader opens the file from disk.

The page must make no request to any host, log no error, decode every image with a size, and
every internal link (cross-references, citations, footnotes, the table of contents) must land on
an element that exists. A screenshot is kept in results/browser/paper.png for people to look at.
A printed number shows its provenance when pointed at or focused, is read as the number alone,
and leads to its appendix entry.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from tests import standards
from tests.optional_tools import need
from tests.workflow import ROOT

#: Debian's Chromium (`.ci/run` installs it); Playwright's own browser download is never used.
CHROMIUM = standards.chromium() or "/usr/bin/chromium"
ARGUMENTS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 900}

IMAGES = """Promise.all(Array.from(document.images).map(image => image.decode().then(
    () => true, () => false).then(decoded => ({
        source: image.getAttribute('src').slice(0, 40), decoded,
        width: image.naturalWidth, height: image.naturalHeight }))))"""

INTERNAL_LINKS = """Array.from(document.querySelectorAll('a[href^="#"]')).map(link => {
    const id = decodeURIComponent(link.getAttribute('href').slice(1));
    return { href: link.getAttribute('href'), exists: id !== '' &&
             document.getElementById(id) !== null };
})"""


@pytest.fixture(scope="module")
def page_report(built):
    """Open the paper once; what the browser saw."""
    need("Chromium")
    from playwright.sync_api import sync_playwright

    paper = built / "results" / "paper.html"
    screenshot = built / "results" / "browser" / "paper.png"
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    report = {"requests": [], "blocked": [], "console": [], "page_errors": []}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=ARGUMENTS, headless=True
        )
        try:
            context = browser.new_context(viewport=VIEWPORT)

            def route(request_route):  # nothing leaves the machine, even if asked
                url = request_route.request.url
                if urlparse(url).scheme in ("file", "data", "about", "blob"):
                    request_route.continue_()
                else:
                    report["blocked"].append(url)
                    request_route.abort()

            context.route("**/*", route)
            page = context.new_page()
            page.on("request", lambda request: report["requests"].append(request.url))
            page.on(
                "console",
                lambda message: message.type == "error" and report["console"].append(message.text),
            )
            page.on("pageerror", lambda error: report["page_errors"].append(str(error)))
            page.goto(paper.as_uri(), wait_until="load")
            page.wait_for_load_state("networkidle")
            report["title"] = page.title()
            report["images"] = page.evaluate(IMAGES)
            report["links"] = page.evaluate(INTERNAL_LINKS)
            page.screenshot(path=str(screenshot))
        finally:
            browser.close()
    report["screenshot"] = screenshot
    # For people to look at: the screenshot also goes to this tree's results/.
    shown = ROOT / "results" / "browser" / "paper.png"
    shown.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(screenshot, shown)
    return report


def test_the_page_requests_nothing_from_any_host(page_report):
    schemes = [(urlparse(url).scheme, url) for url in page_report["requests"]]
    remote = [url for scheme, url in schemes if scheme not in ("file", "data")]
    assert remote == [] and page_report["blocked"] == [], remote + page_report["blocked"]
    local = [url for scheme, url in schemes if scheme == "file"]
    assert [Path(unquote(urlparse(url).path)).name for url in local] == ["paper.html"]


def test_the_page_logs_no_error(page_report):
    assert page_report["console"] == []
    assert page_report["page_errors"] == []
    assert "Medical innovation and national experimental pluralism" in page_report["title"]


def test_every_image_is_decoded_with_a_size(page_report):
    images = page_report["images"]
    assert len(images) >= 3  # the three figures
    broken = [
        image
        for image in images
        if not (image["decoded"] and image["width"] > 0 and image["height"] > 0)
    ]
    assert broken == []


def test_every_internal_link_lands_on_an_element(page_report):
    links = page_report["links"]
    dangling = sorted({link["href"] for link in links if not link["exists"]})
    assert dangling == []
    targets = {link["href"] for link in links}
    # Cross-references to figures, tables and sections, and citations to the reference list.
    for prefix in ("#fig-", "#tbl-", "#sec-", "#ref-"):
        assert any(href.startswith(prefix) for href in targets), prefix


def test_a_screenshot_is_kept_for_people_to_look_at(page_report):
    data = page_report["screenshot"].read_bytes()
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert (width, height) == (VIEWPORT["width"], VIEWPORT["height"])


# On a phone ------------------------------------------------------------------------------------

PHONE = {"width": 390, "height": 844}

PHONE_LAYOUT = """() => ({
    page_width: document.documentElement.scrollWidth,
    tables: Array.from(document.querySelectorAll('table')).map(table => {
        const region = table.parentElement;
        const caption = table.querySelector('caption');
        return {
            id: table.id,
            in_region: region.classList.contains('table-scroll'),
            role: region.getAttribute('role'),
            tabindex: region.getAttribute('tabindex'),
            label: region.getAttribute('aria-label'),
            region_right: region.getBoundingClientRect().right,
            caption_right: caption ? caption.getBoundingClientRect().right : 0,
        };
    }),
})"""


# Where each number's note opens when the number is focused (as on hover), in the viewport.
NOTES_SHOWN = """() => [...document.querySelectorAll('a.value')].map(link => {
    link.focus();
    const box = link.querySelector('.value-note').getBoundingClientRect();
    return { key: link.dataset.valueKey, left: box.left, right: box.right, width: box.width };
})"""


@pytest.fixture(scope="module")
def phone_layout(built):
    """The paper at the width of a phone (390 px): what the layout measured."""
    need("Chromium")
    from playwright.sync_api import sync_playwright

    screenshot = built / "results" / "browser" / "paper-phone.png"
    screenshot.parent.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=ARGUMENTS, headless=True
        )
        try:
            page = browser.new_context(viewport=PHONE).new_page()
            page.goto((built / "results" / "paper.html").as_uri(), wait_until="load")
            layout = page.evaluate(PHONE_LAYOUT)
            page.screenshot(path=str(screenshot))
            layout["notes"] = page.evaluate(NOTES_SHOWN)
        finally:
            browser.close()
    shown = ROOT / "results" / "browser" / "paper-phone.png"
    shown.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(screenshot, shown)
    return layout


def test_on_a_phone_the_page_never_scrolls_sideways(phone_layout):
    assert phone_layout["page_width"] <= PHONE["width"]


def test_on_a_phone_every_numbers_note_opens_within_the_screen(phone_layout):
    notes = phone_layout["notes"]
    assert len(notes) > 50  # the paper prints over a hundred numbers
    for note in notes:
        assert note["width"] > 100, note
        assert note["left"] >= 0 and note["right"] <= PHONE["width"], note


def test_on_a_phone_a_wide_table_scrolls_in_its_own_named_region(phone_layout):
    tables = phone_layout["tables"]
    assert len(tables) >= 6  # the six numbered tables at least
    for table in tables:
        assert table["in_region"], table
        assert (table["role"], table["tabindex"]) == ("region", "0"), table
        assert table["label"], table
        assert table["region_right"] <= PHONE["width"], table
        assert table["caption_right"] <= PHONE["width"] + 1, table  # the caption stays readable
    numbered = [table["label"] for table in tables if table["id"].startswith("tbl-")]
    assert numbered[:2] == ["Table 1", "Table 2"]


# A number's provenance ------------------------------------------------------------------------

NOTE = """link => {
    const note = link.querySelector('.value-note');
    const style = getComputedStyle(note);
    const box = note.getBoundingClientRect();
    return { display: style.display, width: box.width, height: box.height,
             text: getComputedStyle(note, '::after').content };
}"""


@pytest.fixture(scope="module")
def value_interactions(built):
    """What a reader meets on the paper's first printed number: at rest, pointed at, focused,
    followed; and the number's name as assistive technology reads it."""
    need("Chromium")
    from playwright.sync_api import sync_playwright

    seen = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=ARGUMENTS, headless=True
        )
        try:
            page = browser.new_context(viewport=VIEWPORT).new_page()
            page.goto((built / "results" / "paper.html").as_uri(), wait_until="load")
            link = page.locator("a.value").first
            seen["key"] = link.get_attribute("data-value-key")
            seen["text"] = link.inner_text()
            seen["rest"] = link.evaluate(NOTE)
            link.hover()
            seen["hover"] = link.evaluate(NOTE)
            page.mouse.move(0, 0)
            seen["away"] = link.evaluate(NOTE)
            link.focus()
            seen["focus"] = link.evaluate(NOTE)
            seen["read"] = link.aria_snapshot().splitlines()[0]
            link.click()
            seen["hash"] = page.evaluate("decodeURIComponent(location.hash)")
            seen["entry"] = page.evaluate(
                "id => document.getElementById(id).innerText", seen["hash"][1:]
            )
        finally:
            browser.close()
    return seen


def test_a_number_shows_its_provenance_when_pointed_at_or_focused(value_interactions):
    seen = value_interactions
    assert seen["rest"]["display"] == "none" and seen["away"]["display"] == "none"
    for state in ("hover", "focus"):
        note = seen[state]
        assert note["display"] == "block", state
        assert note["width"] > 100 and note["height"] > 10, state
        assert note["text"].startswith(f'"{seen["key"]} = {seen["text"]} · compendium.values.')


def test_a_number_is_read_as_itself_and_leads_to_its_appendix_entry(value_interactions):
    seen = value_interactions
    assert seen["read"] == f'- link "{seen["text"]}":'  # the number alone, not the note
    assert seen["hash"] == f"#value-{seen['key']}"
    assert seen["entry"].startswith(f"{seen['key']}: {seen['text']}. Computed by the rule")
