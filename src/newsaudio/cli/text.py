"""``newsaudio text``: the prepared (diacritized) script, without synthesis, for proofreading."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated

import typer

from newsaudio.cli.options import ConfigOption, DebugOption, VoiceOption, handled_errors

if TYPE_CHECKING:
    from newsaudio.textprep import PreparedSegment
    from newsaudio.textprep.words import SpokenWord


def text(
    article: Annotated[
        str, typer.Argument(help="Article file (scraped text, Markdown or HTML) or a page URL.")
    ],
    as_json: Annotated[
        bool,
        typer.Option(
            "--json",
            help="Print a JSON list of {kind, title, text, sentences}: each sentence's words with "
            "their confidence and alternatives.",
        ),
    ] = False,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            help="Show which rules and lexicon entries changed what, and mark the words to check.",
        ),
    ] = False,
    voice: VoiceOption = None,
    config_path: ConfigOption = None,
    debug: DebugOption = False,
) -> None:
    """Print the prepared script (diacritized) without synthesizing, for proofreading.

    The text is exactly what the engine is given; the voice profile decides the case endings.
    With --explain, words the diacritizer is unsure of are marked ⟦like this⟧ and listed with
    their confidence and the other forms they could have, to check by ear.

    Example: newsaudio text examples/kursk-ar.txt --explain
    """
    from newsaudio.config import load_config
    from newsaudio.pipeline import prepare_article
    from newsaudio.speech.voices import load_voice

    with handled_errors(debug):
        config = load_config(config_path)
        prepared = prepare_article(article, load_voice(voice or config.voice), config)
    if as_json:
        rows = [_segment_json(segment) for segment in prepared.segments]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for number, segment in enumerate(prepared.segments, start=1):
        text = _marked_text(segment) if explain else segment.text
        typer.echo(f"[{number}] {segment.kind}: {segment.title}\n{text}\n")
        if explain:
            for change in segment.changes:
                typer.echo(f"    {change.rule}: {change.before.strip()} → {change.after.strip()}")
            for word in _flagged(segment):
                options = "  ".join(f"{n}. {form}" for n, form in enumerate(word.alternatives, 1))
                typer.echo(f"    check: {word.spoken} ({word.confidence:.2f}) → {options or '-'}")
            typer.echo("")


def _segment_json(segment: PreparedSegment) -> dict[str, object]:
    """A segment for ``--json``: its sentences in spoken order, each with its block and words."""
    return {
        "kind": segment.kind,
        "title": segment.title,
        "text": segment.text,
        "sentences": [
            {
                "block": number,
                "text": sentence,
                "words": [{**asdict(word), "flagged": word.flagged} for word in words],
            }
            for number, (block, block_words) in enumerate(
                zip(segment.blocks, segment.words, strict=True)
            )
            for sentence, words in zip(block, block_words, strict=True)
        ],
    }


def _flagged(segment: PreparedSegment) -> list[SpokenWord]:
    return [w for block in segment.words for words in block for w in words if w.flagged]


def _marked_text(segment: PreparedSegment) -> str:
    """The segment's text with the flagged words between ⟦ ⟧ (a sign, not a colour: it reads the
    same on any terminal and to a screen reader)."""
    from newsaudio.textprep.words import word_spans

    lines = []
    for block, block_words in zip(segment.blocks, segment.words, strict=True):
        marked = []
        for sentence, words in zip(block, block_words, strict=True):
            for (start, end), word in reversed(list(zip(word_spans(sentence), words, strict=True))):
                if word.flagged:
                    sentence = f"{sentence[:start]}⟦{sentence[start:end]}⟧{sentence[end:]}"
            marked.append(sentence)
        lines.append(" ".join(marked))
    return "\n".join(lines)
