"""Stage 3: prepare the script's Arabic text for speech.

Per block of article text, in this order (each step in its own module):

1. ``symbols``        markup pasted into the text (tags, comments) dropped; web and e-mail
                      addresses → a spoken notice;
2. ``normalize``      one spelling: tatweel, ligatures, stray marks, spacing;
   ``symbols``        Latin unit symbols after a number → Arabic ones ("10 km" → "10 كم");
3. ``lexicon``        fixed vowelings for names and loanwords, Latin acronyms → Arabic words;
4. ``latin``          other Latin words in Arabic letters through their English pronunciation;
   ``symbols``        acronyms and tokens with digits spelled letter by letter;
5. ``numbers``        numbers, units, dates, percentages, currencies → words (with ``dates``,
                      ``ordinals``);
6. ``symbols``        abbreviations; emoji dropped; quotes and brackets → pauses;
7. ``sentences``      sentence split;
8. ``diacritize``     vowel marks (the model keeps marks already written);
9. ``fixes``          systematic corrections (diptotes); ``lexicon`` words voweled exactly as
                      their entries (the model adds marks to letters an entry left bare);
10. ``pausal``        case endings by the voice profile's policy;
11. ``confidence``    each spoken word's confidence and alternatives (``words``), from the
                      diacritization models' scores (``rawi``).

The result is exactly what the engine is given; ``newsaudio text`` prints it and ``--explain``
shows which rule changed which words, and which words to check.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from newsaudio.reading.script import Script, Segment, SegmentKind
from newsaudio.textprep.confidence import Provenance, provenance, sentence_words
from newsaudio.textprep.diacritize import Diacritizer, Voweling, default_diacritizer
from newsaudio.textprep.fixes import fix_diptotes
from newsaudio.textprep.latin import read_latin_words
from newsaudio.textprep.lexicon import Lexicon, apply_lexicon, builtin_lexicon, enforce_lexicon
from newsaudio.textprep.normalize import normalize
from newsaudio.textprep.numbers import expand_numbers
from newsaudio.textprep.pausal import CaseEndings, apply_case_endings
from newsaudio.textprep.sentences import split_sentences
from newsaudio.textprep.symbols import (
    clean_symbols,
    drop_markup,
    expand_abbreviations,
    latin_units,
    replace_links,
    spell_latin_words,
)
from newsaudio.textprep.trace import NO_TRACE, Change, Trace
from newsaudio.textprep.words import SpokenWord

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TextOptions:
    """How text is prepared: the case-ending policy (from the voice profile) and the lexicon."""

    case_endings: CaseEndings = "pausal"
    lexicon: Lexicon = field(default_factory=builtin_lexicon)


@dataclass(frozen=True)
class PreparedSegment:
    """A segment as it will be spoken: its blocks, each a tuple of diacritized sentences, and the
    changes text preparation made to it."""

    kind: SegmentKind
    title: str
    blocks: tuple[tuple[str, ...], ...]
    changes: tuple[Change, ...] = ()
    # The same sentences as written for reading (words expanded, no vowel marks, no pausal
    # respelling): what captions show while ``blocks`` is heard.
    written: tuple[tuple[str, ...], ...] = ()
    # Each sentence of ``blocks`` word by word, with confidence and alternatives (issue 22):
    # ``words[b][s]`` are the words of ``blocks[b][s]``; empty where not computed.
    words: tuple[tuple[tuple[SpokenWord, ...], ...], ...] = ()
    # Whether the first block is the title, spoken (as its script segment says).
    spoken_title: bool = True

    def written_sentence(self, block: int, sentence: int) -> str:
        """How sentence ``sentence`` of block ``block`` is shown to a reader."""
        if block < len(self.written) and sentence < len(self.written[block]):
            return self.written[block][sentence]
        return self.blocks[block][sentence]

    @property
    def text(self) -> str:
        """The spoken text, one line per block."""
        return "\n".join(" ".join(block) for block in self.blocks)


@dataclass(frozen=True)
class PreparedScript:
    """The whole episode's spoken text, segment by segment."""

    script: Script
    segments: tuple[PreparedSegment, ...]

    @property
    def text(self) -> str:
        """Every segment's spoken text, segments separated by a blank line."""
        return "\n\n".join(segment.text for segment in self.segments)

    def sources(self) -> Iterator[tuple[PreparedSegment, Segment]]:
        """Each prepared segment with the script segment it came from (text preparation leaves
        out a segment with nothing to speak)."""
        script = iter(self.script.segments)
        for segment in self.segments:
            for original in script:
                # Titles are shown as published: the prepared segment keeps its script's own.
                if original.kind == segment.kind and original.title == segment.title:
                    yield segment, original
                    break
            else:
                raise ValueError(f"segment {segment.title!r} is not in its script")


def expand(text: str, lexicon: Lexicon | None = None, trace: Trace = NO_TRACE) -> str:
    """Steps 1-6: article text as Arabic words only, not yet diacritized."""
    # Markup first (a tag's attributes hold links), then links: normalization's punctuation
    # spacing would split them.
    text = latin_units(normalize(replace_links(drop_markup(text, trace), trace)), trace)
    text = apply_lexicon(text, lexicon or builtin_lexicon(), trace)
    text = spell_latin_words(read_latin_words(text, trace), trace)
    text = expand_numbers(text, trace)
    text = expand_abbreviations(text, trace)
    return clean_symbols(text, trace)


def vowelize(
    sentences: list[str],
    diacritizer: Diacritizer | None = None,
    traces: list[Trace] | None = None,
) -> list[str]:
    """Steps 8-9: diacritize sentences and apply the systematic fixes — what the diacritization
    benchmark measures. ``traces`` (one per sentence) record the fixes."""
    return [v.text for v in _vowelings(sentences, diacritizer, traces, scored=False)]


def _vowelings(
    sentences: list[str],
    diacritizer: Diacritizer | None,
    traces: list[Trace] | None,
    scored: bool = True,
) -> list[Voweling]:
    """:func:`vowelize`, with the models' letter scores when ``scored``."""
    diacritizer = diacritizer or default_diacritizer()
    if scored:
        vowelings = diacritizer.vowel(sentences)
    else:
        vowelings = [Voweling(text) for text in diacritizer.diacritize(sentences)]
    traces = traces or [NO_TRACE] * len(vowelings)
    return [
        Voweling(fix_diptotes(v.text, t), v.scores) for v, t in zip(vowelings, traces, strict=True)
    ]


def diacritize_plain(sentences: list[str], lexicon: Lexicon | None = None) -> list[str]:
    """Diacritization as the pipeline does it, for sentences that need no other preparation (the
    diacritization benchmark and its tests): the lexicon's Arabic entries, then :func:`vowelize`.

    Latin entries are left out: they would put Arabic words where the text keeps Latin.
    """
    arabic = Lexicon((lexicon or builtin_lexicon()).arabic, {})
    voweled = vowelize([apply_lexicon(sentence, arabic) for sentence in sentences])
    return [enforce_lexicon(sentence, arabic) for sentence in voweled]


# Sentences diacritized between two progress reports: a few tenths of a second.
_PROGRESS_SENTENCES = 32


def prepare_script(
    script: Script,
    options: TextOptions | None = None,
    diacritizer: Diacritizer | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> PreparedScript:
    """Prepare every block of every segment; sentences are diacritized together, after the
    other steps. ``progress(done, total)`` is told the sentences diacritized so far."""
    options = options or TextOptions()
    traces = [Trace() for _ in script.segments]
    plain = [
        [split_sentences(expand(block, options.lexicon, trace)) for block in segment.blocks]
        for segment, trace in zip(script.segments, traces, strict=True)
    ]
    # Words marked before the model runs were marked by the lexicon, a rule or the author.
    decided = [
        provenance(trace.changes, authored=segment.kind != "closing")
        for segment, trace in zip(script.segments, traces, strict=True)
    ]
    flat = [sentence for segment in plain for block in segment for sentence in block]
    owners = [
        trace
        for segment, trace in zip(plain, traces, strict=True)
        for block in segment
        for _ in block
    ]
    vowelings: list[Voweling] = []
    for start in range(0, len(flat), _PROGRESS_SENTENCES):
        end = start + _PROGRESS_SENTENCES
        vowelings += _vowelings(flat[start:end], diacritizer, owners[start:end])
        if progress:
            progress(len(vowelings), len(flat))
    voweled = iter(vowelings)
    segments = []
    for segment, blocks, trace, known in zip(script.segments, plain, traces, decided, strict=True):
        said = [[_said(s, next(voweled), options, trace, known) for s in block] for block in blocks]
        spoken = tuple(tuple(text for text, _ in block) for block in said)
        words = tuple(tuple(ws for _, ws in block) for block in said)
        if not any(spoken):
            # e.g. a subheading and paragraph made only of symbols: no chapter of silence
            log.warning("segment %r has nothing to speak; left out", segment.title)
            continue
        written = _written(segment, blocks)
        # The title is shown (feed, ID3 chapters, JSON chapters, page, `text --json`) as the
        # publisher wrote it: only the spoken text is normalized ("أميركا :50" is not "أميركا:50").
        segments.append(
            PreparedSegment(
                segment.kind,
                segment.title,
                spoken,
                tuple(trace.changes),
                written,
                words,
                spoken_title=segment.spoken_title,
            )
        )
    return PreparedScript(script, tuple(segments))


def _said(
    sentence: str, voweling: Voweling, options: TextOptions, trace: Trace, known: Provenance
) -> tuple[str, tuple[SpokenWord, ...]]:
    """Steps 9-11 for one sentence as the model voweled it: lexicon words exact, case endings
    by the policy; the sentence as spoken, and its words."""
    policy = options.case_endings
    exact = enforce_lexicon(voweling.text, options.lexicon, trace)
    text = apply_case_endings(exact, policy, trace)
    return text, sentence_words(sentence, exact, text, voweling.scores, policy, known)


def _written(segment: Segment, blocks: list[list[str]]) -> tuple[tuple[str, ...], ...]:
    """The blocks' sentences as captions show them: as prepared, but a title spoken as a block
    (the headline, a subheading; in an edition, the headline after its announcement) as
    published, when it splits into as many sentences."""
    written = [tuple(block) for block in blocks]
    if not segment.spoken_title or segment.kind == "closing" or segment.title not in segment.blocks:
        return tuple(written)
    index = segment.blocks.index(segment.title)
    published = tuple(split_sentences(segment.title))
    if len(published) == len(written[index]):
        written[index] = published
    return tuple(written)
