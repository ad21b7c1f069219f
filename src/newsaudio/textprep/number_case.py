"""The case a number takes from the words before it, for :mod:`newsaudio.textprep.numbers`.

Genitive after prepositions and nouns that govern the number (في، منذ، بنسبة، عام ...) or ب/ل/ك
written on it; accusative after أن/إن, after verbs whose object follows at once ("بلغت 3
مليارات") and as the object of a verb or the predicate of kana when one or two words of subject
stand between ("نشر الجيش 40 دبابة"); else nominative. The word lists are in the ``[context]``
table of ``data/numbers.toml``.
"""

from __future__ import annotations

import re

from newsaudio.textprep.number_words import MARK, Case, bare, number_data

_CLAUSE_END = frozenset('،,.؛;:!?؟()[]«»"“”')
# A token that is itself part of a run of numbers ("50" in "بين 50 و70"), skipped when looking
# back for the word that decides the case.
_NUMBERISH = re.compile(r"[وف]?[\d.,٫٬%٪\-–—]+")
DEFINITE = re.compile("^(?:[وف]?[بك]?ال|[وف]?لل)")  # "الدورة", "بالمئة", "للمرة"
_PREPOSITIONS = frozenset("بلك")  # proclitics that put the number in the genitive
WORD = rf"[\u0621-\u064a\u0671][\u0621-\u064a\u0671{MARK}]*(?!\w)"  # an Arabic word


def context_case(text: str, start: int, default: Case = Case.NOM) -> Case:
    """The case of a number at ``start``, from the words before it: genitive or accusative
    after the word that governs it (skipping numbers it is coordinated with, as in "بين 50
    و70"; "بلغت 3 مليارات"), accusative as the object of a verb or the predicate of kana after
    a subject of one or two words ("نشر الجيش 40 دبابة", "كان عدد السكان 5 ملايين")."""
    return _governed(text, start, default)[0]


def verb_object(text: str, start: int) -> bool:
    """Whether the number at ``start`` is accusative as a verb's object or complement (or kana's
    predicate): what ``--explain`` names, as it is the rule a reader is least likely to expect."""
    return _governed(text, start, Case.NOM)[1]


def _governed(text: str, start: int, default: Case) -> tuple[Case, bool]:
    """(case, whether a verb decided it) for the number at ``start``."""
    data = number_data()
    subject = 0  # words skipped as the verb's subject
    for token in reversed(text[max(0, start - 80) : start].split()):
        if token[-1] in _CLAUSE_END:
            return default, False
        word = bare(token)
        for candidate in (word, word[1:] if word[:1] in "وف" else word):
            if subject and candidate in data.object_after | data.object_direct:
                return Case.ACC, True
            if not subject and candidate in data.genitive_after:
                return Case.GEN, False
            if not subject and candidate in data.accusative_after:
                return Case.ACC, False
            if not subject and candidate in data.object_direct:
                return Case.ACC, True
        # The number coordinated with this one, scale words included ("12 مليونا و360 ألفا"):
        # both take the case of what governs the first.
        if not subject and (_NUMBERISH.fullmatch(word) or word in data.scale_words or word == "و"):
            continue
        if subject < 2 and _may_be_subject(word):
            subject += 1
            continue
        return default, False
    return default, False


def head_case(
    text: str,
    start: int,
    skip: frozenset[str] = frozenset(),
    subject_after: frozenset[str] = frozenset(),
) -> Case:
    """The case of the definite noun at ``start`` (العام in "في العام الماضي 2024"), which a
    number in apposition to it (badal) shares, from the word right before it (``skip``: words
    that may stand between, such as هذا): genitive after a preposition, a noun it completes
    ("بنهاية العام") or any other indefinite word (in news, most often such a noun); nominative
    at the start of a clause ("العام 2024 كان صعبا") and after a word of ``subject_after`` (كان
    and her sisters, whose subject it is); accusative after إنّ and her sisters, after another
    verb of the lists (the noun is its object or an adverb of time: "سجلت العام الماضي") and after
    a definite word (an adverb of time: "الانتخابات المقررة العام القادم")."""
    before = text[:start].split()
    while before and bare(before[-1]) in skip:
        before.pop()
    if not before or before[-1][-1] in _CLAUSE_END:
        return Case.NOM
    word = bare(before[-1])
    data = number_data()
    for candidate in (word, word[1:] if word[:1] in "وف" else word):
        if candidate in data.genitive_after:
            return Case.GEN
        if candidate in subject_after:
            return Case.NOM
        if candidate in data.accusative_after | data.object_after | data.object_direct:
            return Case.ACC
    return Case.ACC if DEFINITE.match(word) else Case.GEN


def _may_be_subject(word: str) -> bool:
    """Whether ``word`` can be (part of) a verb's subject between the verb and a number: not a
    particle, preposition or adverb of time."""
    data = number_data()
    return not (
        word in data.not_counted  # prepositions and particles
        or word in data.accusative_after
        or word in data.not_subject
        or not re.fullmatch(WORD, word)
    )


def case_at(match: re.Match[str], default: Case = Case.NOM, pre: str | None = None) -> Case:
    """Genitive after ب/ل/ك written on the match (``pre``, default: its "pre" group), else from
    the word before it."""
    if pre is None:
        pre = match.groupdict().get("pre") or ""
    if set(pre) & _PREPOSITIONS:
        return Case.GEN
    return context_case(match.string, match.start(), default)


def proclitics_of(word: str) -> str:
    """The proclitics before the article of a definite word: "بالقرن" → "ب", "للدورة" → "ل"."""
    found = re.match("([وف]?[بك]?)ال|([وف]?ل)ل", bare(word))
    return (found[1] or found[2] or "") if found else ""


def with_proclitic(pre: str | None, words: str) -> str:
    """``words`` with the proclitics written on the number, voweled: "ب" → "بِخَمْسَةَ عَشَرَ"."""
    if not pre:
        return words
    proclitics = number_data().words["words"]["proclitics"]
    voweled = "".join(proclitics[ch] for ch in bare(pre))
    if voweled.endswith("لِ") and words.startswith("ال"):  # لِ + الْأُولَى → لِلْأُولَى
        return voweled + words[1:]
    return voweled + words
