"""Withdrawn episodes: out of the feed and the listening page, their files kept.

A publisher that takes an article down (its page answers 404 or 410) wants its audio gone from
what listeners see, at once; the files stay in the folder until someone decides (`newsaudio
episodes remove`), as a takedown can be a mistake. A withdrawn episode is a row of its own table
in the folder's catalog, so the episode itself (its row, its files, its record) is untouched and
placing it again (a new render of the article) publishes it again.
"""

from __future__ import annotations

from datetime import datetime, timezone

from newsaudio.publishing.catalog import Catalog, has_table

_TABLE = """
CREATE TABLE IF NOT EXISTS withdrawn (
    slug TEXT PRIMARY KEY,
    reason TEXT NOT NULL,      -- one line: why, as the command said it
    withdrawn TEXT NOT NULL    -- ISO 8601, UTC
)
"""


def withdraw(catalog: Catalog, slug: str, reason: str) -> None:
    """Take ``slug`` out of the feed and the page (from the next feed write on). Call inside
    ``catalog.transaction()``."""
    catalog.execute(_TABLE)
    now = datetime.now(timezone.utc).replace(microsecond=0).isoformat()
    catalog.execute("INSERT OR REPLACE INTO withdrawn VALUES (?, ?, ?)", (slug, reason, now))


def forget(catalog: Catalog, slug: str) -> None:
    """``slug`` is published again (placed anew) or gone (removed). Inside a transaction."""
    if has_table(catalog.execute, "withdrawn"):
        catalog.execute("DELETE FROM withdrawn WHERE slug = ?", (slug,))


def withdrawn_slugs(catalog: Catalog) -> dict[str, str]:
    """The withdrawn episodes' slugs, each with its reason."""
    if not has_table(catalog.execute, "withdrawn"):
        return {}
    return dict(catalog.execute("SELECT slug, reason FROM withdrawn").fetchall())
