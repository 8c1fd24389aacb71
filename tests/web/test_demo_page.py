"""web/demo/index.html, read as a file: what the browser tests cannot see."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

PAGE = Path(__file__).resolve().parents[2] / "web" / "demo" / "index.html"


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "link":
            self.links.append(dict(attrs))


def test_the_page_declares_its_icon_so_no_favicon_request_404s() -> None:
    """A desktop browser asks for /favicon.ico when a page names no icon, and the static server
    answers 404 in the console; headless Chromium never asks, so tests/browser cannot catch it."""
    parser = _Links()
    parser.feed(PAGE.read_text(encoding="utf-8"))
    icons = [link for link in parser.links if (link.get("rel") or "").lower() == "icon"]
    assert icons and icons[0].get("href") == "data:,"
