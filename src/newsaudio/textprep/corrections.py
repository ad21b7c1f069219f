"""Corrections a proofreader makes: a written word (or phrase) and the form it is spoken in, for
one sentence, one article, or every article (``newsaudio proof``).

Every-article corrections are entries of the project lexicon (:mod:`lexicon`). The other two are
applied here, to a prepared script, as the last step of text preparation: the corrected words
take the correction's letters and marks (a bare last letter keeps the model's case ending, as a
lexicon entry's does), the case-ending policy is applied to them again, and they are certain
(decided by the lexicon, never flagged). Only the sentences that hold a corrected word change, so
a re-render speaks only those again.

A correction keeps the word's letters: the form is the word with vowel marks, hamza on an alef
and ta marbuta for a pause form's ha allowed. Anything else (other letters, markup, control
characters, a novel) is refused with a message that says what is wrong.
"""

from __future__ import annotations

import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Literal

from newsaudio.errors import CorrectionError
from newsaudio.textprep import PreparedSegment
from newsaudio.textprep.diacritize import clusters, strip_marks
from newsaudio.textprep.lexicon import Lexicon, fold, lexicon_spans, lookup_key
from newsaudio.textprep.pausal import CaseEndings, apply_case_endings
from newsaudio.textprep.trace import Change
from newsaudio.textprep.words import WORD, WORD_PATTERN, SpokenWord

Scope = Literal["sentence", "article", "all"]
SCOPES: tuple[Scope, ...] = ("sentence", "article", "all")
# A word or a name of a few words: a longer "correction" is a mistake or an attack.
MAX_FORM_CHARS = 120
MAX_FORM_WORDS = 6

_LETTER = "\u0621-\u063a\u0641-\u064a\u0671"
_MARK = "\u064b-\u0652\u0670"
_FORM = re.compile(f"[{_LETTER}{_MARK} ]+")
_WORD_SPLIT = re.compile(f"({WORD_PATTERN})")


@dataclass(frozen=True)
class Correction:
    """``written`` (the word's letters, no marks) is spoken as ``spoken`` in one sentence (its
    :func:`sentence_key`), the article, or every article."""

    written: str
    spoken: str
    scope: Scope = "sentence"
    sentence: str = ""


def sentence_key(sentence: str) -> str:
    """What identifies a sentence across renders whatever its marks and case endings: its words'
    letters, folded.

    >>> sentence_key("وَصَلَ إِلَى الْمِنْطَقَةِ.") == sentence_key("وصل الى المنطقه")
    True
    """
    return " ".join(fold(w) for w in WORD.findall(strip_marks(sentence)))


def check_form(written: str, form: str) -> str:
    """``form`` as a correction of ``written``, NFC; a :class:`CorrectionError` that says what is
    wrong otherwise (nothing is changed by a refused correction).

    >>> check_form("المنطقه", " الْمِنْطَقَةِ ")
    'الْمِنْطَقَةِ'
    """
    form = unicodedata.normalize("NFC", form.strip())
    shown = form if len(form) <= 40 else form[:40] + "…"
    if not form:
        raise CorrectionError(f"the correction of {written!r} is empty")
    if len(form) > MAX_FORM_CHARS or len(form.split()) > MAX_FORM_WORDS:
        raise CorrectionError(
            f"the correction of {written!r} is {len(form)} characters: a correction is a word "
            f"or a name (at most {MAX_FORM_WORDS} words, {MAX_FORM_CHARS} characters)"
        )
    hidden = [c for c in form if unicodedata.category(c)[0] in "CZ" and c != " "]
    if hidden:
        names = ", ".join(sorted({f"U+{ord(c):04X}" for c in hidden}))
        raise CorrectionError(
            f"the correction of {written!r} holds control or invisible characters ({names})"
        )
    if not _FORM.fullmatch(form) or re.search(f"(?:^| )[{_MARK}]", form):
        other = next((c for c in form if not _FORM.fullmatch(c)), None)
        raise CorrectionError(
            f"the correction {shown!r} of {written!r} may hold only Arabic letters and vowel "
            + (f"marks, not {other!r}" if other else "marks, each mark after its letter")
        )
    if [fold(lookup_key(w)) for w in form.split()] != [
        fold(lookup_key(w)) for w in written.split()
    ]:
        raise CorrectionError(
            f"the correction {shown!r} does not have the letters of {written!r}: give the same "
            "word with its vowel marks"
        )
    if not re.search(f"[{_MARK}]", form):
        raise CorrectionError(f"the correction {shown!r} has no vowel marks")
    return form


def correction(written: str, form: str, scope: Scope, sentence: str = "") -> Correction:
    """A checked correction of ``written`` (the word as the text has it) to ``form``.

    The word keeps the text's letters, but for a hamza the form puts on a bare alef; a form typed
    as heard at a pause (ta marbuta as ha, a final sukun) is the word with its ending left to the
    case-ending policy, so it reads right in every place.

    >>> correction("المنطقة", "المَنْطَقَهْ", "article").spoken
    'المَنْطَقَة'
    >>> correction("اسرائيل", "إِسْرَائِيلُ", "all")
    Correction(written='إسرائيل', spoken='إِسْرَائِيلُ', scope='all', sentence='')
    """
    if scope not in SCOPES:
        raise CorrectionError(f"unknown scope {scope!r}: use one of {', '.join(SCOPES)}")
    written = strip_marks(written)
    form = _as_written(written, check_form(written, form))
    key = sentence_key(sentence) if scope == "sentence" else ""
    if scope == "sentence" and not key:
        raise CorrectionError(f"the correction of {written!r} names no sentence")
    return Correction(strip_marks(form), form, scope, key)


def exact_form(form: str) -> str:
    """An alternative text preparation offered, as a correction that gives exactly it: a last
    letter it leaves bare (no case ending heard) gets a sukun, since a correction's bare last
    letter takes the model's ending; an alef keeps none.

    >>> exact_form("بَرْلَمَانِي"), exact_form("رَسْمِيًّا"), exact_form("قَالَ")
    ('بَرْلَمَانِيْ', 'رَسْمِيًّا', 'قَالَ')
    """
    if form and form[-1] not in "اىأإآٱ" and not re.match(f"[{_MARK}]", form[-1]):
        return form + "\u0652"
    return form


def _as_written(written: str, form: str) -> str:
    """``form`` (checked: ``written``'s letters, folded) with the text's letters where a pause
    form or a light spelling wrote them otherwise; a hamza the form adds stays."""
    words = []
    for text, spoken in zip(written.split(), form.split(), strict=True):
        letters_of = clusters(spoken)
        letters = []
        for i, ((letter, marks), original) in enumerate(zip(letters_of, text, strict=True)):
            if original == "ة" and letter == "ه":
                letter = original
                if i == len(letters_of) - 1 and marks == "\u0652":
                    marks = ""  # the pause's sukun: the ending is the policy's
            elif not (original == "ا" and letter in "أإآٱ"):
                letter = original
            letters.append(letter + marks)
        words.append("".join(letters))
    return unicodedata.normalize("NFC", " ".join(words))


def lexicon_of(corrections: Iterable[Correction]) -> Lexicon:
    """Corrections as a lexicon whose keys are folded, to be looked up in folded text."""
    return Lexicon({fold(lookup_key(c.written)): c.spoken for c in corrections}, {})


def apply_corrections(
    segments: Iterable[PreparedSegment],
    corrections: Iterable[Correction],
    case_endings: CaseEndings,
) -> tuple[PreparedSegment, ...]:
    """``segments`` with the article's and each sentence's corrections applied (every-article
    ones are in the lexicon already); a sentence with nothing to correct is left as it was."""
    article: list[Correction] = []
    by_sentence: dict[str, list[Correction]] = defaultdict(list)
    for item in corrections:
        if item.scope == "article":
            article.append(item)
        elif item.scope == "sentence":
            by_sentence[item.sentence].append(item)
    everywhere = lexicon_of(article)
    result = []
    for segment in segments:
        if not article and not by_sentence:
            result.append(segment)
            continue
        blocks, words, changes = [], [], list(segment.changes)
        for b, block in enumerate(segment.blocks):
            spoken, spoken_words = [], []
            for s, sentence in enumerate(block):
                own = by_sentence.get(sentence_key(sentence))
                lexicon = everywhere.merged(lexicon_of(own)) if own else everywhere
                corrected, covered = correct_sentence(sentence, lexicon, case_endings)
                if corrected != sentence:
                    changes.append(Change("correction", sentence, corrected))
                spoken.append(corrected)
                if segment.words:
                    spoken_words.append(_certain(segment.words[b][s], corrected, covered))
            blocks.append(tuple(spoken))
            words.append(tuple(spoken_words))
        result.append(
            replace(
                segment,
                blocks=tuple(blocks),
                changes=tuple(changes),
                words=tuple(words) if segment.words else (),
            )
        )
    return tuple(result)


def correct_sentence(
    sentence: str, lexicon: Lexicon, case_endings: CaseEndings
) -> tuple[str, set[int]]:
    """``sentence`` (as spoken) with ``lexicon``'s entries imposed, and the numbers of the words
    they cover (the sentence's Arabic words, from 0), changed or confirmed as they were.

    >>> lexicon = Lexicon({fold("المنطقة"): "الْمَنْطِقَة"}, {})
    >>> correct_sentence("وَصَلُوا إِلَى الْمِنْطَقَهْ.", lexicon, "pausal")
    ('وَصَلُوا إِلَى الْمَنْطِقَهْ.', {2})
    """
    spans = lexicon_spans(sentence, lexicon, fold(sentence)) if lexicon.arabic else []
    if not spans:
        return sentence, set()
    pieces: list[str] = []
    done, covered = 0, set[int]()
    for start, end, imposed in spans:
        first = len(WORD.findall(sentence[:start]))
        covered.update(range(first, first + len(WORD.findall(sentence[start:end]))))
        pieces += [sentence[done:start], imposed]
        done = end
    imposed = "".join(pieces) + sentence[done:]
    # The case-ending policy again, on the corrected words only: the pause form of a new ending.
    ours = _WORD_SPLIT.split(imposed)
    policy = _WORD_SPLIT.split(apply_case_endings(imposed, case_endings))
    if len(policy) != len(ours):
        return imposed, covered
    return "".join(
        policy[i] if i % 2 and i // 2 in covered else token for i, token in enumerate(ours)
    ), covered


def _certain(
    words: tuple[SpokenWord, ...], sentence: str, covered: set[int]
) -> tuple[SpokenWord, ...]:
    """The sentence's words with the corrected ones certain, as the lexicon's are. (Words are
    the sentence's Arabic words, one for one; any other shape is left as it is.)"""
    spoken = WORD.findall(sentence)
    if not covered or len(spoken) != len(words):
        return words
    return tuple(
        SpokenWord(w.written, spoken[i], 1.0, (), "lexicon") if i in covered else w
        for i, w in enumerate(words)
    )
