"""The proofing view of an episode: one JSON-ready dict that the page is rendered from, the page's
script reads, ``proof --list --json`` prints and scripts use; and ``--list``'s plain text.
"""

from __future__ import annotations

import re
from typing import Any

from newsaudio.proofing.episode import ProofEpisode, Sentence, Word
from newsaudio.textprep.corrections import SCOPES
from newsaudio.textprep.words import FLAG_BELOW, WORD_PATTERN

_WORD_SPLIT = re.compile(f"({WORD_PATTERN})")


def proof_view(proof: ProofEpisode) -> dict[str, Any]:
    """Everything the proofing page shows, as plain data."""
    numbers = {w.id: n for n, w in enumerate(proof.flagged, start=1)}
    by_sentence: dict[str, list[Word]] = {}
    for word in proof.words:
        by_sentence.setdefault(word.sentence.id, []).append(word)
    segments: list[dict[str, Any]] = [
        {"kind": s.kind, "title": s.title, "sentences": []} for s in proof.prepared.segments
    ]
    for sentence in proof.sentences:
        words = by_sentence.get(sentence.id, [])
        segments[sentence.segment]["sentences"].append(
            {
                "id": sentence.id,
                "block": sentence.block,
                "spoken": sentence.spoken,
                "shown": sentence.shown,
                "start_ms": sentence.start_ms,
                "end_ms": sentence.end_ms,
                "pieces": _pieces(sentence, words),
                "words": [_word(w, numbers.get(w.id)) for w in words],
            }
        )
    episode = proof.episode
    return {
        "episode": {
            "slug": episode.slug,
            "title": episode.title,
            "guid": episode.guid,
            "audio": episode.audio_file,
            "revision": proof.revision,
        },
        "flag_below": FLAG_BELOW,
        "to_check": len(numbers),
        "words": len(proof.words),
        "flagged": list(numbers),
        "scopes": list(SCOPES),
        "corrections": [
            {"written": c.written, "spoken": c.spoken, "scope": c.scope, "sentence": c.sentence}
            for c in proof.corrections
        ],
        "segments": segments,
    }


def _word(word: Word, number: int | None) -> dict[str, Any]:
    spoken = word.word
    return {
        "id": word.id,
        "index": word.index,
        "sentence": word.sentence.id,
        "spoken": spoken.spoken,
        "written": spoken.written,
        "confidence": round(spoken.confidence, 3),
        "alternatives": list(spoken.alternatives),
        "decided_by": spoken.decided_by,
        "flagged": number is not None,
        "number": number,
        "corrected": word.corrected,
    }


def _pieces(sentence: Sentence, words: list[Word]) -> list[dict[str, Any]]:
    """The spoken sentence as text between words and the words (by id), in order."""
    pieces: list[dict[str, Any]] = []
    for i, token in enumerate(_WORD_SPLIT.split(sentence.spoken)):
        if i % 2 and i // 2 < len(words):
            pieces.append({"word": words[i // 2].id})
        elif token:
            pieces.append({"text": token})
    return pieces


def list_text(proof: ProofEpisode) -> str:
    """``proof --list``: each flagged word, numbered, with its sentence and its alternatives."""
    flagged = proof.flagged
    head = (
        f"{proof.episode.slug}: {len(flagged)} words to check (of {len(proof.words)}; flagged "
        f"below {FLAG_BELOW:.0%} confidence)"
    )
    lines = [head]
    titles = [s.title for s in proof.prepared.segments]
    for number, word in enumerate(flagged, start=1):
        sentence = word.sentence
        marked = _marked(sentence.spoken, word.index)
        lines.append(
            f"{number}. {word.word.spoken}  ({word.word.confidence:.0%}; "
            f"{titles[sentence.segment]}, sentence {_ordinal(proof, sentence)})"
        )
        lines.append(f"   {marked}")
        alternatives = "  ".join(
            f"{n}) {form}" for n, form in enumerate(word.word.alternatives, start=1)
        )
        lines.append(f"   {alternatives or '(no alternatives)'}")
    return "\n".join(lines)


def _ordinal(proof: ProofEpisode, sentence: Sentence) -> int:
    """The sentence's number within its segment, from 1."""
    same = [s for s in proof.sentences if s.segment == sentence.segment]
    return same.index(sentence) + 1


def _marked(spoken: str, index: int) -> str:
    """The sentence with word ``index`` in brackets."""
    tokens = _WORD_SPLIT.split(spoken)
    position = 2 * index + 1
    if position < len(tokens):
        tokens[position] = f"[{tokens[position]}]"
    return "".join(tokens)
