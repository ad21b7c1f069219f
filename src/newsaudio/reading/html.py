"""Text blocks and metadata from a saved news web page, through trafilatura.

trafilatura (the best-scoring open-source main-text extractor) finds the article among the page's
menus, widgets, comment forms and related-story lists. This module is the one boundary that calls
it: it maps trafilatura's output (an XML body with ``<head rend="hN">``, ``<p>``, ``<list>``,
``<quote>`` and ``<lb/>``) to our text blocks, and fills in what trafilatura leaves out — the
headline without its site-name suffix, the full publish time, the image, description and canonical
URL from JSON-LD, and the page's declared language. Everything here runs offline.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from newsaudio.reading.boilerplate import (
    MIN_DECK_WORDS,
    is_dateline,
    is_heading_like,
    is_widget_title,
    title_key,
)
from newsaudio.reading.html_json import MIN_JSON_BODY_WORDS, arabic_words, json_body
from newsaudio.reading.html_meta import json_ld, page_headline, page_lang, page_metadata, same_title
from newsaudio.reading.html_prepare import (
    MIN_PROSE_WORDS,
    UNSAFE_REFERENCE,
    XML_UNSAFE,
    element_text,
    prepare,
    reference_keys,
)

log = logging.getLogger(__name__)

# Characters between a dropped subheading and the kept paragraph after it (spaces, a date).
_MAX_HEADING_GAP = 40


@dataclass
class HtmlPage:
    """Blocks in reading order, the headline first; ``headings`` holds the indexes of subheading
    blocks; ``lang`` is the page's declared language (``<html lang>``)."""

    blocks: list[str] = field(default_factory=list)
    headings: set[int] = field(default_factory=set)
    meta: dict[str, Any] = field(default_factory=dict)
    lang: str | None = None
    # trafilatura's own extract of the page, with its defaults (what trafilatura alone reads), as
    # (kind, text) blocks: what our rules may structure and subtract recognised chrome from, never
    # lose (reading/reference.py).
    reference: list[tuple[str, str]] = field(default_factory=list)
    # The fallbacks the blocks came from, each a sentence fragment for a warning ("read from the
    # JSON the page ships"): said once the page turns out to be an article.
    fallbacks: list[str] = field(default_factory=list)


def parse_html(html: str) -> HtmlPage:
    """Headline, subheadings and paragraphs of a news page, plus its metadata.

    An empty ``blocks`` list means nothing article-like was found.
    """
    # Imported here: trafilatura and lxml take a noticeable share of a second to import.
    import lxml.html
    import trafilatura

    # lxml refuses to set a text node holding a control character ("All strings must be XML
    # compatible"), and drop_tree() sets one when it joins a removed element's tail: none may be in
    # the tree, written out or as a reference ("&#18;": a comment pasted into "&#1583;").
    html = XML_UNSAFE.sub("", UNSAFE_REFERENCE.sub("", html))
    # An XML declaration (XHTML, some CMSs) names the encoding of bytes this text no longer is:
    # lxml refuses a str that has one (ValueError), and the page was "no article text".
    html = _XML_DECLARATION.sub("", html, count=1)
    try:
        tree = lxml.html.document_fromstring(html)
    except lxml.etree.ParserError:  # nothing to parse: an empty document
        return HtmlPage()
    ld = json_ld(tree)
    # Kept before extraction, which removes scripts; parsed only if the page has no text.
    json_scripts = [s.text or "" for s in tree.xpath(_JSON_SCRIPTS)]
    # Metadata first: the byline and date markup go with the page chrome in _prepare.
    # Not htmldate's extensive search: it takes any date in the text ("موسم 2025-2026") for the
    # publish date; a date must be marked up as one.
    meta = page_metadata(tree, trafilatura.extract_metadata(tree, extensive=False), ld)
    reference = _reference(html)
    prepare(tree, reference_keys(reference))
    subheadings = _subheadings(tree)
    page_text = _visible_text(tree)
    body: list[tuple[str, str]] = []
    fallbacks: list[str] = []
    # Precision first (least chrome). Some WordPress themes and old layouts defeat it entirely;
    # only then the balanced and the recall-oriented settings, which let more chrome through.
    for precision, recall in _EXTRACTIONS:
        doc = trafilatura.bare_extraction(
            tree,
            include_comments=False,
            include_tables=False,
            favor_precision=precision,
            favor_recall=recall,
        )
        if isinstance(doc, dict) or doc is None:  # dict only with as_dict=True
            continue
        body = list(_blocks(doc.body, frozenset(title_key(h) for h in subheadings)))
        if any(kind == "p" for kind, _ in body):
            if recall or not precision:
                setting = "recall-oriented" if recall else "balanced"
                fallbacks.append(
                    f"trafilatura's precise extraction found no paragraph; its {setting} one was "
                    "read, which lets more of the page in"
                )
            break
    # Client-rendered pages (React, Next.js) ship the text only as JSON-LD's articleBody; where
    # trafilatura falls back on it, it joins its paragraphs into one.
    article_body = ld.get("articleBody")
    if isinstance(article_body, str):
        paragraphs = " ".join(text for kind, text in body if kind == "p")
        if not paragraphs or title_key(paragraphs) == title_key(article_body):
            body = [("p", line) for line in _split(article_body)]
            if title_key(article_body)[:80] not in title_key(page_text):
                fallbacks = ["no article text in the page's HTML; its JSON-LD articleBody was read"]
    if arabic_words(text for kind, text in body if kind == "p") < MIN_JSON_BODY_WORDS:
        from_json = json_body(json_scripts)
        if from_json:
            body = from_json
            fallbacks = ["too little article text in the page's HTML; the JSON it ships was read"]
    body = _recover_paragraphs(tree, body)
    body = _restore_headings(page_text, body, subheadings)
    headline = page_headline(tree, body, meta)
    body = _with_lead(tree, page_text, body, meta.get("description"), headline)
    page = HtmlPage(meta=meta, lang=page_lang(tree), reference=reference, fallbacks=fallbacks)
    if headline:
        page.blocks.append(headline)
        # What comes before the headline in the extract (kicker, date, section name) is chrome.
        at = next((i for i, (_, text) in enumerate(body) if same_title(text, headline)), -1)
        body = body[at + 1 :]
    in_text = False
    for kind, text in body:
        if not page.blocks and kind != "p":
            continue
        if kind == "h1" or same_title(text, headline):
            continue  # the article's own title, already the headline
        # A long heading between the headline and the first paragraph is the deck (standfirst),
        # spoken as the lead: "<h2 class=sub-title>".
        if kind != "p" and (in_text or len(text.split()) < MIN_DECK_WORDS):
            page.headings.add(len(page.blocks))
        in_text = in_text or kind == "p"
        page.blocks.append(text)
    return page


_JSON_SCRIPTS = "//script[@type='application/json' or @id='__NEXT_DATA__']"
_XML_DECLARATION = re.compile(r"^\s*<\?xml\b[^>]*>")
# trafilatura's settings as (favor_precision, favor_recall), in the order they are tried.
_EXTRACTIONS = ((True, False), (False, False), (False, True))


def _reference(html: str) -> list[tuple[str, str]]:
    """trafilatura alone on the page, with its defaults (``trafilatura.extract(html)``), as
    (kind, text) blocks; empty when it finds nothing."""
    import lxml.etree
    import trafilatura

    try:
        doc = trafilatura.bare_extraction(html, include_comments=False)
    except (ValueError, TypeError, RecursionError, lxml.etree.LxmlError) as exc:
        log.debug("trafilatura's reference extraction failed: %r", exc)
        return []
    if doc is None or isinstance(doc, dict) or doc.body is None:
        return []
    return [(kind, text) for kind, text in _blocks(doc.body, frozenset()) if text]


def _with_lead(
    tree: Any,
    page_text: str,
    body: list[tuple[str, str]],
    description: Any,
    headline: str | None,
) -> list[tuple[str, str]]:
    """The lead (standfirst) in front of the body when the extraction left it out.

    Many CMSs put the lead outside the element marked as the article's body, where no setting of
    trafilatura looks; the page's description is often that lead, or its start cut short ("…").
    The block of the page that the description starts is put in as the lead when it comes before
    the first kept paragraph and the body does not have it yet.
    """
    if not isinstance(description, str) or not body:
        return body
    start = " ".join(description.split()).rstrip(".…").strip()
    if len(start.split()) < MIN_DECK_WORDS or same_title(start, headline):
        return body
    lead = _block_starting(tree, start)
    if lead is None:
        return body
    prefixes = (title_key(lead)[:60], title_key(start)[:60])
    if any(title_key(text).startswith(prefixes) for _, text in body):
        return body  # the lead is the first paragraph, already there
    at = page_text.find(lead[:80])
    first = next((page_text.find(text[:60]) for kind, text in body if kind == "p"), -1)
    if at < 0 or 0 <= first < at:
        return body
    log.info("lead taken from the page's block its description starts: %s", lead[:60])
    index = next((i for i, (kind, _) in enumerate(body) if kind == "p"), len(body))
    return [*body[:index], ("p", lead), *body[index:]]


def _block_starting(tree: Any, start: str) -> str | None:
    """The text of the page's block (paragraph, div …) that ``start`` begins, or that begins
    ``start`` (a summary shorter than the description); None if there is none, or it is longer
    than a lead."""
    needle, key = start[:40], title_key(start)
    for node in tree.xpath(_VISIBLE_TEXT):
        if needle not in " ".join(node.split()):
            continue
        element = node.getparent()
        if node.is_tail:
            element = element.getparent()
        while element is not None and element.tag not in _BLOCK_TAGS:
            element = element.getparent()
        if element is None:
            return None
        text = element_text(element)
        short = len(text.split()) <= _MAX_LEAD_WORDS
        if short and (title_key(text).startswith(key[:60]) or key.startswith(title_key(text))):
            return text
        return None
    return None


_BLOCK_TAGS = {"p", "div", "section", "header", "li", "td", "blockquote", "h2", "h3", "h4"}
# A lead is a sentence or two: a longer block is the article, or a box around it.
_MAX_LEAD_WORDS = 80


def _visible_text(tree: Any) -> str:
    """The text a reader of the page sees, in page order: not its scripts (JSON-LD repeats the
    description and often the whole article), styles or templates."""
    return " ".join(" ".join(tree.xpath(_VISIBLE_TEXT)).split())


_VISIBLE_TEXT = (
    "//body//text()[not(ancestor::script or ancestor::style or ancestor::noscript"
    " or ancestor::template)]"
)


def _subheadings(tree: Any) -> list[str]:
    """Texts of the page's ``h2``–``h4`` outside headers, footers and sidebars, in page order,
    then its bold-only lines. A heading that links elsewhere is another story's headline, not a
    subheading."""
    found = tree.xpath(
        "//*[self::h2 or self::h3 or self::h4][not(.//a)]"
        "[not(ancestor::header or ancestor::footer or ancestor::aside or ancestor::nav)]"
    )
    headings = [text for h in found if (text := element_text(h))]
    # Paragraphs that are all bold and short are subheadings on many CMSs: "<p><strong>…</strong>
    # </p>", or a bold line between <br>s in a <br>-separated body.
    for bold in tree.xpath("//strong | //b"):
        text = element_text(bold)
        if not text or bold.xpath("ancestor::a or .//a") or not is_heading_like(text):
            continue
        if len(text.split()) > _MAX_BOLD_HEADING_WORDS or is_widget_title(text):
            continue
        if is_dateline(text, colon=False):
            continue  # "عنب بلدي – الحسكة": who filed the story, and where
        parent = bold.getparent()
        alone = parent is not None and parent.tag == "p" and element_text(parent) == text
        between_breaks = (not (bold.tail or "").strip()) and _after_break(bold)
        if alone or between_breaks:
            headings.append(text)
    return headings


_MAX_BOLD_HEADING_WORDS = 10


def _after_break(element: Any) -> bool:
    """Whether ``element`` starts a line and a <br> ends it: a line of its own in a <br> body."""
    following = element.getnext()
    if following is None or following.tag != "br":
        return False
    previous = element.getprevious()
    if previous is None:
        parent = element.getparent()
        return parent is not None and not (parent.text or "").strip()
    return previous.tag == "br" and not (previous.tail or "").strip()


def _recover_paragraphs(tree: Any, body: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Put back whole paragraphs of the article that the precise extraction dropped.

    Precision drops boxes inside the article (a statement's full text, a quoted document) along
    with widgets. Paragraphs of at least ``MIN_PROSE_WORDS`` words inside the element that
    holds the kept paragraphs are returned to their place; widgets were removed by class before,
    and their items are short.
    """
    kept = {title_key(text)[:80]: i for i, (kind, text) in enumerate(body) if kind == "p"}
    paragraphs = [p for p in tree.iter("p") if element_text(p)]
    anchors = [p for p in paragraphs if title_key(element_text(p))[:80] in kept]
    if len(anchors) < 2:
        return body
    container = anchors[0]
    while container is not None and not all(_within(a, container) for a in anchors):
        container = container.getparent()
    if container is None:
        return body
    after: dict[int, list[str]] = {}
    anchor = -1
    for p in container.iter("p"):
        key = title_key(element_text(p))[:80]
        if key in kept:
            anchor = kept[key]
        elif anchor >= 0 and len(element_text(p).split()) >= MIN_PROSE_WORDS:
            after.setdefault(anchor, []).append(element_text(p))
    if not after:
        return body
    recovered: list[tuple[str, str]] = []
    for i, block in enumerate(body):
        recovered.append(block)
        recovered += [("p", text) for text in after.get(i, [])]
    return recovered


def _within(element: Any, ancestor: Any) -> bool:
    while element is not None:
        if element is ancestor:
            return True
        element = element.getparent()
    return False


def _restore_headings(
    page_text: str, body: list[tuple[str, str]], subheadings: list[str]
) -> list[tuple[str, str]]:
    """Put back the subheadings trafilatura dropped (it loses some inside word-processor markup).

    A subheading is restored only where the page has it directly before a paragraph the
    extraction kept, so headings of widgets it rightly removed stay out.
    """
    kept = {title_key(text) for kind, text in body if kind != "p"}
    positions = [page_text.find(text[:60]) for _, text in body]
    restored = list(body)
    for heading in subheadings:
        if title_key(heading) in kept:
            continue
        at = page_text.find(heading)
        if at < 0:
            continue
        end = at + len(heading)
        following = [i for i, pos in enumerate(positions) if pos >= end]
        if not following or not any(0 <= pos < at for pos in positions):
            continue
        first = following[0]
        if positions[first] - end > _MAX_HEADING_GAP or len(body[first][1].split()) < 10:
            continue  # a widget's heading over a line or two, not a section over a paragraph
        restored.insert(first + len(restored) - len(body), ("h2", heading))
        kept.add(title_key(heading))
    return restored


_HTML_HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
_HTML_PARAGRAPHS = {"p", "li", "blockquote", "dd", "dt", "pre", "quote", "item"}


def _blocks(body: Any, subheadings: frozenset[str]) -> Iterator[tuple[str, str]]:
    """(kind, text) for the extracted body: kind is "h1".."h6" or "p".

    trafilatura's normal output is flat (``head``, ``p``, ``list``, ``quote``); its fallback
    extractors return nested HTML containers, which are walked the same way.
    """
    if body.text and body.text.strip() and body.tag not in {"body"}:
        yield from (("p", line) for line in _split(body.text))
    for element in body:
        tag = element.tag if isinstance(element.tag, str) else ""
        if tag == "head" or tag in _HTML_HEADINGS:
            rend = (element.get("rend") or tag).lower()
            yield (rend if rend in _HTML_HEADINGS else "h2"), element_text(element)
        elif tag in {"list", "ul", "ol", "dl"}:
            for item in element.iter("item", "li", "dd"):
                yield "p", element_text(item)
        elif tag in _HTML_PARAGRAPHS:
            # <br>-separated paragraphs arrive as one <p> with <lb/> line breaks: split them.
            for line in _lines(element):
                yield ("h2" if title_key(line) in subheadings else "p"), line
        elif tag and tag not in {"lb", "br", "graphic", "img", "table"}:
            yield from _blocks(element, subheadings)
        if element.tail and element.tail.strip():
            yield from (("p", line) for line in _split(element.tail))


def _split(text: str) -> Iterator[str]:
    for line in text.split("\n"):
        if line.strip():
            yield " ".join(line.split())


def _lines(element: Any) -> Iterator[str]:
    parts: list[str] = [element.text or ""]
    for child in element:
        if child.tag in {"lb", "br"}:
            parts.append("\n")
        elif isinstance(child.tag, str):  # not a comment or a processing instruction
            parts.append("".join(child.itertext()))
        parts.append(child.tail or "")
    yield from _split("".join(parts))
