"""Corrections in text preparation: checked forms, and where a correction applies."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsaudio.errors import CorrectionError
from newsaudio.textprep import PreparedSegment
from newsaudio.textprep.corrections import (
    Correction,
    apply_corrections,
    check_form,
    correction,
    sentence_key,
)
from newsaudio.textprep.lexicon import add_entries, load_lexicon
from newsaudio.textprep.words import SpokenWord

FIRST = "قَالَ الْوَزِيرُ إِنَّ الْمِنْطَقَةَ آمِنَةٌ."
SECOND = "وَزَارَ الْوَزِيرُ الْمِنْطَقَهْ."


def _segment() -> PreparedSegment:
    words = tuple(
        tuple(SpokenWord(w, w, 0.3) for w in sentence.rstrip(".").split())
        for sentence in (FIRST, SECOND)
    )
    return PreparedSegment("section", "عنوان", ((FIRST, SECOND),), (), (), (words,))


@pytest.mark.parametrize(
    ("form", "problem"),
    [
        ("الْمَنْطِقَةُ<b>", "only Arabic letters and vowel marks, not '<'"),
        ("الْمَنْطِقَ\u202eةُ", "control or invisible characters (U+202E)"),
        ("الْمَنْطِقَةُ\x00", "control or invisible characters (U+0000)"),
        ("م" * 10_000, "is 10000 characters"),
        ("الْمَدِينَةُ", "does not have the letters of 'المنطقة'"),
        ("المنطقة", "has no vowel marks"),
        ("   ", "is empty"),
        ("Mintaqa", "not 'M'"),
    ],
)
def test_a_form_that_is_not_the_word_with_marks_is_refused(form: str, problem: str) -> None:
    with pytest.raises(CorrectionError, match=re.escape(problem)):
        check_form("المنطقة", form)


def test_a_pause_form_and_a_hamza_are_the_same_letters() -> None:
    assert check_form("المنطقه", "الْمَنْطِقَةُ") == "الْمَنْطِقَةُ"
    assert check_form("اسرائيل", "إِسْرَائِيل") == "إِسْرَائِيل"
    # A form typed as heard at a pause leaves the ending to the case-ending policy.
    made = correction("المنطقة", "الْمَنْطِقَهْ", "article")
    assert (made.written, made.spoken) == ("المنطقة", "الْمَنْطِقَة")
    with pytest.raises(CorrectionError, match="each mark after its letter"):
        check_form("المنطقة", "\u064eالْمَنْطِقَةُ")


def test_sentence_key_ignores_marks_and_pause_forms() -> None:
    assert sentence_key(FIRST) == sentence_key("قال الوزير ان المنطقه آمنه")


def test_an_article_correction_applies_to_every_sentence() -> None:
    fix = correction("المنطقة", "الْمَنْطِقَة", "article")
    (segment,) = apply_corrections([_segment()], [fix], "pausal")
    first, second = segment.blocks[0]
    # The case ending stays the model's where the form leaves the last letter bare, and the pause
    # form is made again where the sentence ends.
    assert "الْمَنْطِقَةَ" in first and "الْمِنْطَقَةَ" not in first
    assert second.endswith("الْمَنْطِقَهْ.")
    assert [w.spoken for w in segment.words[0][1]][2] == "الْمَنْطِقَهْ"
    assert segment.words[0][1][2].certain and segment.words[0][1][2].confidence == 1.0
    assert not segment.words[0][1][0].certain
    assert [c.rule for c in segment.changes] == ["correction", "correction"]


def test_a_sentence_correction_applies_to_its_sentence_only() -> None:
    fix = correction("الوزير", "الْوَزِيرِ", "sentence", SECOND)
    (segment,) = apply_corrections([_segment()], [fix], "pausal")
    assert segment.blocks[0] == (FIRST, "وَزَارَ الْوَزِيرِ الْمِنْطَقَهْ.")
    assert segment.words[0][0] == _segment().words[0][0]


def test_marking_a_word_right_makes_it_certain_and_changes_nothing() -> None:
    fix = correction("الوزير", "الْوَزِيرُ", "sentence", FIRST)
    (segment,) = apply_corrections([_segment()], [fix], "pausal")
    assert segment.blocks == _segment().blocks and segment.changes == ()
    assert segment.words[0][0][1].certain


def test_unknown_scope_is_refused() -> None:
    with pytest.raises(CorrectionError, match="unknown scope 'book'"):
        correction("الوزير", "الْوَزِيرُ", "book")  # type: ignore[arg-type]


def test_no_corrections_leave_the_segments_as_they_are() -> None:
    segment = _segment()
    assert apply_corrections([segment], [], "pausal") == (segment,)
    assert apply_corrections([segment], [Correction("x", "y", "all")], "pausal") == (segment,)


def test_every_article_corrections_go_into_the_lexicon_file(tmp_path: Path) -> None:
    lexicon = tmp_path / "lexicon.tsv"
    lexicon.write_text("# ours\nبوتين\tبُوتِينْ\nACME\tأَكْمِي\n", encoding="utf-8")
    add_entries(lexicon, {"بوتين": "بُوتِين", "المنطقة": "الْمَنْطِقَة"})
    assert lexicon.read_text(encoding="utf-8") == (
        "# ours\nACME\tأَكْمِي\nبوتين\tبُوتِين\nالمنطقة\tالْمَنْطِقَة\n"
    )
    assert load_lexicon(lexicon).arabic["المنطقة"] == "الْمَنْطِقَة"
