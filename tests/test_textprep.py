"""Stage 3: normalization, numbers, sentences, diacritization — and that no word is lost."""

from __future__ import annotations

import re

import pytest

from newsaudio.reading.load import load_article
from newsaudio.reading.script import build_script
from newsaudio.textprep import prepare_script
from newsaudio.textprep.normalize import arabic_words, normalize
from newsaudio.textprep.sentences import MAX_WORDS, split_sentences

from .conftest import BRIEF, SAMPLE, check_golden

_DIACRITIC = re.compile(r"[\u064b-\u0652]")


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("كـــورسك", "كورسك"),  # tatweel
        ("وصفهم بـ “الأبطال”", "وصفهم “بالأبطال”"),  # detached proclitic
        ("قال ، ثم  مضى .", "قال، ثم مضى."),  # spacing around punctuation
        ("\u200fنص\u200e مخفي", "نص مخفي"),  # direction marks
        ("ﻻ بأس", "لا بأس"),  # lam-alef ligature
        ("قَالَ الرَّئِيسُ", "قَالَ الرَّئِيسُ"),  # an author's diacritics are kept
    ],
)
def test_normalize(raw: str, clean: str) -> None:
    assert normalize(raw) == clean


def test_sentences_keep_closing_quotes() -> None:
    assert split_sentences("قال: “نعم.” ثم غادر.") == ["قال: “نعم.”", "ثم غادر."]


def test_long_run_on_sentence_is_split_at_commas() -> None:
    clause = "، ".join(["كلمة " * 10] * 10)
    pieces = split_sentences(clause)
    assert len(pieces) > 1
    assert all(len(p.split()) <= MAX_WORDS and p.endswith("،") for p in pieces[:-1])


@pytest.fixture(scope="module")
def prepared_sample():  # type: ignore[no-untyped-def]
    return prepare_script(build_script(load_article(SAMPLE)))


def _spoken_keys(text: str) -> list[str]:
    """Words compared as heard: pause forms write ta marbuta as ha, the lexicon may add hamza."""
    return [re.sub("[أإآ]", "ا", w).replace("ة", "ه") for w in arabic_words(text)]


def test_no_article_word_is_lost(prepared_sample) -> None:  # type: ignore[no-untyped-def]
    """Every Arabic word of headline, subheadings and paragraphs is in the spoken script."""
    article = load_article(SAMPLE)
    written = [article.headline, *article.lead]
    for section in article.sections:
        written += [section.heading, *section.paragraphs]
    expected = _spoken_keys(normalize(" ".join(written)))
    spoken = _spoken_keys(prepared_sample.text)
    missing = [w for w in expected if w not in spoken]
    assert not missing
    # And in order: the article's words are a subsequence of the spoken words.
    position = 0
    for word in expected:
        position = spoken.index(word, position) + 1


def test_sample_is_diacritized(prepared_sample) -> None:  # type: ignore[no-untyped-def]
    words = re.findall(r"[\u0621-\u0652]+", prepared_sample.text)
    voweled = [w for w in words if _DIACRITIC.search(w)]
    assert len(voweled) / len(words) >= 0.95


def test_sample_prepared_golden(prepared_sample) -> None:  # type: ignore[no-untyped-def]
    """The spoken script of the sample, checked by a reader of Arabic (tests/golden)."""
    check_golden("kursk-ar.prepared.txt", prepared_sample.text + "\n")


def test_no_digits_reach_the_engine(prepared_sample) -> None:  # type: ignore[no-untyped-def]
    assert not re.search(r"[0-9٠-٩]", prepared_sample.text)


def test_segment_with_nothing_to_speak_is_left_out(tmp_path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "odd.md"
    path.write_text(
        f"# عنوان\n\nنص الخبر.\n\n## ***\n\n... 🎉 —\n\n## قسم\n\n{BRIEF}\n", encoding="utf-8"
    )
    prepared = prepare_script(build_script(load_article(path)))
    assert [s.title for s in prepared.segments] == ["عنوان", "قسم", "الخاتمة"]
