"""``newsaudio proof``: the words text preparation is unsure of, heard and fixed — in a browser,
or from the command line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from newsaudio.cli.options import (
    ConfigOption,
    DebugOption,
    OutOption,
    VoiceOption,
    err,
    handled_errors,
)


def proof(
    episode: Annotated[
        str,
        typer.Argument(
            help="The episode's slug (see `newsaudio episodes`), or the article it was rendered "
            "from (a file or a URL).",
            show_default=False,
        ),
    ],
    out: OutOption = Path("output"),
    list_words: Annotated[
        bool,
        typer.Option(
            "--list",
            help="Print the words to check, numbered, with their sentence and "
            "numbered alternatives; no server.",
        ),
    ] = False,
    as_json: Annotated[
        bool, typer.Option("--json", help="With --list: the page's JSON view of the episode.")
    ] = False,
    fix: Annotated[
        list[str] | None,
        typer.Option(
            "--fix",
            help="WORD=FORM: speak WORD (a number --list gives, or a word of the script) as "
            "FORM (the voweled form, or the number of one of its alternatives), and render the "
            "episode again. May be given more than once.",
            show_default=False,
        ),
    ] = None,
    scope: Annotated[
        str,
        typer.Option(
            "--scope",
            help="Where --fix applies: sentence (the one it is in), article, or all (every "
            "article: the project lexicon).",
        ),
    ] = "sentence",
    voice: VoiceOption = None,
    config_path: ConfigOption = None,
    debug: DebugOption = False,
) -> None:
    """Proofread an episode: its uncertain words, each heard in its sentence, fixed in seconds.

    Serves the proofing page on 127.0.0.1 (a random port and token; Ctrl-C stops it) and prints
    its address. With --list, prints the words to check; with --fix, applies corrections and
    renders the episode again (only the sentences that changed are spoken again).

    Example: newsaudio proof kursk-ar --fix 2=1 --out output
    """
    from newsaudio.config import load_config
    from newsaudio.proofing.episode import open_episode

    with handled_errors(debug):
        config = load_config(config_path)
        proofed = open_episode(out, episode, config, voice)
        if fix:
            from newsaudio.proofing.fixes import render_with, resolve

            corrections = [
                resolve(proofed, *_word_form(item), scope)  # type: ignore[arg-type]
                for item in fix
            ]
            applied = render_with(proofed, corrections)
        elif not list_words:
            from newsaudio.proofing.server import ProofServer

            server = ProofServer(proofed)
    if fix:
        count = len(applied.corrections)
        typer.echo(
            f"{out / proofed.episode.audio_file}: {count} correction{'s' * (count != 1)}, "
            f"{applied.synthesized} sentence{'s' * (applied.synthesized != 1)} spoken again "
            f"({len(applied.changed)} changed)"
        )
        return
    if list_words:
        from newsaudio.proofing.view import list_text, proof_view

        if as_json:
            typer.echo(json.dumps(proof_view(proofed), ensure_ascii=False, indent=2))
        else:
            typer.echo(list_text(proofed))
        return
    with server:
        typer.echo(f"Proofing {proofed.episode.slug} at {server.url} (Ctrl-C to stop)")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            err.print("Stopped.", markup=False)


def _word_form(item: str) -> tuple[str, str]:
    """``WORD=FORM`` split; a usage error without the ``=``."""
    word, sign, form = item.partition("=")
    if not sign or not word.strip() or not form.strip():
        raise typer.BadParameter(f"{item!r}: give WORD=FORM, e.g. --fix 2=1", param_hint="--fix")
    return word, form
