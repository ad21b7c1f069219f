"""How sure text preparation is of each spoken word, and what else the word could be.

A word is certain when its vowels were decided before the model ran — by the lexicon, a rule
(numbers, dates, Latin words, abbreviations) or the author's own marks (:class:`Provenance`).
Otherwise the model's letter scores (:class:`~newsaudio.textprep.rawi.LetterScores`) give every
voweling of the word a probability: the product of its letters' label probabilities. The
likeliest vowelings are enumerated, each is written as the engine would get it (the voice's
case-ending policy at the word's place: a pausal form's ending is not heard) and those that sound
the same are pooled. The word's confidence is the probability of what is spoken; its
alternatives are the other sounds, likeliest first (a consonant left without a vowel counting
less: "no mark" is also the models' way of leaving a letter unmarked).

Letters a guard or a rule decided after the model (restored letters, diptote endings) keep their
form in every alternative.
"""

from __future__ import annotations

import heapq
import logging
import math
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache

from newsaudio.textprep.diacritize import clusters, strip_marks
from newsaudio.textprep.pausal import CaseEndings, before_pause, word_case_ending
from newsaudio.textprep.rawi import LetterScores, label_of
from newsaudio.textprep.trace import Change
from newsaudio.textprep.words import WORD, Decider, SpokenWord

log = logging.getLogger(__name__)

MAX_ALTERNATIVES = 3
# Vowelings enumerated per word, and labels tried per letter: a wrong word's right form is
# nearly always one or two letters away from the model's choice.
_CANDIDATES = 12
_MAX_CANDIDATES = 48
_LABELS_PER_LETTER = 4
_MIN_LABEL_PROBABILITY = 1e-3  # below this a label is never part of an alternative
_ENDING_WEIGHT = 0.7
# Among alternatives, each consonant a voweling leaves without a vowel weighs this much: the
# models' "no mark" label is sukun but also a letter their training text left unmarked, a reading
# less often right than a vowel (measured on the first half of WikiNews: +4 points of right forms
# offered; the confidence keeps the plain probabilities).
_UNVOWELED_WEIGHT = 0.1
_HAS_VOWEL = re.compile("[\u064b-\u0650\u0670]")
_VOWEL_LETTERS = "اويىآإ"  # letters that are read without a vowel of their own
_TANWEEN = re.compile("[\u064b-\u064d]")
_SHADDA, _SUKUN = "\u0651", "\u0652"
_VOWEL = re.compile("[\u064b-\u0650]")
_LONG_VOWEL_LETTERS = "اويىآ"
# The only vowels some letters can carry.
_VOWELS_OF = {
    "ى": "\u064b\u0670",
    "ا": "\u064b\u0650\u064f",
    "أ": "\u064e\u064f\u064b\u064c\u064d",
    "إ": "\u0650",
}
# (letter, vowel of the letter before, its own vowel): a long vowel read as a consonant again.
_DOUBLED_LONG_VOWELS = {("ي", "\u0650", "\u0650"), ("و", "\u064f", "\u064f")}
_MARK = re.compile("[\u064b-\u0652\u0670]")
_MARKS = "\u064b\u064c\u064d\u064e\u064f\u0650\u0651\u0652\u0670"
# Marks the ear does not tell apart from their absence (der.py's lenient scoring ignores the
# same): sukun, the vowel before its own long vowel letter, the kasra that joins ال or لِ to a
# hamzat al-wasl, the kasra of إ, any mark on a bare alef or a madda.
_SILENT = re.compile(
    "\u0652"
    "|\u064e(?=\u0627)"
    "|\u0650(?=\u064a(?![\u064b-\u0651\u0670]))"
    "|\u064f(?=\u0648(?![\u064b-\u0651\u0670]))"
    "|(?<=\u0644)\u0650(?=[\u0627\u0671])"
    "|(?<=\u0625)\u0650"
    "|(?<=[\u0627\u0671\u0622])[\u064b-\u0652\u0670]+"
)


@dataclass(frozen=True)
class Provenance:
    """Voweled word forms that reached the diacritizer already marked, by who marked them."""

    lexicon: frozenset[str]
    rules: frozenset[str]
    # False for text newsaudio wrote itself (the closing's phrases): its marks are a rule's.
    authored: bool = True

    def decider(self, marked_word: str) -> Decider:
        """Who decided ``marked_word``, a word that had vowel marks before the model ran."""
        if marked_word in self.lexicon:
            return "lexicon"
        if marked_word in self.rules or not self.authored:
            return "rule"
        return "author"


def provenance(changes: Iterable[Change], authored: bool = True) -> Provenance:
    """The words rules and the lexicon wrote, from text preparation's record of its changes;
    other marked words are the author's when ``authored``."""
    lexicon: set[str] = set()
    rules: set[str] = set()
    for change in changes:
        words = {m[0] for m in WORD.finditer(change.after) if _MARK.search(m[0])}
        (lexicon if change.rule == "lexicon" else rules).update(words)
    return Provenance(frozenset(lexicon), frozenset(rules), authored)


def sentence_words(
    plain: str,
    voweled: str,
    spoken: str,
    scores: LetterScores | None,
    policy: CaseEndings,
    decided: Provenance,
) -> tuple[SpokenWord, ...]:
    """The words of one sentence: ``plain`` as it reached the diacritizer, ``voweled`` as it left
    the model and its fixes, ``spoken`` after the case-ending policy."""
    bare = strip_marks(plain)
    letters = clusters(voweled)
    heard = clusters(spoken)
    given = clusters(plain.lstrip(_MARKS))  # a mark before the first letter marks nothing
    if [c for c, _ in letters] != list(bare) or not len(heard) == len(given) == len(bare):
        # The guards keep every letter, so this is a bug: the sentence is spoken, not scored.
        log.warning("sentence not scored (its voweling changed letters): %r", plain[:40])
        return ()
    words = []
    for match in WORD.finditer(bare):
        start, end = match.span()
        as_spoken = "".join(c + m for c, m in heard[start:end])
        if any(marks for _, marks in given[start:end]):
            marked = "".join(c + m for c, m in given[start:end])
            words.append(SpokenWord(match[0], as_spoken, decided_by=decided.decider(marked)))
            continue
        if scores is None:
            words.append(SpokenWord(match[0], as_spoken, confidence=0.0))
            continue
        paused = before_pause(bare, end)
        words.append(
            _scored(match[0], as_spoken, letters[start:end], scores, start, policy, paused)
        )
    return tuple(words)


def _scored(
    written: str,
    spoken: str,
    letters: Sequence[tuple[str, str]],
    scores: LetterScores,
    offset: int,
    policy: CaseEndings,
    paused: bool,
) -> SpokenWord:
    """A model word: its confidence and alternatives from the letter scores."""
    rows = scores.probs[offset : offset + len(letters)].copy()
    for index, (char, _) in enumerate(letters):
        if char in _VOWELS_OF:  # the letter as written rules out some vowels: إ is read with i
            rows[index] *= _possible(char, scores.labels)
            rows[index] /= max(rows[index].sum(), 1e-12)
    top = (-rows).argsort(axis=1)[:, :_LABELS_PER_LETTER]
    options: list[list[tuple[float, str]]] = []
    for index, (_, marks) in enumerate(letters):
        chosen = int(scores.chosen[offset + index])
        if chosen < 0 or scores.labels[chosen] != label_of(marks) or rows[index][chosen] == 0:
            options.append([(1.0, marks)])  # decided after the model: a guard or a fix
            continue
        row = rows[index]
        options.append(
            [(float(row[chosen]), marks)]
            + [
                (float(row[k]), scores.labels[k])
                for k in top[index]
                if k != chosen and row[k] >= _MIN_LABEL_PROBABILITY
            ]
        )
    # The model's own choice, enumerated or not (its decoding is not always the likeliest).
    chosen_probability = math.prod(o[0][0] for o in options)
    heard: dict[str, float] = {}  # probability by sound, weighted for ranking alternatives
    form_of: dict[str, str] = {}  # the likeliest plausible spoken form of each sound
    chars = [char for char, _ in letters]
    mine, my_stem = sound(spoken), sound("".join(c + m for c, m in letters[:-1]))
    as_heard = stem = 0.0  # the probability of what is spoken, and of its stem
    for count, (likelihood, choice) in enumerate(_likeliest(options), start=1):
        # Enough for the confidence; more only while too few plausible alternatives were seen.
        if count > _CANDIDATES and (len(form_of) > MAX_ALTERNATIVES or count > _MAX_CANDIDATES):
            break
        voweled = "".join(map(str.__add__, chars, choice))
        form = unicodedata.normalize("NFC", word_case_ending(voweled, policy, paused))
        key = sound(form)
        weight = _UNVOWELED_WEIGHT ** _unvoweled(chars, choice)
        heard[key] = heard.get(key, 0.0) + likelihood * weight
        if count <= _CANDIDATES:
            as_heard += likelihood if key == mine else 0.0
            same_stem = sound("".join(map(str.__add__, chars[:-1], choice[:-1]))) == my_stem
            stem += likelihood if same_stem else 0.0
        if key not in form_of and plausible(list(zip(chars, choice, strict=True))):
            form_of[key] = form
    as_heard = max(as_heard, chosen_probability)
    stem = max(stem, as_heard)
    # A wrong stem is another word; a wrong ending, the right word in the wrong case: the
    # ending's doubt counts less (exponent chosen on the first half of WikiNews).
    confidence = stem * min(as_heard / stem, 1.0) ** _ENDING_WEIGHT
    # What each second opinion would have said comes first, then the likeliest other sounds. An
    # opinion that leaves unvoweled a consonant rawi-v3 voweled abstains there: not put first.
    offered = [
        form
        for form in _opinions(letters, scores, offset, policy, paused)
        if sound(form) != mine and not _unvoweling(spoken, form)
    ]
    offered += [form_of[k] for k in sorted(form_of, key=lambda k: -heard.get(k, 0.0))]
    alternatives: dict[str, str] = {}  # by sound, in the order offered
    for form in offered:
        alternatives.setdefault(sound(form), form)
    alternatives.pop(mine, None)
    chosen_sounds = list(alternatives)[:MAX_ALTERNATIVES]
    chosen_sounds.sort(key=lambda k: -heard.get(k, 0.0))  # likeliest first
    return SpokenWord(
        written,
        spoken,
        round(min(confidence, 1.0), 4),
        tuple(alternatives[k] for k in chosen_sounds),
    )


def _opinions(
    letters: Sequence[tuple[str, str]],
    scores: LetterScores,
    offset: int,
    policy: CaseEndings,
    paused: bool,
) -> list[str]:
    """The word as each second opinion would have voweled it (where the voweling model decided),
    spoken by the policy; implausible vowelings left out."""
    forms = []
    for column in range(scores.opinions.shape[1]):
        theirs: list[tuple[str, str]] = []
        for index, (char, marks) in enumerate(letters):
            chosen = int(scores.chosen[offset + index])
            label = int(scores.opinions[offset + index, column])
            decided = chosen < 0 or scores.labels[chosen] != label_of(marks) or label == chosen
            theirs.append((char, marks if decided else scores.labels[label]))
        if plausible(theirs):
            voweled = "".join(char + marks for char, marks in theirs)
            forms.append(unicodedata.normalize("NFC", word_case_ending(voweled, policy, paused)))
    return forms


def _unvoweled(chars: Sequence[str], marks: Sequence[str]) -> int:
    """How many consonants of a voweling carry no vowel (see :data:`_UNVOWELED_WEIGHT`)."""
    return sum(
        1
        for char, mark in zip(chars, marks, strict=True)
        if char not in _VOWEL_LETTERS and not _HAS_VOWEL.search(mark)
    )


def _unvoweling(spoken: str, form: str) -> bool:
    """Whether ``form`` leaves without a vowel a consonant ``spoken`` gives one.

    >>> _unvoweling("كَتَبَ", "كَتْبَ"), _unvoweling("كَتْبَ", "كَتَبَ")
    (True, False)
    """
    return any(
        char not in _VOWEL_LETTERS and _HAS_VOWEL.search(ours) and not _HAS_VOWEL.search(theirs)
        for (char, ours), (_, theirs) in zip(clusters(spoken), clusters(form), strict=False)
    )


@cache
def _possible(char: str, labels: tuple[str, ...]) -> tuple[float, ...]:
    """1.0 for the labels ``char`` can carry, 0.0 for the others (see :data:`_VOWELS_OF`)."""
    return tuple(
        float(all(mark in _VOWELS_OF[char] for mark in label if mark != _SHADDA))
        for label in labels
    )


def plausible(letters: Sequence[tuple[str, str]]) -> bool:
    """Whether a voweling (letters and their marks) can be Arabic at all: tanween only at the
    end, no doubled letter at the start or after a sukun, no two vowelless consonants inside a
    word, nothing but tanween on alef maqsura, no fatha on a bare alef, no kasra on أ and only a
    kasra on إ, no vowel on a long vowel letter after its own short vowel.

    >>> words = ("كِتَابًا", "كًتَاب", "سَيُخْلِّفُ", "تَفْشَىُ", "الْإِلِكْترُونِي", "أِثَرَ")
    >>> [plausible(clusters(w)) for w in words]
    [True, False, False, False, False, False]
    """
    last = len(letters) - 1
    before = ""
    for index, (char, marks) in enumerate(letters):
        vowel = marks.replace(_SHADDA, "").replace(_SUKUN, "")
        if _SHADDA in marks and (index == 0 or _SUKUN in before):
            return False
        if (
            _TANWEEN.search(marks)
            and index != last
            and not (index == last - 1 and letters[last][0] in "اى")
        ):
            return False
        if vowel and (vowel not in _VOWELS_OF.get(char, vowel)):
            return False
        if (char, before[-1:], marks[-1:]) in _DOUBLED_LONG_VOWELS:
            return False
        if 0 < index < last - 1 and not vowel and char not in _LONG_VOWEL_LETTERS:
            following, following_marks = letters[index + 1]
            if following not in _LONG_VOWEL_LETTERS and not _VOWEL.search(following_marks):
                return False
        before = marks
    return True


def sound(word: str) -> str:
    """``word`` without the marks a listener cannot hear: two spellings of one sound are one.

    >>> sound("مَا") == sound("ما"), sound("كِتَابْ") == sound("كِتَاب"), sound("كَتَبَ") == sound("كُتُب")
    (True, True, False)
    """
    return _SILENT.sub("", word)


def _likeliest(
    options: Sequence[Sequence[tuple[float, str]]],
) -> Iterator[tuple[float, tuple[str, ...]]]:
    """The choices of one option per letter, likeliest first, as (probability, marks per
    letter)."""
    # Each letter's options in order of probability, so that the frontier search below works.
    ordered = [sorted(o, key=lambda x: -x[0]) for o in options]
    first = (0,) * len(ordered)
    frontier = [(-math.prod(o[0][0] for o in ordered), first)]
    seen = {first}
    while frontier:
        negative, choice = heapq.heappop(frontier)
        yield -negative, tuple(o[i][1] for o, i in zip(ordered, choice, strict=True))
        for letter, index in enumerate(choice):
            if index + 1 < len(ordered[letter]) and ordered[letter][index][0] > 0:
                following = (*choice[:letter], index + 1, *choice[letter + 1 :])
                if following not in seen:
                    seen.add(following)
                    ratio = ordered[letter][index + 1][0] / ordered[letter][index][0]
                    heapq.heappush(frontier, (negative * ratio, following))
