"""Corrections after the diacritizer for errors it makes systematically (``data/fixes.toml``).

Diptote proper nouns take no tanween and a fatha in the genitive ("فِي غَزَّةَ"); the model often
gives them the regular kasra or tanween.
"""

from __future__ import annotations

import re
from functools import cache

from newsaudio.resources import data_toml
from newsaudio.textprep.lexicon import lookup_key
from newsaudio.textprep.trace import NO_TRACE, Trace
from newsaudio.textprep.words import WORD

# Final mark of a diptote: kasra and either tanween of kasra or fatha become fatha, tanween of
# damma becomes damma.
_DIPTOTE_ENDING = {"\u0650": "\u064e", "\u064d": "\u064e", "\u064b": "\u064e", "\u064c": "\u064f"}
_PROCLITICS = ("", "و", "ف", "ب", "ل", "ك", "وب", "ول", "وك", "فب", "فل", "فك")
_FINAL_MARK = re.compile("([\u064b-\u0650])(\u0651?)$")


@cache
def _diptotes() -> frozenset[str]:
    return frozenset(lookup_key(w) for w in data_toml("fixes.toml")["diptotes"])


def _is_diptote(word: str) -> bool:
    key = lookup_key(word)
    # With or without an attached و/ف and ب/ل/ك in front.
    return any(key[len(p) :] in _diptotes() for p in _PROCLITICS if key.startswith(p))


def fix_diptotes(sentence: str, trace: Trace = NO_TRACE) -> str:
    """Diptote endings on known proper nouns.

    >>> fix_diptotes("فِي غَزَّةٍ وَبِغَزَّةِ")
    'فِي غَزَّةَ وَبِغَزَّةَ'
    """

    def fix(match: re.Match[str]) -> str:
        word = match[0]
        if not _is_diptote(word):
            return word
        return _FINAL_MARK.sub(lambda m: _DIPTOTE_ENDING.get(m[1], m[1]) + m[2], word)

    return trace.sub("diptote", WORD, fix, sentence)
