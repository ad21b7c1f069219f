"""``newsaudio text``: the prepared (diacritized) script, without synthesis, for proofreading."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from newsaudio.cli.options import ConfigOption, DebugOption, VoiceOption, handled_errors


def text(
    article: Annotated[
        str, typer.Argument(help="Article file (scraped text, Markdown or HTML) or a page URL.")
    ],
    as_json: Annotated[
        bool, typer.Option("--json", help="Print a JSON list of {kind, title, text}.")
    ] = False,
    explain: Annotated[
        bool, typer.Option("--explain", help="Show which rules and lexicon entries changed what.")
    ] = False,
    voice: VoiceOption = None,
    config_path: ConfigOption = None,
    debug: DebugOption = False,
) -> None:
    """Print the prepared script (diacritized) without synthesizing, for proofreading.

    The text is exactly what the engine is given; the voice profile decides the case endings.

    Example: newsaudio text examples/kursk-ar.txt --explain
    """
    from newsaudio.config import load_config
    from newsaudio.pipeline import prepare_article
    from newsaudio.speech.voices import load_voice

    with handled_errors(debug):
        config = load_config(config_path)
        prepared = prepare_article(article, load_voice(voice or config.voice), config)
    if as_json:
        rows = [{"kind": s.kind, "title": s.title, "text": s.text} for s in prepared.segments]
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    for number, segment in enumerate(prepared.segments, start=1):
        typer.echo(f"[{number}] {segment.kind}: {segment.title}\n{segment.text}\n")
        if explain:
            for change in segment.changes:
                typer.echo(f"    {change.rule}: {change.before.strip()} → {change.after.strip()}")
            typer.echo("")
