"""The names an episode's files take in the output folder.

Every file is named after the episode's slug — ``نشرة-الصباح-2026-12-05.mp3`` — except the DAISY
fileset, which a listener copies to a DAISY player's SD card: hardware players and the FAT cards
they read expect ASCII names, so its folder, its zip and the files inside are named by the slug
transliterated (``data/transliteration.toml``), with four hex digits of the slug's hash when the
transliteration changed it: two slugs that transliterate alike (ص and س are both "s") never share
a folder.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import cache

from newsaudio.publishing.daisy import DAISY_SUFFIX, DAISY_ZIP_SUFFIX
from newsaudio.resources import data_toml

# Arabic-Indic and Persian digits as ASCII digits.
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_NOT_NAME = re.compile(r"[^a-z0-9]+")
MAX_NAME_CHARS = 64


@cache
def _letters() -> dict[int, str]:
    return {ord(k): v for k, v in data_toml("transliteration.toml")["letters"].items()}


def ascii_name(slug: str) -> str:
    """``slug`` as an ASCII file name: letters a–z, digits and hyphens.

    >>> ascii_name("kursk-ar")
    'kursk-ar'
    >>> ascii_name("نشرة-الصباح-2026-12-05")
    'nshra-alsbah-2026-12-05-3918'
    """
    # Letters first: NFKD would take the hamza off أ ؤ ئ (and off "ؤ" its own transliteration).
    text = unicodedata.normalize("NFKD", slug.translate(_DIGITS).translate(_letters()))
    name = _NOT_NAME.sub("-", text.encode("ascii", "ignore").decode().lower()).strip("-")
    if name == slug:
        return name
    name = name[:MAX_NAME_CHARS].rsplit("-", 1)[0] if len(name) > MAX_NAME_CHARS else name
    digest = hashlib.sha256(slug.encode()).hexdigest()[:4]
    return f"{name or 'book'}-{digest}"


def placed_name(slug: str, suffix: str) -> str:
    """The name of the episode ``slug``'s file with ``suffix`` in the output folder."""
    if suffix in (DAISY_SUFFIX, DAISY_ZIP_SUFFIX):
        return f"{ascii_name(slug)}{suffix}"
    return f"{slug}{suffix}"
