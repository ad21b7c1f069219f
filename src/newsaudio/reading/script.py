"""Stage 2: the spoken script — which blocks are spoken, in which segment, in which order.

A script is a list of segments: the headline (with the lead paragraphs, if any), one segment per
subheading section, and a closing sign-off. Each segment becomes one chapter of the episode.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from typing import Literal

from newsaudio.reading.article import Article
from newsaudio.resources import data_toml

# "paragraph": a navigation point newsaudio made in a long chapter, at a paragraph, titled by
# its opening words (see publishing/navigation.py); never in a script as built here.
SegmentKind = Literal["headline", "section", "closing", "paragraph"]


@dataclass(frozen=True)
class Segment:
    """One chapter of speech.

    ``blocks`` are spoken in order with a short pause between them: for a section the subheading is
    the first block, so it is heard, then a pause, then its paragraphs. ``spoken_title``: whether
    the first block is the title; a title newsaudio made from the text (an article without a
    headline, a navigation point) is shown, not spoken, and the blocks are the text alone.
    """

    kind: SegmentKind
    title: str
    blocks: tuple[str, ...]
    spoken_title: bool = True


@dataclass(frozen=True)
class Script:
    """The segments of one episode, in spoken order."""

    article: Article
    segments: tuple[Segment, ...]


@cache
def _phrases() -> dict[str, dict[str, str]]:
    return data_toml("phrases.toml")


def closing_text(source: str | None) -> str:
    """The fixed sign-off, naming the source when it is known."""
    closing = _phrases()["closing"]
    return closing["with_source"].format(source=source) if source else closing["without_source"]


def paragraph_label() -> str:
    """The word that marks a navigation point made at a paragraph ("فقرة"), where a format has
    room for it."""
    return _phrases()["titles"]["paragraph"]


def build_script(article: Article) -> Script:
    """Headline segment, one segment per section, closing segment."""
    if article.untitled:
        segments = [Segment("headline", article.headline, article.lead, spoken_title=False)]
    else:
        segments = [Segment("headline", article.headline, (article.headline, *article.lead))]
    segments += [
        Segment("section", section.heading, (section.heading, *section.paragraphs))
        for section in article.sections
    ]
    segments.append(
        Segment("closing", _phrases()["titles"]["closing"], (closing_text(article.meta.source),))
    )
    return Script(article, tuple(segments))
