"""Markdown: ``#`` headline, ``##``/``###`` subheadings, YAML front matter for metadata."""

from __future__ import annotations

import re
from typing import Any

from newsaudio.errors import ArticleError
from newsaudio.reading.article import Article
from newsaudio.reading.sanitize import clean_value, safe_meta
from newsaudio.reading.structure import structure

_FRONT_MATTER = re.compile(r"\A---\s*\n(.*?)\n---\s*(?:\n|\Z)", re.DOTALL)
_MD_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def parse_markdown(source: str, text: str) -> Article:
    """Markdown: ``#`` headline, ``##``/``###`` subheadings, YAML front matter for metadata."""
    import yaml  # only Markdown with front matter needs it

    meta_data: dict[str, Any] = {}
    match = _FRONT_MATTER.match(text.lstrip("\ufeff"))
    if match:
        try:
            loaded = yaml.safe_load(match.group(1))
        except yaml.YAMLError as exc:
            problem = " ".join(str(exc).split())
            raise ArticleError(source, f"has invalid YAML front matter ({problem})") from exc
        meta_data = loaded if isinstance(loaded, dict) else {}
        text = text[match.end() :]
    blocks: list[str] = []
    headings: set[int] = set()
    title = clean_value(meta_data.get("title"))
    if title:
        blocks.append(title)
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(" ".join(paragraph))
            paragraph.clear()

    for raw_line in text.splitlines():
        line = raw_line.strip()
        heading = _MD_HEADING.match(line)
        if heading:
            flush()
            content = _md_inline(heading.group(2))
            if len(heading.group(1)) == 1 and not blocks:
                blocks.append(content)
            elif len(heading.group(1)) == 1 and title and content == title:
                continue
            else:
                headings.add(len(blocks))
                blocks.append(content)
        elif not line or re.fullmatch(r"[-*_]{3,}", line):
            flush()
        else:
            item = _md_inline(re.sub(r"^(?:>\s*|[-*+]\s+|\d+[.)]\s+)", "", line))
            if item:
                paragraph.append(item)
    flush()
    meta = {**meta_data, "url": meta_data.get("url") or meta_data.get("link")}
    meta["source"] = meta_data.get("source") or meta_data.get("publisher")
    return structure(source, blocks, headings, safe_meta(meta))


def _md_inline(text: str) -> str:
    text = re.sub(r"!\[[^\]]*\]\([^)]*\)", "", text)  # images are not spoken
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links keep their text
    text = re.sub(r"(\*\*|__|\*|_|`)(.+?)\1", r"\2", text)
    return " ".join(text.split())
