"""The transcript: the prepared script exactly as spoken, for proofreading and the USLT frame."""

from __future__ import annotations

from newsaudio.textprep import PreparedScript


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
