"""What a follow run is given and what it gives back: the job, the events it tells as they
happen, and its result (with the exit code ``render`` would end with)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from newsaudio.errors import EXIT_FAILED, EXIT_OK
from newsaudio.follow.plan import DEFAULT_BACKFILL
from newsaudio.follow.polite import DEFAULT_DELAY_S
from newsaudio.reading.feed_fetch import FEED_POLICY
from newsaudio.reading.fetch import FetchPolicy

if TYPE_CHECKING:  # a run that finds nothing new loads neither voices nor text preparation
    from newsaudio.config import Config
    from newsaudio.speech.voices import VoiceProfile

# Long enough to absorb the corrections of the first minutes after publishing.
DEFAULT_SETTLE_S = 600.0


@dataclass(frozen=True)
class FollowJob:
    """What a run follows with: where episodes go, how they are spoken, how politely."""

    out_dir: Path
    profile: VoiceProfile
    config: Config
    use_cache: bool = True
    jobs: int = 1
    scheduler: str | None = None
    backfill: int = DEFAULT_BACKFILL
    delay_s: float = DEFAULT_DELAY_S
    settle_s: float = DEFAULT_SETTLE_S
    edition: bool = False
    page_policy: FetchPolicy = field(default_factory=FetchPolicy)
    feed_policy: FetchPolicy = FEED_POLICY


EventKind = Literal["rendered", "withdrawn", "note", "error"]


@dataclass(frozen=True)
class Event:
    """Something a run did or found, as one line."""

    kind: EventKind
    text: str
    # For a rendered episode: its MP3, chapters and length, as ``render`` reports them.
    audio: Path | None = None
    chapters: int = 0
    duration_s: float = 0.0


@dataclass
class RunResult:
    """What a run did, and the exit code it ends with."""

    rendered: int = 0
    updated: int = 0
    withdrawn: int = 0
    failures: list[int] = field(default_factory=list)  # each failure's exit code
    successes: int = 0

    @property
    def exit_code(self) -> int:
        """As a batch's: 0; else the one kind of failure when nothing went well; else 1."""
        if not self.failures:
            return EXIT_OK
        if len(set(self.failures)) == 1 and not self.successes:
            return self.failures[0]
        return EXIT_FAILED

    @property
    def changed(self) -> bool:
        return bool(self.rendered or self.updated or self.withdrawn)
