"""Which edition a render makes: a new one, or (``--replace``) the latest of the same title and
day again.

Podcast apps know an item by its GUID: one that replaced the morning's bulletin under the same
GUID and date would never be fetched by the apps that had the morning's. So the same title on the
same day is a new edition — its own slug (``نشرة-الصباح-2026-12-05-2``), identity, GUID and book
identifier — unless the producer asks to replace the latest one; a replaced edition whose audio
changed is then published as new (a new GUID and date, see ``StagedEpisode.renews``), and one
whose audio is the same keeps both.
"""

from __future__ import annotations

import uuid
from dataclasses import replace

from newsaudio.edition.pieces import EditionJob
from newsaudio.publishing.catalog import CATALOG_FILE, Catalog
from newsaudio.publishing.episode import EDITION_IDENTITY, Episode


def _of_title_and_day(episode: Episode, base: str) -> bool:
    identity = episode.identity or ""
    own = f"{EDITION_IDENTITY}{base}"
    # Editions made before numbering have the bare identity.
    return identity == own or identity.startswith(f"{own}:")


def named(job: EditionJob) -> EditionJob:
    """``job`` with its slug and identity settled against the output folder's catalog."""
    base = job.base_slug
    episodes = _episodes(job)
    same = [e for e in episodes if _of_title_and_day(e, base)]
    if job.replace and same:
        latest = max(same, key=lambda e: (e.rendered or e.pub_date, e.slug))
        return replace(job, slug=latest.slug, identity=latest.identity or "")
    taken = {e.slug for e in episodes}
    slug, number = base, 1
    while slug in taken or (job.out_dir / f"{slug}.mp3").exists():
        number += 1
        slug = f"{base}-{number}"
    # EDITION_IDENTITY, the title-and-day slug, then ":" and what makes it one of several.
    return replace(job, slug=slug, identity=f"{EDITION_IDENTITY}{base}:{uuid.uuid4().hex}")


def _episodes(job: EditionJob) -> list[Episode]:
    """The folder's episodes; none in a folder without a catalog (a new one: nothing to number
    against, and nothing is written there before the edition is made)."""
    if not (job.out_dir / CATALOG_FILE).is_file():
        return []
    with Catalog.open(job.out_dir) as catalog:
        return catalog.episodes()
