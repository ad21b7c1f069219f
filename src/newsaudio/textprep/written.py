"""The article's sentences as written, beside the sentences as spoken.

A talking book (EPUB 3 with Media Overlays, DAISY) shows the text while the voice reads it. Readers
read the article — "15%" and "د." as the author wrote them — while the listener hears the prepared
words ("خمسة عشر بالمئة", "الدكتور"). Text preparation splits sentences *after* expanding numbers
and abbreviations, so the written sentences are found again here, in two ways:

1. **By sentence**: the block as written is split the same way, and each written sentence is
   accepted when expanding it gives exactly the spoken sentence at its place.
2. **By word**, where that fails — a sentence that only its expansion made longer than
   ``sentences.MAX_WORDS`` is split at a comma as spoken and not as written, a quote becomes a
   pause, an abbreviation's dot ends a sentence in one form only: the written words are aligned
   with the spoken ones (unvoweled, their punctuation aside), the words text preparation kept
   anchor the alignment, and each spoken sentence is shown as the run of written words between
   its anchors — a number with the words it became, a Latin name with its Arabic spelling.

A spoken sentence whose boundary falls inside what one stretch of written words became (nothing
in our rules does that) or that no written word stands for is shown as spoken (numbers in words,
voweled): still the right words, not the author's digits. Those are the *fallbacks* a render
counts.
"""

from __future__ import annotations

import difflib
import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

from newsaudio.textprep.lexicon import Lexicon
from newsaudio.textprep.normalize import normalize
from newsaudio.textprep.sentences import split_sentences

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"\S+")
# What two forms of a word are compared by: letters and digits, without vowel marks or tatweel,
# one alef and one ya (the lexicon and the rules may write hamza and alef maqsura differently).
_NOT_KEY = re.compile(r"[^\w]|[\u0640\u064b-\u065f\u0670\u06d6-\u06ed_]")
_FOLD = str.maketrans("\u0623\u0625\u0622\u0671\u0649", "\u0627\u0627\u0627\u0627\u064a")


@dataclass(frozen=True)
class WrittenBlock:
    """A block's sentences as shown, one per spoken sentence, and how many of them are shown as
    spoken because their text as written could not be found (fallbacks)."""

    sentences: tuple[str, ...]
    fallbacks: int = 0


def _key(word: str) -> str:
    return _NOT_KEY.sub("", word).translate(_FOLD).lower()


def written_sentences(
    block: str, prepared: tuple[str, ...], lexicon: Lexicon | None = None
) -> WrittenBlock:
    """The sentences of ``block`` as written, one for each of its ``prepared`` sentences (the
    written form text preparation gives: words expanded, unvoweled but where a rule voweled them).

    >>> from newsaudio.textprep import expand
    >>> spoken = (expand("بلغت النسبة 15%."), "وقال إنه مستعد.")
    >>> written_sentences("بلغت النسبة 15%. وقال إنه مستعد.", spoken).sentences
    ('بلغت النسبة 15%.', 'وقال إنه مستعد.')
    >>> written_sentences("قال: \\"نعم\\" ثم غادر.", ("قال،", "نعم، ثم غادر.")).sentences
    ('قال:', '"نعم" ثم غادر.')
    >>> written_sentences("نص آخر.", ("كلام", "مختلف."))
    WrittenBlock(sentences=('كلام', 'مختلف.'), fallbacks=2)
    """
    text = normalize(block)
    candidates = split_sentences(text)
    if len(candidates) == len(prepared) and _expand_alike(candidates, prepared, lexicon):
        return WrittenBlock(tuple(candidates))
    return _by_word(text, prepared)


def _expand_alike(
    candidates: list[str], prepared: tuple[str, ...], lexicon: Lexicon | None
) -> bool:
    from newsaudio.textprep import expand  # the package imports this module's siblings

    return all(
        split_sentences(expand(candidate, lexicon)) == [spoken]
        for candidate, spoken in zip(candidates, prepared, strict=True)
    )


def _by_word(text: str, prepared: tuple[str, ...]) -> WrittenBlock:
    """Each spoken sentence as the written words that align with it (see the module's doc)."""
    written = [(m.start(), _key(m.group())) for m in _TOKEN.finditer(text)]
    written = [(start, key) for start, key in written if key]
    spoken_keys: list[str] = []
    starts = []  # where each spoken sentence begins among the spoken words
    for sentence in prepared:
        starts.append(len(spoken_keys))
        spoken_keys += [k for k in map(_key, sentence.split()) if k]
    matcher = difflib.SequenceMatcher(None, [k for _, k in written], spoken_keys, autojunk=False)
    opcodes = matcher.get_opcodes()
    cuts = [_written_index(start, opcodes) for start in starts[1:]]
    # Where each sentence begins in the text: None where its boundary cannot be placed.
    bounds: list[int | None] = [0]
    for cut in cuts:
        bounds.append(None if cut is None else written[cut][0] if cut < len(written) else len(text))
    bounds.append(len(text))
    shown = []
    fallbacks = 0
    for index, spoken in enumerate(prepared):
        begin, end = bounds[index], bounds[index + 1]
        piece = text[begin:end].strip() if begin is not None and end is not None else ""
        if begin is not None and end is not None and begin < end and _key(piece):
            shown.append(piece)
        else:
            shown.append(spoken)
            fallbacks += 1
    if fallbacks:
        log.debug("%d of %d sentences shown as spoken: %r", fallbacks, len(prepared), text)
    return WrittenBlock(tuple(shown), fallbacks)


def _written_index(spoken: int, opcodes: Sequence[tuple[str, int, int, int, int]]) -> int | None:
    """The written word at which the spoken word ``spoken`` begins a sentence: in a run of words
    kept alike, its match; at the edge of what some written words became, the edge; strictly
    inside it, None (the written words cannot be divided there)."""
    for tag, w1, w2, s1, s2 in opcodes:
        if s1 <= spoken < s2 or (spoken == s1 == s2):
            if tag == "equal":
                return w1 + spoken - s1
            if spoken == s1 or w1 == w2:
                return w1
            return None
    return None
