"""``newsaudio lexicon``: the project's pronunciation lexicon exported and imported, as TSV or as
W3C PLS 1.0 (what Polly, Azure, ElevenLabs and DAISY Pipeline 2 read)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsaudio.cli.options import ConfigOption, DebugOption, err, handled_errors

app = typer.Typer(
    help="The project's pronunciation lexicon, exported and imported as TSV or W3C PLS 1.0.\n\n"
    "Example: newsaudio lexicon export lexicon.pls",
    no_args_is_help=True,
    rich_markup_mode=None,
)

PLS_SUFFIXES = (".pls", ".xml")
FileArgument = Annotated[
    Path,
    typer.Argument(help="A .tsv file, or a .pls (or .xml) PLS 1.0 file.", dir_okay=False),
]


@app.command("export")
def export(
    file: FileArgument,
    builtin: Annotated[
        bool,
        typer.Option("--builtin", help="Newsaudio's own entries too (the project's win)."),
    ] = False,
    config_path: ConfigOption = None,
    debug: DebugOption = False,
) -> None:
    """Write the project lexicon (lexicon.tsv, or `lexicon = …` in newsaudio.toml) to FILE, as
    TSV or PLS by its suffix.

    Example: newsaudio lexicon export lexicon.pls
    """
    from newsaudio.config import load_config
    from newsaudio.errors import ConfigError
    from newsaudio.files import atomic_path
    from newsaudio.resources import data_text
    from newsaudio.textprep.lexicon import read_entries
    from newsaudio.textprep.pls import to_pls

    with handled_errors(debug):
        config = load_config(config_path)
        project = config.lexicon_file
        if project is None and not builtin:
            raise ConfigError(
                "no project lexicon (lexicon.tsv here, or `lexicon = …` in newsaudio.toml); "
                "--builtin exports newsaudio's own"
            )
        entries = read_entries(data_text("lexicon.tsv"), "lexicon.tsv") if builtin else []
        if project is not None:
            entries += read_entries(_read(project), str(project))
        entries = _latest(entries)
        text = to_pls(entries) if _is_pls(file) else _tsv(entries)
        try:
            with atomic_path(file) as tmp:
                tmp.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{file}: cannot write ({exc.strerror or exc})") from exc
    typer.echo(f"{file}: {len(entries)} entries")


@app.command("import")
def import_(
    file: FileArgument,
    config_path: ConfigOption = None,
    debug: DebugOption = False,
) -> None:
    """Add FILE's entries (TSV, or PLS by its suffix) to the project lexicon, each replacing an
    entry of the same word. A PLS entry newsaudio cannot use (only a phoneme transcription,
    another language, an alias not in Arabic letters) is left out with a warning.

    Example: newsaudio lexicon import names.pls
    """
    from newsaudio.config import load_config
    from newsaudio.textprep.lexicon import add_entries, read_entries
    from newsaudio.textprep.pls import from_pls

    with handled_errors(debug):
        config = load_config(config_path)
        if _is_pls(file):
            read = from_pls(_read_bytes(file), str(file))
            entries, warnings = read.entries, read.warnings
        else:
            entries, warnings = read_entries(_read(file), str(file)), []
        for warning in warnings:
            err.print(f"Warning: {warning}", markup=False)
        target = config.lexicon_target
        if entries:
            add_entries(target, dict(entries))  # a later entry of a word wins
    left = f" ({len(warnings)} left out)" if warnings else ""
    typer.echo(f"{target}: {len(entries)} entries from {file}{left}")


def _is_pls(file: Path) -> bool:
    return file.suffix.lower() in PLS_SUFFIXES


def _read_bytes(file: Path) -> bytes:
    from newsaudio.errors import ConfigError

    try:
        return file.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{file}: cannot read ({exc.strerror or exc})") from exc


def _read(file: Path) -> str:
    from newsaudio.errors import ConfigError

    try:
        return _read_bytes(file).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{file}: not UTF-8 text ({exc})") from exc


def _latest(entries: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """One entry per written form, the last given, in the order of first appearance."""
    return list(dict(entries).items())


def _tsv(entries: list[tuple[str, str]]) -> str:
    return "".join(f"{written}\t{spoken}\n" for written, spoken in entries)
