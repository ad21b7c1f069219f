"""The talking book's text is the article as written, sentence by sentence, on the real articles
we have (tests/data/blind, the sample): where splitting the written block like the spoken one
fails, its words are aligned with the spoken words (textprep/written.py). Issue 23 found 37 of
672 sentences shown as spoken, voweled number words instead of the article's figures."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsaudio.config import Config
from newsaudio.pipeline import prepare_article
from newsaudio.publishing.bookmaker import shown_sentences
from newsaudio.speech.voices import load_voice
from newsaudio.textprep.normalize import normalize
from newsaudio.textprep.written import written_sentences
from tests.conftest import DATA, SAMPLE

REAL = [SAMPLE, *sorted((DATA / "blind").glob("*.txt")), *sorted((DATA / "blind").glob("*.html"))]
# The articles where sentences did not line up (each had one block shown as spoken).
UNALIGNED = ["r1-alarabiya", "r1-almasryalyoum", "r1-hespress", "r1-youm7", "r2-aljazeera",
             "r2-shafaq", "r3-alrai"]  # fmt: skip


def _check_shown_as_written(paths: list[Path]) -> None:
    profile, config = load_voice(), Config()
    fallbacks = {}
    for path in paths:
        prepared = prepare_article(path, profile, config)
        shown = shown_sentences(prepared)
        fallbacks[path.name] = shown.fallbacks
        for segment, blocks in zip(prepared.script.segments, shown.blocks, strict=False):
            for block, sentences in zip(segment.blocks, blocks, strict=False):
                if sentences:  # the block as written, divided at the spoken sentences
                    assert " ".join(sentences) == normalize(block), (path.name, sentences)
    assert sum(fallbacks.values()) == 0, fallbacks


def test_the_articles_whose_sentences_did_not_line_up_are_shown_as_written() -> None:
    _check_shown_as_written([DATA / "blind" / f"{name}.txt" for name in UNALIGNED])


@pytest.mark.slow
def test_every_sentence_of_the_real_articles_is_shown_as_written() -> None:
    assert len(REAL) > 40
    _check_shown_as_written(REAL)


@pytest.mark.parametrize(
    ("block", "spoken", "shown"),
    [
        (  # expanded past 45 words, the sentence was split at a comma when spoken only
            "فيما بلغت 12.7 مليار درهم، منها 3,388 مبايعة. وقال إنه مستعد.",
            ("فيما بلغت اثنا عشر مليارا وسبعمئة مليون درهم،", "منها ثلاثة آلاف مبايعة.",
             "وقال إنه مستعد."),
            ("فيما بلغت 12.7 مليار درهم،", "منها 3,388 مبايعة.", "وقال إنه مستعد."),
        ),
        (  # a quote spoken as a pause that ends a sentence
            'وقالت اللجنة إن القرار "يعكس التغير في التكلفة".',
            ("وقالت اللجنة إن القرار،", "يعكس التغير في التكلفة."),
            ("وقالت اللجنة إن القرار", '"يعكس التغير في التكلفة".'),
        ),
        (  # an abbreviation whose dot ends a sentence only as written; a Latin name
            "استقبل د. أحمد وفد Netflix في القاهرة. وناقشا التعاون.",
            ("استقبل الدكتور أحمد وفد نتفليكس في القاهرة.", "وناقشا التعاون."),
            ("استقبل د. أحمد وفد Netflix في القاهرة.", "وناقشا التعاون."),
        ),
    ],
)  # fmt: skip
def test_written_words_are_aligned_where_sentences_do_not_line_up(
    block: str, spoken: tuple[str, ...], shown: tuple[str, ...]
) -> None:
    found = written_sentences(block, spoken)
    assert (found.sentences, found.fallbacks) == (shown, 0)


def test_a_boundary_inside_what_one_written_word_became_is_a_fallback() -> None:
    """Nothing in our rules splits inside an expansion; if it happened, the two sentences would
    be shown as spoken (the right words), and counted."""
    found = written_sentences("بلغ العدد 2025 حالة.", ("بلغ العدد ألفين", "وخمسة وعشرين حالة."))
    assert found.fallbacks == 2 and found.sentences == ("بلغ العدد ألفين", "وخمسة وعشرين حالة.")
