"""The articles a command is given: arguments (files, folders, URLs) and ``--from-list`` files."""

from __future__ import annotations

import logging
from pathlib import Path

import typer

log = logging.getLogger(__name__)


def article_sources(articles: list[str], lists: list[Path]) -> list[str]:
    """The articles to read, in order: arguments (a folder gives its article files) and the
    entries of list files."""
    from newsaudio.reading.fetch import is_url, read_list, url_scheme_problem
    from newsaudio.reading.load import article_files

    sources: list[str] = []
    for entry in [*articles, *(e for f in lists for e in read_list(f))]:
        is_folder = not (is_url(entry) or url_scheme_problem(entry)) and Path(entry).is_dir()
        sources += [str(p) for p in article_files(Path(entry))] if is_folder else [entry]
    if not sources:
        raise typer.BadParameter("give article files, folders or URLs, or --from-list FILE")
    return _once(sources)


def _once(sources: list[str]) -> list[str]:
    """``sources`` with each article once, in order: the same file given twice (by two paths, or
    by a glob and a list) would be rendered twice into the one episode."""
    from newsaudio.reading.fetch import is_url

    seen: dict[str, str] = {}
    for source in sources:
        key = source if is_url(source) else str(Path(source).resolve())
        if key in seen:
            log.warning("%s: given more than once; rendered once", source)
            continue
        seen[key] = source
    return list(seen.values())
