"""Where each episode's article was read from, kept out of the published folder.

The output folder is made to be served, and its catalog and episode records used to hold the
absolute path of each input file (user names, folder layout). They now hold the article's
identity: its URL, or for a file a hash of its path (``reading.article.public_identity``). The
path itself goes to the user's cache folder (``origins/``, beside the sentence cache), so that
re-rendering an episode from its source (proofing) can still find it: :func:`article_source`.
Losing it (a new machine, a deleted cache) loses only that convenience: the article can be named
again, and its identity still makes a re-render replace its episode.
"""

from __future__ import annotations

import hashlib
import json
import logging
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import url2pathname

from newsaudio.config import cache_folder
from newsaudio.files import atomic_path
from newsaudio.publishing.episode import Episode
from newsaudio.reading.article import public_identity

log = logging.getLogger(__name__)

ORIGINS_FOLDER = "origins"


def remember_origin(identity: str, origin: str) -> None:
    """Note privately that the article known as ``identity`` was read from the local file
    ``origin`` (a ``file:`` URI). URLs need no note: a URL identity is where it came from. A
    failure (a read-only cache) is logged, never the render's."""
    if not origin.startswith("file:"):
        return
    try:
        with atomic_path(_record(identity)) as tmp:
            tmp.write_text(json.dumps({"identity": identity, "origin": origin}), encoding="utf-8")
    except OSError as exc:
        log.warning("%s: cannot note where %s came from (%s)", cache_folder(), identity, exc)


def article_source(episode: Episode) -> str | None:
    """Where ``episode``'s article can be read again: a file path (from this machine's private
    note) or a URL; None when neither is known (an edition, a file rendered elsewhere)."""
    identity = episode.identity or ""
    try:
        noted = json.loads(_record(identity).read_text(encoding="utf-8"))
        return url2pathname(urlparse(noted["origin"]).path)
    except (OSError, ValueError, KeyError, TypeError):
        pass
    return identity if identity.startswith(("http://", "https://")) else None


def private_identity(identity: str) -> bool:
    """Whether ``identity`` is one an earlier version published: a local file's URI."""
    return public_identity(identity) != identity


def _record(identity: str) -> Path:
    name = hashlib.sha256(identity.encode("utf-8")).hexdigest()
    return cache_folder() / ORIGINS_FOLDER / name[:2] / f"{name}.json"
