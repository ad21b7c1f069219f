"""A client-rendered page's article from the JSON it ships its text in.

React and Next.js pages may have no article text in their HTML: Next.js' ``__NEXT_DATA__`` or a
headless CMS's ``content_elements`` hold it as a list of blocks. ``html.parse_html`` asks here when
the extract has too few Arabic words.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from html import unescape as html_unescape
from typing import Any


def json_body(scripts: list[str]) -> list[tuple[str, str]]:
    """The article's blocks from the JSON a client-rendered page ships its text in (Next.js'
    ``__NEXT_DATA__``, a headless CMS's ``content_elements``): the list of blocks with the most
    Arabic words, each block's longest text, a heading where its type says so."""
    best: list[tuple[str, str]] = []
    best_words = MIN_JSON_BODY_WORDS - 1
    for script in scripts:
        try:
            data = json.loads(script)
        except (ValueError, RecursionError):  # not JSON, or nested beyond reason
            continue
        for blocks in _block_lists(data):
            words = arabic_words(text for _, text in blocks)
            if words > best_words:
                best, best_words = blocks, words
    return best


MIN_JSON_BODY_WORDS = 30


def arabic_words(texts: Iterable[str]) -> int:
    return sum(len(_ARABIC_WORD.findall(text)) for text in texts)


_JSON_HEADING = re.compile(r"head|title|h[2-4]\b", re.IGNORECASE)


def _block_lists(data: Any, depth: int = 0) -> Iterator[list[tuple[str, str]]]:
    """Every JSON list of objects that read as text blocks, as (kind, text); an article's blocks
    sit a few levels deep, so the search stops at ``_MAX_JSON_DEPTH``."""
    if depth > _MAX_JSON_DEPTH:
        return
    if isinstance(data, dict):
        for value in data.values():
            yield from _block_lists(value, depth + 1)
    elif isinstance(data, list):
        blocks = [block for item in data if (block := _json_block(item))]
        if len(blocks) >= 2:
            yield blocks
        for value in data:
            yield from _block_lists(value, depth + 1)


_MAX_JSON_DEPTH = 30


def _json_block(item: Any) -> tuple[str, str] | None:
    """(kind, text) of one JSON block: its longest string, markup removed."""
    if not isinstance(item, dict):
        return None
    strings = [v for v in item.values() if isinstance(v, str)]
    longest = max(strings, key=len, default="")
    text = " ".join(_TAGS.sub(" ", html_unescape(longest)).split())
    if not _ARABIC_WORD.search(text):
        return None
    kind = str(item.get("type") or item.get("_type") or item.get("kind") or "")
    heading = _JSON_HEADING.search(kind) or longest.lstrip().startswith(("<h2", "<h3", "<h4"))
    return ("h2" if heading else "p"), text


_TAGS = re.compile(r"<[^>]+>")
_ARABIC_WORD = re.compile(r"[\u0621-\u064a]{2,}")
