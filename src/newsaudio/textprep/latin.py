"""Latin words read as words: a name the lexicon does not know is written in Arabic letters from
eSpeak NG's English pronunciation, so every engine (eSpeak NG, Piper, gTTS) reads it as a word.

Acronyms — all capitals and at most five letters ("BBC", "NASA" unless the lexicon has it) — and
tokens with digits ("A380") are still spelled letter by letter by :mod:`symbols`. Other Latin
words go through eSpeak NG's English grapheme-to-phoneme step (``espeak_TextToPhonemes``, voice
"en") and a table from its IPA to Arabic letters (``data/ipa_arabic.toml``): "Pfizer" →
"فَايزَرْ", "Moderna" → "مُودَرْنَا". British English drops an "r" after a vowel, which
the spelling keeps; it is put back where the spelling has it. The result is a plausible Arabic
spelling, not a newsroom's established one: names that matter belong in the lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from newsaudio.resources import data_toml
from newsaudio.textprep.trace import NO_TRACE, Trace

_SUKUN = "\u0652"
_ACRONYM = re.compile(r"[A-Z]{1,5}")
# A Latin word: letters, with inner hyphens or apostrophes ("Coca-Cola", "O'Brien"); a token with
# digits ("A380", "COP29") is not one and is spelled.
_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z]+(?:['’-][A-Za-z]+)*(?![A-Za-z0-9])")
_GLIDES = {"\u0650": "ي", "\u064f": "و"}  # after kasra and damma; hamza after fatha
_SPELLED_R = re.compile("(?<=[aeiouy])r(?![aeiouyr])", re.IGNORECASE)


@dataclass(frozen=True)
class _Table:
    consonants: dict[str, str]
    vowels: dict[str, str]
    stressed: dict[str, str]
    initial: dict[str, str]
    rhotic: frozenset[str]
    symbols: tuple[str, ...]  # every key, longest first


@cache
def _table() -> _Table:
    data = data_toml("ipa_arabic.toml")
    keys = [k.rstrip("#") for k in (*data["consonants"], *data["vowels"])]
    return _Table(
        data["consonants"],
        data["vowels"],
        data["stressed"],
        data["initial"],
        frozenset(data["rhotic"]["vowels"]),
        tuple(sorted(set(keys), key=len, reverse=True)),
    )


def is_acronym(token: str) -> bool:
    """All capitals and short: spelled letter by letter ("BBC"), not read as a word."""
    return bool(_ACRONYM.fullmatch(token))


def _phonemes(word: str) -> list[tuple[str, bool]]:
    """(IPA symbol, stressed) of one eSpeak NG word, longest match first; "#" marks the last."""
    table, found, i, stressed = _table(), [], 0, False
    while i < len(word):
        if word[i] in "ˈˌ":
            stressed, i = True, i + 1
            continue
        symbol = next((s for s in table.symbols if word.startswith(s, i)), word[i])
        found.append((symbol, stressed and symbol in table.vowels))
        stressed = stressed and symbol not in table.vowels  # the mark comes before the vowel
        i += len(symbol)
    if found:
        found[-1] = (found[-1][0] + "#", found[-1][1])
    return found


def _vowel(symbol: str, stressed: bool, rhotic: bool) -> str:
    """The marks and letters of a vowel: a stressed short vowel is written long, as Arabic
    spellings of names do ("Paris" → "بَارِيس"); a final schwa before a restored r stays short."""
    table, plain = _table(), symbol.rstrip("#")
    if stressed and plain in table.stressed:
        return table.stressed[plain]
    if rhotic:
        return table.vowels[plain]
    return table.vowels.get(symbol) or table.vowels[plain]


def _arabic_word(ipa: str, r_count: int) -> tuple[str, int]:
    """One eSpeak NG word in Arabic letters; ``r_count`` spelled r's still to put back."""
    table = _table()
    letters: list[str] = []  # each a letter and its marks
    for symbol, stressed in _phonemes(ipa):
        plain = symbol.rstrip("#")
        if plain not in table.vowels:
            consonant = table.consonants.get(symbol, table.consonants.get(plain))
            if consonant:  # a symbol the table lacks is skipped rather than guessed
                letters.extend(ch + _SUKUN for ch in consonant)
            continue
        rhotic = bool(r_count) and plain in table.rhotic
        vowel = _vowel(symbol, stressed, rhotic)
        if letters and letters[-1].endswith(_SUKUN):  # the vowel of the consonant before
            letters[-1] = letters[-1][:-1] + vowel[0]
            letters.extend(vowel[1:])
        elif letters and letters[-1] in ("ا", "و", "ي"):  # after a long vowel: a glide
            letters[-1] += vowel[0]
            letters.extend(vowel[1:])
        elif letters:  # after a short vowel: its glide carries the next ("Rubio" → "رُوبِيُو")
            letters.extend([_GLIDES.get(letters[-1][-1], "ئ") + vowel[0], *vowel[1:]])
        elif vowel.startswith("َا"):  # a word-initial vowel takes a carrier: "آ", "أَ", "إِ"
            letters.extend(["آ", *vowel[2:]])
        else:
            letters.extend([table.initial[vowel[0]], *vowel[1:]])
        if rhotic:
            letters.append("ر" + _SUKUN)
            r_count -= 1
    return "".join(letters), r_count


@cache
def transliterate(word: str) -> str:
    """A Latin word in Arabic letters, through its English pronunciation.

    >>> transliterate("Netflix")
    'نِيتْفْلِكْسْ'
    """
    # Imported on first use: libespeak-ng and numpy would slow every command's start-up.
    from newsaudio.libespeak import english_phonemes

    ipa = english_phonemes(word.capitalize() if word.isupper() else word)  # not spelled
    r_count = len(_SPELLED_R.findall(word))
    words = []
    for part in ipa.split():
        arabic, r_count = _arabic_word(part, r_count)
        words.append(arabic)
    return " ".join(w for w in words if w)


def read_latin_words(text: str, trace: Trace = NO_TRACE) -> str:
    """Every Latin word the lexicon left, except acronyms, in Arabic letters (rule "latin word")."""

    def replace(match: re.Match[str]) -> str:
        return match[0] if is_acronym(match[0]) else transliterate(match[0]) or match[0]

    return trace.sub("latin word", _WORD, replace, text)
