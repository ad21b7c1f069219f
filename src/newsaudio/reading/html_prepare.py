"""A saved page made ready for trafilatura: undo what hides the article from it (old table
layouts, headings pasted from word processors), remove what it tends to keep (widgets by class
or id, boxes by their titles, pictures with captions), and never remove the article itself:
nothing that holds half of the paragraphs trafilatura alone finds on the page (the reference)
goes, whatever its class says.
"""

from __future__ import annotations

import logging
import re
from typing import Any

from newsaudio.reading.boilerplate import is_widget_title, title_key

log = logging.getLogger(__name__)

# Class or id words of widgets that real Arabic sites put inside or beside the article and that
# trafilatura sometimes keeps: comment forms, polls, newsletters, "most read", related lists.
_CHROME = re.compile(
    r"(?:^|[\s_-])(?:comments?|respond|reply|related|most-?(?:read|viewed|popular)|popular|"
    r"trending|newsletter|subscribe|poll|vote|share|sharing|social|breadcrumbs?|read-?(?:also|more)|"
    r"see-?also|tags?|keywords|latest|ticker|marquee|author-?box|prev-?next|pagination|"
    r"ads?|advert\w*|sponsor\w*|promo|cookie\w*|consent|outbrain|taboola|"
    # A live blog's "key points" box repeats its updates.
    r"key-?points|highlights|side-?bar|side|widgets?|"
    # Paywalls and subscription offers (the article's wrapper may say "premium": holding the
    # article's text keeps it, _holds_reference).
    r"paywall|premium|subscription|"
    # Bylines and dates are read from the markup for the metadata, not spoken.
    r"byline|byline-block|dateline|timestamp)(?:$|[\s_-])",
    re.IGNORECASE,
)
# Picture captions are not read out; their containers go, the text around them stays.
_FIGURE = re.compile(r"caption|inline-?img|image|photo|picture|figure|gallery", re.IGNORECASE)
# A widget larger than this share of the page's text is the article's own wrapper, not a widget.
_MAX_WIDGET_SHARE = 0.3
# An element holding a picture and at most this many words is a picture with its caption.
_MAX_CAPTION_WORDS = 30
# A paragraph this long is prose, not a widget's item (headlines, captions, prices are shorter).
MIN_PROSE_WORDS = 15

# A paragraph of the reference this long is article text for the guard in _prepare.
_MIN_REFERENCE_WORDS = 8
# An element holding this share of the words of the reference's paragraphs is the article (or its
# wrapper), whatever its class says. On the development pages and fixtures the widgets removed
# held at most 27 % (a "most watched" list trafilatura took for the text of a video page), a
# paywall box 16 %, a cookie banner 4 %; an article's wrapper holds ~100 %.
_MAX_WIDGET_REFERENCE_SHARE = 0.5


def reference_keys(reference: list[tuple[str, str]]) -> list[str]:
    return [
        key
        for kind, text in reference
        if kind == "p" and len(text.split()) >= _MIN_REFERENCE_WORDS and (key := title_key(text))
    ]


def _holds_reference(element: Any, keys: list[str]) -> bool:
    """Whether ``element`` holds half or more of trafilatura's article paragraphs (by words)."""
    if not keys:
        return False
    text = title_key(element.text_content())
    held = sum(len(key.split()) for key in keys if key[:200] in text)
    return held >= _MAX_WIDGET_REFERENCE_SHARE * sum(len(key.split()) for key in keys)


def _drop(element: Any, keys: list[str]) -> None:
    """Remove ``element`` (keeping its tail text), unless it holds the article."""
    if _holds_reference(element, keys):
        names = " ".join(element.get(a, "") for a in ("class", "id"))
        log.info("kept <%s %s>: it holds the article's text", element.tag, names[:60])
        return
    element.drop_tree()


def prepare(tree: Any, reference_keys: list[str]) -> None:
    """Undo what hides the article from trafilatura, and remove what it tends to keep.

    Old sites lay pages out with nested tables, which trafilatura skips as data tables: they become
    plain containers. Widgets are removed by their class or id, unless they hold most of the page
    (then the word is on the article's wrapper). Pictures with captions are removed with
    ``drop_tree``, which keeps the text that follows them: in ``<br>``-separated bodies that text
    is the next paragraph. Nothing that holds half of the paragraphs trafilatura alone finds
    (``reference_keys``) is removed: that is the article, whatever its class says.
    """
    for table in tree.xpath("//table[.//table or .//td[string-length(normalize-space()) > 200]]"):
        for element in [table, *table.iter("tbody", "thead", "tr", "td", "th")]:
            element.tag = "div"
    total = max(1, len(tree.text_content()))
    for element in list(tree.iter("div", "section", "aside", "ul", "ol", "form", "span", "p")):
        if element.getparent() is None:
            continue  # already removed with an ancestor
        names = " ".join(element.get(a, "") for a in ("class", "id", "data-component"))
        # Only named elements are measured: text_content() on every element would be quadratic.
        if _CHROME.search(names):
            small = len(element.text_content()) < total * _MAX_WIDGET_SHARE
            if small and not element.xpath(".//h1"):
                _drop(element, reference_keys)
        elif _FIGURE.search(names) and element.xpath(".//img") and _is_caption(element):
            _drop(element, reference_keys)
    for heading in list(tree.iter("h2", "h3", "h4")):
        # A box headed "قصص مقترحة" or "الأكثر قراءة" is a widget whatever its classes say: the
        # largest container around its title that holds no paragraph of prose goes with it.
        if heading.getparent() is None or not is_widget_title(element_text(heading)):
            continue
        box = heading
        while (parent := box.getparent()) is not None and parent.tag != "body":
            if len(parent.text_content()) >= total * _MAX_WIDGET_SHARE or _has_prose(parent):
                break
            box = parent
        _drop(box, reference_keys)
    for element in list(tree.iter("figure", "figcaption")):
        if element.getparent() is not None:
            _drop(element, reference_keys)
    # Headings pasted from word processors wrap their text in spans and <o:p>, which trafilatura
    # drops with the heading: keep only the text. A heading that holds a link is another story's
    # headline: the link tells trafilatura (link density) and _subheadings so, and stays.
    for heading in tree.iter("h1", "h2", "h3", "h4"):
        if heading.xpath(".//a[@href]"):
            continue
        text = XML_UNSAFE.sub("", " ".join(heading.text_content().split()))
        for child in list(heading):
            heading.remove(child)
        heading.text = text


# What lxml refuses in a text node it is given, and a character reference to one of them.
XML_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
UNSAFE_REFERENCE = re.compile(
    r"&#(?:0*(?:[0-8]|1[1-2]|1[4-9]|2\d|3[01])(?!\d)|[xX]0*(?:[0-8]|[bBcCeEfF]|1[0-9a-fA-F])"
    r"(?![0-9a-fA-F]));?"
)


def _is_caption(element: Any) -> bool:
    """A picture's box holds a caption at most, not a paragraph."""
    return len(element.text_content().split()) <= _MAX_CAPTION_WORDS


def _has_prose(element: Any) -> bool:
    """Whether ``element`` holds a paragraph of running text (not a headline or a teaser)."""
    return any(len(element_text(p).split()) >= MIN_PROSE_WORDS for p in element.iter("p"))


def element_text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split())
