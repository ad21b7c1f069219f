"""Titles made from an article's own opening words, where the article gives none.

An article without a headline (scraped text that starts with its first paragraph, Markdown without
a ``#`` line) is titled by its first sentence when that is short, else by its first dozen words cut
at a word; a navigation point inside a long chapter is titled by the first words of its paragraph.
Such a title is shown (feed, ID3, page, book), never spoken: the words are heard once, in the text.
"""

from __future__ import annotations

import re

# Real headlines are short: of 6,190 scraped Saudi news articles (SaudiNewsNet) none has more than
# 23 words and 99.9 % have at most 16. A first "headline" longer than this is the first paragraph.
MAX_HEADLINE_WORDS = 25
# A line this long that ends a sentence is a paragraph too (11 of those 6,190 headlines end with a
# full stop, all short).
MAX_SENTENCE_HEADLINE_WORDS = 16
# A title made from the opening: its first sentence when it has at most this many words, else
# this many words cut at a word, with "…".
TITLE_WORDS = 12

_SENTENCE_END = re.compile(r"(?<![.])[.!?؟…](?![.])[\"'”’»)\]]*(?=\s|$)")
_TRAILING = re.compile(r"[\s،,؛;:\-–—(«\"'“]+$")


def is_paragraph(line: str) -> bool:
    """Whether a line taken for a headline is really the text's first paragraph: longer than
    any headline, or a long sentence.

    >>> is_paragraph("بوتين يشيد بمشاركة كوريا الشمالية في معركة كورسك")
    False
    >>> is_paragraph("أعلنت الحكومة اليوم عن خطة جديدة لدعم المزارعين في المناطق الريفية "
    ...              "بعد موسم جفاف طويل أضر بالمحاصيل.")
    True
    """
    words = len(line.split())
    if words > MAX_HEADLINE_WORDS:
        return True
    return words > MAX_SENTENCE_HEADLINE_WORDS and bool(_SENTENCE_END.search(line.rstrip()))


def opening_words(text: str, limit: int = TITLE_WORDS) -> str:
    """A title from the start of ``text``: its first sentence if that has at most ``limit``
    words (without its final full stop), else its first ``limit`` words cut at a word, with "…".

    >>> opening_words("قال الوزير إن الخطة جاهزة. وأضاف أن التنفيذ يبدأ غدا في كل المحافظات.")
    'قال الوزير إن الخطة جاهزة'
    >>> opening_words("وأضاف المتحدث باسم الوزارة، في مؤتمر صحافي عقده مساء أمس في العاصمة، أن", 8)
    'وأضاف المتحدث باسم الوزارة، في مؤتمر صحافي عقده…'
    """
    text = " ".join(text.split())
    end = _SENTENCE_END.search(text)
    if end is not None:
        first = text[: end.start()].strip()
        if first and len(first.split()) <= limit:
            return _TRAILING.sub("", first) if text[end.start()] == "." else text[: end.end()]
    words = text.split()
    if len(words) <= limit:
        return text
    return _TRAILING.sub("", " ".join(words[:limit])) + "…"
