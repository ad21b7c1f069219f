"""Text blocks and metadata from a saved news web page (stdlib ``html.parser``, no network).

Only what a listener needs survives: the ``<h1>`` headline, ``<h2>``–``<h4>`` subheadings, and
paragraph-like blocks. Navigation, headers, footers, asides, scripts and forms are skipped whole.
Metadata comes from the usual ``<meta>`` tags (Open Graph, ``article:*``, ``author``) and the
canonical link.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

_SKIP = {
    "script",
    "style",
    "noscript",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "svg",
    "figure",
    "template",
    "iframe",
    "select",
}
_HEADINGS = {"h2", "h3", "h4"}
_BLOCKS = {"h1", *_HEADINGS, "p", "li", "blockquote"}
_META_KEYS = {
    "og:title": "title",
    "article:published_time": "date",
    "date": "date",
    "author": "author",
    "article:author": "author",
    "og:url": "url",
    "og:image": "image",
    "og:site_name": "source",
}


@dataclass
class HtmlPage:
    """Blocks in reading order; ``headings`` holds the indexes of subheading blocks."""

    blocks: list[str] = field(default_factory=list)
    headings: set[int] = field(default_factory=set)
    meta: dict[str, Any] = field(default_factory=dict)


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.page = HtmlPage()
        self.title = ""
        self._skip_depth = 0
        self._block: str | None = None
        self._text: list[str] = []
        self._in_title = False
        self.headline: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._skip_depth or tag in _SKIP:
            self._skip_depth += tag in _SKIP
            return
        values = {k: v or "" for k, v in attrs}
        if tag == "meta":
            key = _META_KEYS.get(values.get("property") or values.get("name") or "")
            if key and values.get("content") and key not in self.page.meta:
                self.page.meta[key] = values["content"].strip()
        elif tag == "link" and values.get("rel") == "canonical" and values.get("href"):
            self.page.meta.setdefault("url", values["href"])
        elif tag == "title":
            self._in_title = True
        elif tag in _BLOCKS and self._block is None:
            self._block, self._text = tag, []
        elif tag == "br" and self._block:
            self._text.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self._skip_depth:
            self._skip_depth -= tag in _SKIP
            return
        if tag == "title":
            self._in_title = False
        elif tag == self._block:
            text = " ".join("".join(self._text).split())
            if text:
                self._add(tag, text)
            self._block = None

    def handle_data(self, data: str) -> None:
        if self._skip_depth:
            return
        if self._in_title:
            self.title += data
        elif self._block:
            self._text.append(data)

    def _add(self, tag: str, text: str) -> None:
        page = self.page
        if tag == "h1":
            if self.headline is None:
                self.headline = text
                # Text before the headline is page chrome (site name, menus not marked as nav).
                page.blocks, page.headings = [text], set()
            return
        if tag in _HEADINGS:
            page.headings.add(len(page.blocks))
        page.blocks.append(text)


def parse_html(html: str) -> HtmlPage:
    """Headline, subheadings and paragraphs of a news page, plus its metadata."""
    parser = _Extractor()
    parser.feed(html)
    parser.close()
    page = parser.page
    if parser.headline is None:
        title = page.meta.get("title") or " ".join(parser.title.split())
        if title:
            page.blocks.insert(0, title)
            page.headings = {i + 1 for i in page.headings}
    return page
