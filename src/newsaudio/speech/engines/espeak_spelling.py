"""Spelling diacritized Arabic the way eSpeak NG reads it right.

eSpeak NG's Arabic rules do not elide hamzat al-wasl: inside a phrase it reads the article with a
glottal stop ("وِزَارَةُ الدِّفَاعِ" → wizāratu ʔad-difāʿ), and after a proclitic it reads the alef
as a long vowel ("بِالْأَبْطَالِ" → bi-āl-abṭāl, "بِالشَّجَاعَةِ" → bi-āš-šajāʿa). Native readers
join them: wizāratu d-difāʿ, bil-abṭāl, biš-šajāʿa. Writing the article as it is pronounced —
the alef dropped, and the lam too before a sun letter — makes eSpeak NG join them as well (checked
with ``espeak_TextToPhonemes``). A word ending in sukun before such an article needs a helping vowel
(مِنْ → مِنَ, عَنْ → عَنِ), as in speech.

This is the engine's business, not text preparation's: the transcript keeps standard spelling.
"""

from __future__ import annotations

import re

_MARK = "[\u064b-\u0652\u0670]"
_SUN_LETTERS = "تثدذرزسشصضطظلن"
_SUKUN = "\u0652"
# The article at the start of a word, after optional و/ف and ب/ك: groups are the proclitics, the
# lam with its marks, and the letter after it.
_ARTICLE = re.compile(f"^((?:[وف]{_MARK}*)?(?:[بك]{_MARK}*)?)ا{_MARK}*(ل{_MARK}*)(?=(.))")
_VOWEL_THEN_SHADDA = re.compile("([\u064b-\u0650\u0652])\u0651")
_PAUSE_BEFORE = re.compile(r"[،,؛;:.!?؟…]\s*$")


def _helping_vowel(word: str) -> str:
    """A final sukun becomes a vowel before a joined article: مِنْ → مِنَ, otherwise kasra."""
    if not word.endswith(_SUKUN):
        return word
    vowel = "\u064e" if re.sub(_MARK, "", word) == "من" else "\u0650"
    return word[:-1] + vowel


def shadda_first(text: str) -> str:
    """Shadda before the vowel mark on each letter.

    Unicode's canonical order (NFC, which the diacritizer and our merging produce) puts the vowel
    first; eSpeak NG then drops the vowel: مُحَمَّدٌ is read muḥammdun, أَكَّدَ akkda.
    """
    return _VOWEL_THEN_SHADDA.sub("\u0651\\1", text)


def espeak_spelling(sentence: str) -> str:
    """``sentence`` respelled so eSpeak NG elides hamzat al-wasl of the article.

    >>> espeak_spelling("قَالَ بِالْأَبْطَالِ مِنْ الْمَدِينَةِ")
    'قَالَ بِلْأَبْطَالِ مِنَ لْمَدِينَةِ'
    >>> espeak_spelling("قَالَ: الْوَضْعُ صَعْبٌ")
    'قَالَ: الْوَضْعُ صَعْبٌ'
    """
    words = shadda_first(sentence).split(" ")
    for i, word in enumerate(words):
        match = _ARTICLE.match(word)
        after_word = i > 0 and not _PAUSE_BEFORE.search(words[i - 1])
        if not match or not (match[1] or after_word):
            continue  # no article, or one that starts a phrase: its hamza is heard
        proclitics, lam, following = match[1], match[2], match[3]
        if "\u0651" not in lam:  # الَّذِي، الَّتِي: the doubled lam is the word's own; keep it
            # Before a sun letter the lam is not heard: the letter after it is doubled instead.
            lam = "" if following in _SUN_LETTERS else "ل" + _SUKUN
        words[i] = proclitics + lam + word[match.end() :]
        if not proclitics:
            words[i - 1] = _helping_vowel(words[i - 1])
    return " ".join(words)
