"""Raise any error inside a worker process, where batches and editions read their articles.

Usage: python worker_faults.py (batch|edition) OUT ARTICLE...   -> the outcomes, as JSON
       python worker_faults.py cli newsaudio-arguments...        -> the command line

An article named ``raise-NAME.md`` raises NAME when it is read: a class of ``newsaudio.errors``,
``disk-full`` (OSError ENOSPC), ``bug`` (RuntimeError) or ``opaque`` (an exception that cannot
be rebuilt from its arguments, as some libraries' cannot); ``late-NAME.md`` raises it when an
edition speaks the article, after every article was read. The patch is made at import, outside
the ``__main__`` guard: worker processes are spawned, and each imports this script again as
``__mp_main__`` before it runs a task, so the patch holds in every worker. Used by
tests/test_worker_errors.py.
"""

from __future__ import annotations

import errno
import inspect
import json
import sys
from datetime import date
from pathlib import Path
from typing import Any

import newsaudio.edition.render
import newsaudio.pipeline
from newsaudio import errors
from newsaudio.edition.pieces import EditionJob, Piece
from newsaudio.reading.article import Article

PREFIX = "raise-"
LATE = "late-"
_real_load_source = newsaudio.pipeline.load_source
_real_speak_article = newsaudio.edition.render.speak_article


class Opaque(Exception):
    """An exception pickle cannot rebuild: its constructor takes a keyword only."""

    def __init__(self, *, detail: str) -> None:
        super().__init__(detail)


def error_classes() -> dict[str, type[errors.NewsaudioError]]:
    """Every error class of ``newsaudio.errors``, by name."""
    return {
        name: cls
        for name, cls in inspect.getmembers(errors, inspect.isclass)
        if issubclass(cls, errors.NewsaudioError) and cls.__module__ == errors.__name__
    }


def make_error(name: str, source: str) -> Exception:
    if name == "disk-full":
        return OSError(errno.ENOSPC, "No space left on device", source)
    if name == "bug":
        return RuntimeError("raised in a worker")
    if name == "opaque":
        return Opaque(detail="raised in a worker")
    cls = error_classes()[name]
    if cls is errors.ArticleError:
        return errors.ArticleError(source, "raised in a worker")
    return cls(f"{source}: raised in a worker")


def _faulty_load_source(source: newsaudio.pipeline.Source, *args: Any) -> Article:
    # The patch holds for the whole test session (made at import): the signature is kept.
    name = Path(newsaudio.pipeline.source_name(source)).stem
    if name.startswith(PREFIX):
        raise make_error(name.removeprefix(PREFIX), str(source))
    return _real_load_source(source, *args)


def _faulty_speak_article(article: Article, number: int, total: int, job: EditionJob) -> Piece:
    name = Path(article.source).stem
    if name.startswith(LATE):
        raise make_error(name.removeprefix(LATE), article.source)
    return _real_speak_article(article, number, total, job)


newsaudio.pipeline.load_source = _faulty_load_source
newsaudio.edition.render.load_source = _faulty_load_source
newsaudio.edition.render.speak_article = _faulty_speak_article


def _batch(out: Path, sources: list[str]) -> object:
    from newsaudio.batch import Job, run_local
    from newsaudio.config import Config
    from newsaudio.speech.voices import load_voice

    outcomes = run_local(sources, Job(out, load_voice(), Config()), 2, lambda _outcome: None)
    return [[o.source, o.error, o.exit_code] for o in outcomes]


def _edition(out: Path, sources: list[str]) -> object:
    from newsaudio.config import Config
    from newsaudio.edition import EditionJob, render_edition
    from newsaudio.speech.voices import load_voice

    job = EditionJob(out, load_voice(), Config(), "نشرة", date(2026, 12, 5))
    result = render_edition(sources, job, jobs=2)
    left_out = [[o.source, o.error, o.exit_code] for o in result.left_out]
    return {"articles": result.articles, "left_out": left_out}


if __name__ == "__main__":
    mode, *rest = sys.argv[1:]
    if mode == "cli":
        from newsaudio.cli import app

        sys.argv = ["newsaudio", *rest]
        app()
    else:
        out, *articles = rest
        run = _batch if mode == "batch" else _edition
        print(json.dumps(run(Path(out), articles), ensure_ascii=False))
