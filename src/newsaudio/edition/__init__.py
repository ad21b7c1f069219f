"""Editions: several articles as one publication — a talking newspaper.

An edition is one episode (one MP3 in the feed and on the page) whose chapters are grouped by
article, with its talking book: an EPUB 3 with Media Overlays and a DAISY 2.02 fileset. Its
spoken structure (the voice profile's ``spoken_structure``, on by default) is an opening that says
the title, the date, how many articles and how long, "الخبر الثالث من سبعة" before each headline,
and a closing.

How it is made, within the time and memory of rendering the articles as episodes:

1. Every article is read (in worker processes with ``jobs`` > 1), then each is prepared, spoken
   and **mastered on its own** into an untagged MP3 piece, at the podcast loudness as an episode
   is, announced by its place among the articles that could be read; the closing too. Memory
   follows one segment, as in a render.
2. The opening is spoken last, when the length it announces is known: it is spoken again if its
   own length changes the minutes it says (rarely; at most a few times).
3. The edition's MP3 is the pieces' MPEG frames in spoken order, a segment pause of silence frames
   between them (see :mod:`newsaudio.audio.frames`): nothing is decoded or encoded again, and a
   piece's chapter and sentence times move by exactly the frames before it.
4. The tag (top CTOC → a CTOC per article → a CHAP per section), captions, chapters, transcript and
   the book's files are staged beside it and the episode is published as a render publishes one.

An article that cannot be read or spoken is left out with its one line and exit code, and the
edition is made from the others, as a batch renders the articles it can (``strict``: the edition
is refused, and the output folder is left as it was).
"""

from newsaudio.edition.pieces import EditionError, EditionJob, EditionResult
from newsaudio.edition.render import render_edition

__all__ = ["EditionError", "EditionJob", "EditionResult", "render_edition"]
