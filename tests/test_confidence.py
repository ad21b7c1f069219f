"""The words of the prepared script: aligned with the spoken sentences, certain where a rule, the
lexicon or the author decided them, scored and with alternatives where the model did (issue 22).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from newsaudio.reading.load import load_article
from newsaudio.reading.script import build_script
from newsaudio.speech.cache import AudioCache
from newsaudio.textprep import PreparedScript, TextOptions, prepare_script
from newsaudio.textprep.confidence import sound
from newsaudio.textprep.diacritize import strip_marks
from newsaudio.textprep.words import WORD, SpokenWord

from .conftest import BRIEF, DATA, SAMPLE

# Real articles of the repository (pages saved from seven sites) besides the sample.
REAL = [DATA / "blind" / "h-aljazeera.html", DATA / "blind" / "h-bbc.html"]


@pytest.fixture(scope="module")
def prepared() -> list[PreparedScript]:
    return [prepare_script(build_script(load_article(path))) for path in [SAMPLE, *REAL]]


def _sentences(script: PreparedScript) -> list[tuple[str, tuple[SpokenWord, ...]]]:
    return [
        (sentence, words)
        for segment in script.segments
        for block, word_block in zip(segment.blocks, segment.words, strict=True)
        for sentence, words in zip(block, word_block, strict=True)
    ]


def test_words_are_the_spoken_sentences_words(prepared: list[PreparedScript]) -> None:
    """words[b][s] are the words of blocks[b][s], in order, exactly as the engine gets them."""
    for script in prepared:
        sentences = _sentences(script)
        assert sentences
        for sentence, words in sentences:
            assert [w.spoken for w in words] == WORD.findall(sentence)
            for word in words:
                assert word.written == strip_marks(word.written)
                # pause forms write ta marbuta as ha: the written word keeps the author's letter
                assert strip_marks(word.spoken).replace("ه", "ة") == word.written.replace("ه", "ة")


def test_model_words_carry_scores_and_distinct_alternatives(
    prepared: list[PreparedScript],
) -> None:
    words = [w for script in prepared for _, ws in _sentences(script) for w in ws]
    model = [w for w in words if not w.certain]
    assert len(model) > 0.5 * len(words)
    assert all(0.0 <= w.confidence <= 1.0 for w in words)
    assert any(w.flagged for w in model) and not all(w.flagged for w in model)
    for word in model:
        assert len(word.alternatives) <= 3
        sounds = [sound(form) for form in (word.spoken, *word.alternatives)]
        assert len(set(sounds)) == len(sounds), word
        # an alternative is the same word voweled otherwise, never other letters
        for form in word.alternatives:
            assert strip_marks(form) == strip_marks(word.spoken)


def test_lexicon_rule_and_author_words_are_certain(tmp_path: Path) -> None:
    article = tmp_path / "a.md"
    article.write_text(
        f"# قال بوتين إن 15 جنديا وصلوا\n\nأعلن الكرملين رسميًّا أن عُلِم الخبر.\n\n{BRIEF}\n",
        encoding="utf-8",
    )
    script = prepare_script(build_script(load_article(article)))
    words = {w.written: w for _, ws in _sentences(script) for w in ws}
    assert words["بوتين"].decided_by == "lexicon"
    assert words["الكرملين"].decided_by == "lexicon"
    assert words["خمسة"].decided_by == "rule"
    assert words["رسميا"].decided_by == "author"
    assert words["علم"].decided_by == "author"
    for word in words.values():
        if word.certain:
            assert word.confidence == 1.0 and word.alternatives == () and not word.flagged


def test_alternatives_follow_the_case_ending_policy(tmp_path: Path) -> None:
    """An alternative is what the engine would be given: before a pause, a pausal form."""
    article = tmp_path / "a.md"
    article.write_text(f"# عنوان الخبر\n\n{BRIEF}\n", encoding="utf-8")
    script = build_script(load_article(article))
    for policy in ("pausal", "full"):
        prepared = prepare_script(script, TextOptions(case_endings=policy))
        last = next(ws[-1] for sentence, ws in _sentences(prepared) if sentence.endswith("."))
        paused = policy == "pausal"
        for form in (last.spoken, *last.alternatives):
            assert form.endswith("\u0652") == paused or form[-1] in "اوى"


def test_the_prepared_cache_keeps_the_words(prepared: list[PreparedScript], tmp_path: Path) -> None:
    cache = AudioCache(tmp_path / "cache", 10**9)
    original = prepared[0]
    cache.put_prepared("k" * 64, original)
    again = cache.get_prepared("k" * 64, original.script)
    assert again is not None and again.segments == original.segments
    assert any(w.alternatives for s in again.segments for b in s.words for ws in b for w in ws)
