"""A proofreader's choices made corrections, and the episode rendered again with them.

Every fix is checked before anything is written (a refused one changes nothing). Sentence and
article corrections go into the folder's catalog, every-article ones into the project lexicon;
then the episode is rendered again as ``render`` renders it — the same article, so the same
episode and GUID, its files, feed and page replaced in one step. The sentence cache makes that
quick: only the sentences whose text changed are spoken again, which the render counts. If the
render fails, the corrections it would have used are taken back.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from pathlib import Path

from newsaudio.audio.segments import AudioChunk
from newsaudio.errors import CorrectionError
from newsaudio.files import atomic_path
from newsaudio.pipeline import render_article
from newsaudio.proofing.episode import ProofEpisode, Word, mp3_revision
from newsaudio.publishing.catalog import Catalog
from newsaudio.publishing.corrections import (
    episode_corrections,
    replace_corrections,
    save_corrections,
)
from newsaudio.speech.cache import AudioCache
from newsaudio.textprep.corrections import (
    Correction,
    Scope,
    apply_corrections,
    correction,
    exact_form,
    sentence_key,
)
from newsaudio.textprep.lexicon import add_entries

log = logging.getLogger(__name__)


class StaleEpisode(CorrectionError):
    """The episode changed since the proofreader saw it (another tab, another command)."""


@dataclass(frozen=True)
class Fix:
    """Speak the word ``word`` (a word id of the script) as ``form``, in ``scope``."""

    word: str
    form: str
    scope: Scope = "sentence"


@dataclass(frozen=True)
class Applied:
    """What applying fixes did: the corrections made, the sentences whose spoken text changed,
    and how many sentences the engine spoke (the others came from the cache)."""

    corrections: tuple[Correction, ...]
    changed: tuple[str, ...]
    synthesized: int


class _CountingCache(AudioCache):
    """The sentence cache, counting the sentences it did not have (the engine speaks those)."""

    def __init__(self, folder: Path, max_bytes: int) -> None:
        super().__init__(folder, max_bytes)
        self.misses = 0

    def get(self, key: str) -> AudioChunk | None:
        chunk = super().get(key)
        if chunk is None:
            self.misses += 1
        return chunk


def corrections_for(proof: ProofEpisode, fixes: list[Fix]) -> list[Correction]:
    """The corrections ``fixes`` make, every one checked first: a :class:`CorrectionError` for
    the first that cannot be used, and nothing made."""
    if not fixes:
        raise CorrectionError("nothing to apply: choose a form for a word first")
    made = []
    for fix in fixes:
        word = proof.word(fix.word)
        made.append(
            correction(word.word.written, _form(word, fix.form), fix.scope, word.sentence.spoken)
        )
    return made


def resolve(proof: ProofEpisode, word: str, form: str, scope: Scope) -> Correction:
    """The correction ``WORD=FORM`` asks for on the command line. ``word``: the number of a
    flagged word (as ``--list`` numbers them), or a word or phrase of the script; ``form``: its
    spoken form, or the number of one of the word's alternatives."""
    word, form = word.strip(), form.strip()
    if word.isdigit():
        flagged = proof.flagged
        if not 1 <= int(word) <= len(flagged):
            raise CorrectionError(
                f"{proof.episode.slug}: no flagged word {word} ({len(flagged)} to check; see "
                "--list)"
            )
        found = [flagged[int(word) - 1]]
    else:
        key = sentence_key(word)
        if not key:
            raise CorrectionError(f"{word!r}: not an Arabic word")
        found = _occurrences(proof, key)
        if not found:
            raise CorrectionError(f"{proof.episode.slug}: {word!r} is not in the script")
    places = {w.sentence.id for w in found}
    if scope == "sentence" and len(places) > 1:
        raise CorrectionError(
            f"{proof.episode.slug}: {word!r} is in {len(places)} sentences; give --scope "
            "article, or the number --list shows for the one to correct"
        )
    first = found[0]
    written = word if not word.isdigit() else first.word.written
    if form.isdigit():
        alternatives = first.word.alternatives
        if " " in written or not 1 <= int(form) <= len(alternatives):
            raise CorrectionError(
                f"{written!r} has no alternative {form} ({len(alternatives)} offered; see --list)"
            )
        form = alternatives[int(form) - 1]
    return correction(written, _form(first, form), scope, first.sentence.spoken)


def _form(word: Word, form: str) -> str:
    """``form`` as a correction of ``word``: one of its alternatives, exactly."""
    return exact_form(form) if form.strip() in word.word.alternatives else form


def _occurrences(proof: ProofEpisode, key: str) -> list[Word]:
    """The words of the script where ``key`` (a word or a phrase, as a sentence key) starts."""
    by_sentence: dict[str, list[Word]] = {}
    for word in proof.words:
        by_sentence.setdefault(word.sentence.id, []).append(word)
    count = len(key.split())
    return [
        words[i]
        for words in by_sentence.values()
        for i in range(len(words))
        if sentence_key(" ".join(w.word.spoken for w in words[i : i + count])) == key
    ]


def apply_fixes(proof: ProofEpisode, fixes: list[Fix], revision: str | None = None) -> Applied:
    """Make ``fixes`` corrections of ``proof``'s episode and render it again. ``revision``: the
    episode as the proofreader saw it; a :class:`StaleEpisode` if it changed since."""
    corrections = corrections_for(proof, fixes)
    if revision is not None and revision != mp3_revision(proof.out_dir, proof.episode):
        raise StaleEpisode(
            f"{proof.episode.slug}: the episode changed since this page was loaded (another tab "
            "or command applied corrections); reload it to see them"
        )
    return render_with(proof, corrections)


def render_with(proof: ProofEpisode, corrections: list[Correction]) -> Applied:
    """Keep ``corrections`` (checked) and render the episode again with them."""
    out_dir, slug = proof.out_dir, proof.episode.slug
    lexicon = proof.config.lexicon_target
    everywhere = {c.written: c.spoken for c in corrections if c.scope == "all"}
    old_lexicon = lexicon.read_bytes() if everywhere and lexicon.is_file() else None
    with Catalog.open(out_dir) as catalog, catalog.transaction():
        before = episode_corrections(catalog, slug)
        save_corrections(catalog, slug, corrections)
    user = AudioCache.from_env()
    cache = _CountingCache(user.folder, user.max_bytes)
    try:
        if everywhere:
            add_entries(lexicon, everywhere)
        render_article(
            proof.source.source,
            out_dir,
            proof.profile,
            proof.config,
            cache=cache,
            formats=proof.source.formats,
        )
    except BaseException:
        with Catalog.open(out_dir) as catalog, catalog.transaction():
            replace_corrections(catalog, slug, before)
        if everywhere:
            _restore(lexicon, old_lexicon)
        raise
    log.info("%s: %d corrections, %d sentences spoken again", slug, len(corrections), cache.misses)
    return Applied(tuple(corrections), _changed(proof, corrections), cache.misses)


def _changed(proof: ProofEpisode, corrections: list[Correction]) -> tuple[str, ...]:
    """The sentences ``corrections`` change."""
    made = [in_episode(c) for c in corrections]
    policy = proof.profile.case_endings
    segments = apply_corrections(proof.raw.segments, [*proof.corrections, *made], policy)
    return tuple(
        s.id for s in proof.sentences if segments[s.segment].blocks[s.block][s.number] != s.spoken
    )


def in_episode(made: Correction) -> Correction:
    """A correction as it applies to the episode's script: an every-article one (which the
    project lexicon carries to the next render) as an article one would."""
    return replace(made, scope="article") if made.scope == "all" else made


def _restore(path: Path, old: bytes | None) -> None:
    """The lexicon file as it was (none, if there was none)."""
    if old is None:
        path.unlink(missing_ok=True)
        return
    with atomic_path(path) as tmp:
        tmp.write_bytes(old)
