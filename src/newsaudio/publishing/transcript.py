"""Side files of an episode: the transcript (the prepared script exactly as spoken, for
proofreading and the USLT frame) and Podcasting 2.0 JSON chapters."""

from __future__ import annotations

import json

from newsaudio.audio.segments import ChapterMark
from newsaudio.textprep import PreparedScript

# https://github.com/Podcastindex-org/podcast-namespace (chapters/jsonChapters.md)
JSON_CHAPTERS_VERSION = "1.2.0"


def format_transcript(prepared: PreparedScript) -> str:
    """One block per segment: its chapter number and title, then its spoken text.

    The text is what the engine was given (normalized, numbers in words, diacritized), so a
    proofreader sees exactly what a listener hears.
    """
    blocks = [
        f"[{number}] {segment.title}\n{segment.text}"
        for number, segment in enumerate(prepared.segments, start=1)
    ]
    return "\n\n".join(blocks) + "\n"


# A navigation point made at a paragraph (not a heading the author wrote) says so in a key of our
# own; apps ignore keys the format does not define.
PARAGRAPH_KEY = "newsaudio:paragraph"


def format_json_chapters(chapters: tuple[ChapterMark, ...]) -> str:
    """Podcasting 2.0 JSON chapters (``application/json+chapters``), times in seconds: for apps
    that read the feed's ``podcast:chapters`` rather than the MP3's ID3 chapter frames."""
    entries: list[dict[str, object]] = []
    for c in chapters:
        entry: dict[str, object] = {
            "startTime": c.start_ms / 1000,
            "endTime": c.end_ms / 1000,
            "title": c.title,
        }
        if c.paragraph:
            entry[PARAGRAPH_KEY] = True
        entries.append(entry)
    document = {"version": JSON_CHAPTERS_VERSION, "chapters": entries}
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
