"""The words of the prepared script: aligned with the spoken sentences, certain where a rule, the
lexicon or the author decided them, scored and with alternatives where the model did (issue 22).
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from newsaudio.reading.load import load_article
from newsaudio.reading.script import build_script
from newsaudio.speech.cache import AudioCache
from newsaudio.textprep import PreparedScript, TextOptions, prepare_script
from newsaudio.textprep.confidence import _scored, sound
from newsaudio.textprep.diacritize import clusters, strip_marks
from newsaudio.textprep.rawi import LetterScores
from newsaudio.textprep.words import WORD, SpokenWord

from .conftest import BRIEF, DATA, SAMPLE, run_cli

# A real page of the repository besides the sample (all of tests/data/blind and
# ../shared/data/pages-dev line up too: checked once, too slow for every run).
REAL = [DATA / "blind" / "h-alarabiya.html"]


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


def test_a_vowel_is_offered_before_no_vowel() -> None:
    """The models' "no mark" is sukun but also a letter left unmarked: كَتُبَ (damma, 0.2) comes
    before كَتبَ (no mark, 0.3) among the alternatives of كَتَبَ; the confidence is unchanged."""
    import numpy as np

    labels = ("", "\u064e", "\u064f")  # no mark, fatha, damma
    probs = np.array([[0, 1, 0], [0.3, 0.5, 0.2], [0, 1, 0]], dtype=np.float64)
    scores = LetterScores(labels, probs, np.array([1, 1, 1]))
    word = _scored("كتب", "كَتَبَ", clusters("كَتَبَ"), scores, 0, "full", False)
    assert word.alternatives == ("كَتُبَ", "كَتبَ")
    assert word.confidence == 0.5


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
    # The closing's phrases are newsaudio's, voweled in its data: a rule, not an author.
    closing = script.segments[-1]
    assert closing.kind == "closing"
    assert {w.decided_by for b in closing.words for ws in b for w in ws} == {"rule"}


def test_odd_text_still_lines_up(tmp_path: Path) -> None:
    """A stray mark before any letter, tatweel, Persian letters, emoji, Latin, a 90-letter word."""
    article = tmp_path / "a.md"
    article.write_text(
        "# \u064b عنوان ـــ غريب\n\nقال الوزيرُ إنّ الاتفاق تمّ 🎉 في گلستان. وقال Netflix إن "
        f"{'جدا' * 30} موجود. \u064c ثم غادر.\n\n{BRIEF}\n",
        encoding="utf-8",
    )
    script = prepare_script(build_script(load_article(article)))
    for sentence, words in _sentences(script):
        assert [w.spoken for w in words] == WORD.findall(sentence)


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


def test_text_json_shows_each_sentences_words() -> None:
    result = run_cli("text", SAMPLE, "--json")
    assert result.exit_code == 0
    rows = json.loads(result.stdout)
    for row in rows:
        assert {"kind", "title", "text", "sentences"} <= set(row)
        assert " ".join(s["text"] for s in row["sentences"]) == row["text"].replace("\n", " ")
        for sentence in row["sentences"]:
            assert [w["spoken"] for w in sentence["words"]] == WORD.findall(sentence["text"])
    words = [w for row in rows for s in row["sentences"] for w in s["words"]]
    assert set(words[0]) == {
        "written", "spoken", "confidence", "alternatives", "decided_by", "flagged"
    }  # fmt: skip
    assert {w["decided_by"] for w in words} >= {"model", "lexicon"}
    assert any(w["flagged"] for w in words)
    assert all(not w["flagged"] or w["decided_by"] == "model" for w in words)


def test_text_explain_marks_the_words_to_check() -> None:
    """Marked by a sign (⟦ ⟧), not a colour, and listed with their numbered alternatives."""
    plain = run_cli("text", SAMPLE).stdout
    explained = run_cli("text", SAMPLE, "--explain")
    assert explained.exit_code == 0
    marked = re.findall("⟦([^⟧]+)⟧", explained.stdout)
    checks = re.findall(r"^    check: (\S+) \((\d\.\d\d)\) → (.*)$", explained.stdout, re.M)
    assert marked and [word for word, _, _ in checks] == marked
    assert all(float(confidence) < 0.6 for _, confidence, _ in checks)
    assert any(options.startswith("1. ") for _, _, options in checks)
    # Without the marks, the text is the text as spoken.
    texts = [line for line in explained.stdout.splitlines() if "⟦" in line]
    assert all(line.replace("⟦", "").replace("⟧", "") in plain for line in texts)


def test_benchmark_runs_on_a_multi_reference_file() -> None:
    """benchmarks/confidence.py on a tiny gold file of the QCRI format ('/' between readings)."""
    result = subprocess.run(
        [sys.executable, "benchmarks/confidence.py", DATA / "confidence-gold.txt"],
        capture_output=True,
        text=True,
        cwd=Path(__file__).parents[1],
        check=True,
    )
    last = result.stdout.strip().splitlines()[-1]
    assert re.fullmatch(
        r"at 10% flagged: stem errors caught \d+%, heard errors caught \d+%, "
        r"right form offered \d+%",
        last,
    )
