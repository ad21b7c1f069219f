"""Sentence splitting, so the diacritizer and the engine get sentence-sized input.

Sentence-sized input keeps the diacritizer's memory flat (it grows with line length) and lets the
synthesis stage put a measured pause between sentences.
"""

from __future__ import annotations

import re

# Split after a sentence-final mark (and any closing quotes/brackets that follow it).
_BOUNDARY = re.compile(r"(?<=[.!?؟…؛])[\"'”’»)\]]*\s+")
# A "sentence" longer than this is split at commas too; run-on scraped text is common.
MAX_WORDS = 45
_COMMA = re.compile(r"(?<=[،,])\s+")
_SPEAKABLE = re.compile(r"[^\W\d_]")  # a letter, in any script


def split_sentences(text: str) -> list[str]:
    """Sentences of a normalized paragraph, in order, none empty.

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
        if len(sentence.split()) > MAX_WORDS:
            sentences.extend(_split_long(sentence))
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


def _split_long(sentence: str) -> list[str]:
    """Group comma-separated clauses into pieces of at most MAX_WORDS words."""
    pieces: list[str] = []
    current: list[str] = []
    for clause in _COMMA.split(sentence):
        words = clause.split()
        if current and len(current) + len(words) > MAX_WORDS:
            pieces.append(" ".join(current))
            current = []
        current.extend(words)
    if current:
        pieces.append(" ".join(current))
    return pieces
