"""Sentence splitting, so the diacritizer and the engine get sentence-sized input.

Sentence-sized input keeps the diacritizer's memory and time flat: the model's cost grows with the
square of its input's length, so a paragraph with no full stop (scraped text stripped of its
punctuation, a transcript) would be one sentence of tens of thousands of characters — 1.2 GB and
5.6 minutes for 53,000 characters — and it lets synthesis put a measured pause between sentences.
A sentence is cut at its sentence-final marks; one still longer than :data:`MAX_WORDS` words (or
:data:`MAX_CHARS` characters) is cut again where a reader would pause: after a comma or a colon,
else before a word that opens a clause ("ثم", "وأضاف", "الذي"), else before the conjunction و,
else between any two words. So every piece is bounded and the work is linear in the article.
"""

from __future__ import annotations

import re
from functools import cache

from newsaudio.resources import data_toml
from newsaudio.textprep.diacritize import strip_marks

# Split after a sentence-final mark (and any closing quotes/brackets that follow it).
_BOUNDARY = re.compile(r"(?<=[.!?؟…؛])[\"'”’»)\]]*\s+")
# A "sentence" longer than this is cut again at its pauses; run-on scraped text is common. Each cut
# costs the diacritizer the context across it: on WikiNews without its punctuation, pieces of at
# most 45 words made 2.58 % DER and 10.7 % WER, 80 words 2.46 % and 10.2 %, as good as whole
# lines (benchmarks/diacritization.py --split --no-punctuation), at the same speed and memory.
MAX_WORDS = 80
# And one of fewer words but longer than this (long compounds, words run together): 80 words of
# news average 470 characters.
MAX_CHARS = 800
_PAUSE_AFTER = re.compile(r"[،,؛;:–—]$")
_SPEAKABLE = re.compile(r"[^\W\d_]")  # a letter, in any script

# How good a place to cut is, before a word: after a pause mark, before a clause opener, before
# the conjunction و, anywhere.
_PAUSE, _OPENER, _CONJUNCTION, _ANYWHERE = 3, 2, 1, 0


def split_sentences(text: str) -> list[str]:
    """Sentences of a normalized paragraph, in order, none empty, none over :data:`MAX_WORDS`
    words or :data:`MAX_CHARS` characters.

    >>> split_sentences("قال إنه مستعد. وأضاف: نعم؟ ثم غادر")
    ['قال إنه مستعد.', 'وأضاف: نعم؟', 'ثم غادر']
    >>> split_sentences("... ؟")
    []
    """
    sentences: list[str] = []
    for match in _split_keep_closers(text):
        sentence = match.strip()
        if not _SPEAKABLE.search(sentence):
            continue  # punctuation left over from removed symbols: nothing to say
        words = sentence.split()
        if len(words) > MAX_WORDS or len(sentence) > MAX_CHARS:
            sentences.extend(" ".join(piece) for piece in _pieces(words))
        else:
            sentences.append(sentence)
    return sentences


def _split_keep_closers(text: str) -> list[str]:
    parts: list[str] = []
    start = 0
    for m in _BOUNDARY.finditer(text):
        # Closing quotes/brackets stay with the sentence they close.
        closers = m.group(0).rstrip()
        parts.append(text[start : m.start()] + closers)
        start = m.end()
    parts.append(text[start:])
    return parts


def _pieces(words: list[str]) -> list[list[str]]:
    """``words`` in pieces of at most MAX_WORDS words and MAX_CHARS characters, each cut at the
    best place within reach: the strongest kind of pause, the latest of that kind (long pieces).
    A single word over MAX_CHARS characters is cut into pieces of that length."""
    pieces: list[list[str]] = []
    words = [part for word in words for part in _chunks(word)]
    while _too_long(words):
        reach, length = 1, len(words[0])
        while reach < min(len(words), MAX_WORDS) and length + 1 + len(words[reach]) <= MAX_CHARS:
            length += 1 + len(words[reach])
            reach += 1
        # Cut before words[cut], 1 <= cut <= reach: the strongest place, the latest of its kind.
        cut = max(range(1, reach + 1), key=lambda i: (_strength(words, i), i))
        pieces.append(words[:cut])
        words = words[cut:]
    if words:
        pieces.append(words)
    return pieces


def _too_long(words: list[str]) -> bool:
    return len(words) > MAX_WORDS or sum(len(w) + 1 for w in words) - 1 > MAX_CHARS


def _chunks(word: str) -> list[str]:
    return [word[i : i + MAX_CHARS] for i in range(0, len(word), MAX_CHARS)]


def _strength(words: list[str], i: int) -> int:
    """How good a place to pause it is between ``words[i - 1]`` and ``words[i]``."""
    if _PAUSE_AFTER.search(words[i - 1]):
        return _PAUSE
    if i == len(words):
        return _ANYWHERE
    word = strip_marks(words[i])
    openers, prefixes = _clause_words()
    if word in openers:
        return _OPENER
    if word.startswith(prefixes):
        return _CONJUNCTION
    return _ANYWHERE


@cache
def _clause_words() -> tuple[frozenset[str], tuple[str, ...]]:
    data = data_toml("sentences.toml")
    return frozenset(data["openers"]), tuple(data["conjunction_prefixes"])
