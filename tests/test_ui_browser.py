"""The web chat in a real browser (Chromium via Playwright) against the real Chatbot on a temporary store."""

from __future__ import annotations

import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds" / "iran-missiles-russia.txt"
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = os.environ.get("RAG_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
XSS_IMG = "<img src=x onerror=alert(1)>"
XSS_MD = "![x](http://127.0.0.1:9/leak)"
UNTRUSTED = (
    "Museum catalogue note.\n"
    f"The gallery caption reads {XSS_IMG} in the museum catalogue.\n"
    f"The footnote of the catalogue reads {XSS_MD} next to the caption.\n"
)
ANSWER_TIMEOUT_MS = 60_000

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not Path(CHROMIUM).exists() and not shutil.which(CHROMIUM), reason="chromium not installed"),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from tests.conftest import running_chat

    tmp = tmp_path_factory.mktemp("ui-browser")
    untrusted = tmp / "museum-note.txt"
    untrusted.write_text(UNTRUSTED, encoding="utf-8")
    with running_chat(tmp / "store", [SEED, untrusted]) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


class Page:
    """A browser tab on the app that records every request and dialog."""

    def __init__(self, browser: Any, url: str) -> None:
        self.requests: list[str] = []
        self.dialogs: list[str] = []
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000})
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.goto(url)
        self.page.wait_for_selector("#rag-question textarea")

    def ask(self, question: str) -> Any:
        """Type a question, press Ask, wait for the finished reply; returns the reply's locator."""
        done = "#rag-chat .rag-answer:not(.rag-streaming), #rag-chat .rag-notice"
        before = self.page.locator(done).count()
        self.page.fill("#rag-question textarea", question)
        self.page.click("#rag-send")
        self.page.wait_for_function(f"document.querySelectorAll({done!r}).length > {before}", timeout=ANSWER_TIMEOUT_MS)
        return self.page.locator(done).nth(before)

    def leaks(self) -> list[str]:
        return [u for u in self.requests if urlparse(u).hostname == "127.0.0.1" and urlparse(u).port == 9]


@pytest.fixture
def tab(browser: Any, app_url: str) -> Iterator[Page]:
    t = Page(browser, app_url)
    try:
        yield t
    finally:
        t.page.close()


def test_answer_with_citation_marker_highlighted_quote_and_article(tab: Page) -> None:
    from playwright.sync_api import expect

    page = tab.page
    reply = tab.ask("Which newspaper broke the news?")
    expect(reply).to_contain_text("Wall Street Journal")
    marker = reply.locator("a.rag-cite-link").first
    expect(marker).to_be_visible()
    expect(marker).to_have_text("[1]")
    assert "The Wall Street Journal broke the news" in (marker.get_attribute("title") or "")
    quote = page.locator("#rag-sources mark").first
    expect(quote).to_be_visible()
    expect(quote).to_contain_text("The Wall Street Journal broke the news")
    expect(page.locator("#rag-sources")).to_contain_text("iran-missiles-russia.txt · chars")
    expect(page.locator("#rag-status")).to_contain_text("offline extractive")

    marker.click()  # jumps to (and flashes) the source card
    expect(page.locator("#rag-sources .rag-card").first).to_be_in_viewport()
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "ui-answer.png"), full_page=True)

    page.get_by_role("tab", name="Article").click()
    article_mark = page.locator("#rag-article mark").first
    expect(article_mark).to_be_visible()
    expect(article_mark).to_contain_text("The Wall Street Journal broke the news")
    expect(page.locator("#rag-article")).to_contain_text("Iran reportedly shifts ballistic missiles to Russia")
    page.screenshot(path=str(ARTIFACTS / "ui-article.png"), full_page=True)

    page.get_by_role("tab", name="Sources").click()
    tab.ask("What did Sean Savett say about the transfer?")
    follow = tab.ask("Who is he?")  # resolved with the conversation so far
    expect(follow.locator(".rag-standalone")).to_contain_text("Savett")
    expect(follow.locator("a.rag-cite-link").first).to_be_visible()
    expect(follow).to_contain_text("spokesperson Sean Savett")
    expect(page.locator("#rag-sources mark").first).to_contain_text("Savett")
    page.screenshot(path=str(ARTIFACTS / "ui-followup.png"), full_page=True)


def test_untrusted_document_text_is_shown_as_text(tab: Page) -> None:
    from playwright.sync_api import expect

    page = tab.page
    reply = tab.ask("What does the gallery caption read?")
    # The answer drops the image (rag.sanitize); the quote in the sources keeps the document's text, as text.
    expect(reply).to_contain_text("The gallery caption reads (image removed)")
    expect(reply).not_to_contain_text("onerror")
    sources = page.locator("#rag-sources")
    expect(sources).to_contain_text(XSS_IMG)
    expect(sources).to_contain_text(XSS_MD)
    page.get_by_role("tab", name="Article").click()
    expect(page.locator("#rag-article")).to_contain_text(XSS_MD)
    page.get_by_role("tab", name="Sources").click()
    for details in page.locator("#rag-sources details").all():
        details.locator("summary").click()
    page.wait_for_timeout(500)  # give any (unwanted) image a chance to load
    page.screenshot(path=str(ARTIFACTS / "ui-untrusted.png"), full_page=True)

    for panel in ("#rag-chat", "#rag-sources", "#rag-article"):
        assert page.locator(f"{panel} img").count() == 0, panel
        assert page.locator(f"{panel} a[href*='127.0.0.1:9']").count() == 0, panel
    assert page.locator("img:not([src^='data:'])").count() == 0
    assert tab.leaks() == []
    assert tab.dialogs == []


def test_bad_questions_abstentions_and_new_chat(tab: Page) -> None:
    from playwright.sync_api import expect

    page = tab.page
    page.fill("#rag-question textarea", "   ")
    page.click("#rag-send")
    expect(page.locator("#rag-notice")).to_contain_text("Please type a question")
    page.fill("#rag-question textarea", "why " * 600)
    page.click("#rag-send")
    expect(page.locator("#rag-notice")).to_contain_text("too long")

    reply = tab.ask("How do I bake banana bread?")
    expect(reply.locator(".rag-badge-abstain")).to_have_text("Not in the article")
    expect(page.locator("#rag-notice .rag-notice")).to_have_count(0)

    page.click("#rag-clear")
    expect(page.locator("#rag-chat [data-testid=bot]")).to_have_count(0)
    expect(page.locator("#rag-sources")).to_contain_text("Sources of the latest answer appear here")
