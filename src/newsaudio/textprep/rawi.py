"""text2tashkeel's rawi-v3 model, run through onnxruntime here: its voweling and, from the same
inference, how sure it is of every letter.

text2tashkeel's public API returns only the voweled string. The model file and its vocabulary ship
inside the wheel (``text2tashkeel/models``); we load them ourselves and decode exactly as the
package does (``rawi-v3``: a presence head — does this letter carry a mark? — and a value head —
which mark), so the text is byte-identical, and keep both heads' probabilities.

A letter's *label* is the part of its marks a listener hears: short vowels, tanween, shadda and the
dagger alef. Hamza and madda classes are folded into the label of the same vowel (the letters are
the author's, :func:`~newsaudio.textprep.diacritize.restore_letters` puts them back), and sukun is
folded into "no mark" (both read as a consonant with no vowel).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from typing import Any

import numpy as np

# (model file, vocabulary file) inside text2tashkeel/models, by model name.
MODEL_FILES = {"rawi-v3-int8": ("rawi_v3.int8.onnx", "rawi_v2.vocab.json")}
PRESENCE_THRESHOLD = 0.5  # text2tashkeel's default for two-head models
_HEARD = frozenset(chr(c) for c in range(0x064B, 0x0652)) | {"\u0670"}  # not sukun (U+0652)


@dataclass(frozen=True)
class LetterScores:
    """The model's view of a sentence's letters, one row per character of the sentence without
    marks. ``probs[i, k]``: probability that character ``i`` is read with label ``labels[k]``
    (rows of zeros for characters the model does not see); ``chosen[i]``: the label the model's
    decoding gave it (-1 where none)."""

    labels: tuple[str, ...]
    probs: np.ndarray[Any, np.dtype[np.float64]]
    chosen: np.ndarray[Any, np.dtype[np.int64]]

    def choosing(self, marks: Sequence[str]) -> LetterScores:
        """These scores with ``marks`` (one string per character) as the choice: a guard that
        re-voweled a letter the model spelled differently chose among the model's labels."""
        chosen = self.chosen.copy()
        for index, letter_marks in enumerate(marks):
            label = label_of(letter_marks)
            if chosen[index] >= 0 and label in self.labels:
                chosen[index] = self.labels.index(label)
        return LetterScores(self.labels, self.probs, chosen)


def label_of(marks: str) -> str:
    """The heard part of a letter's marks, in a canonical order.

    >>> label_of("\u0651\u064e") == label_of("\u064e\u0651"), label_of("\u0652")
    (True, '')
    >>> label_of("\u064e\u0654") == "\u064e"  # fatha and hamza: the hamza is in the letter
    True
    """
    return "".join(sorted(c for c in marks if c in _HEARD))


class RawiModel:
    """One ONNX session of a bundled rawi-v3 model and its vocabulary."""

    def __init__(self, model: str) -> None:
        import onnxruntime

        onnx_name, vocab_name = MODEL_FILES[model]
        folder = resources.files("text2tashkeel").joinpath("models")
        vocab = json.loads(folder.joinpath(vocab_name).read_text(encoding="utf-8"))
        self._char_ids: dict[str, int] = vocab["char_to_idx"]
        self._unknown = self._char_ids.get("<UNK>", 1)
        marks = {index: mark for mark, index in vocab["diac_to_idx"].items()}
        self._marks = [marks[i] for i in range(len(marks))]
        self.labels = tuple(sorted({label_of(m) for m in self._marks}))
        # Class → label, as a matrix: the label probabilities are the class probabilities times it.
        self._to_label = np.zeros((len(self._marks), len(self.labels)))
        for index, mark in enumerate(self._marks):
            self._to_label[index, self.labels.index(label_of(mark))] = 1.0
        self._class_label = self._to_label.argmax(axis=1)
        self._unmarked = self.labels.index("")
        options = onnxruntime.SessionOptions()
        path = folder.joinpath(onnx_name)
        self._session = onnxruntime.InferenceSession(
            path.read_bytes(), sess_options=options, providers=["CPUExecutionProvider"]
        )

    def predict(self, bare: str) -> tuple[str, LetterScores]:
        """``bare`` (no marks) voweled as text2tashkeel's rawi-v3 decoding gives it, and the
        scores of its characters."""
        # The model reads the NFD base characters: أ is ا plus a hamza class to predict.
        positions: list[int | None] = []
        base: list[str] = []
        for char in bare:
            seen = [c for c in unicodedata.normalize("NFD", char) if _model_sees(c)]
            positions.append(len(base) if len(seen) == 1 else None)
            base.extend(seen)
        labels = len(self.labels)
        probs = np.zeros((len(bare), labels))
        chosen = np.full(len(bare), -1, dtype=np.int64)
        if not base:
            return bare, LetterScores(self.labels, probs, chosen)
        ids = np.array([[self._char_ids.get(c, self._unknown) for c in base]], dtype=np.int64)
        presence_logits, values = self._session.run(["presence", "value"], {"input": ids})
        presence = 1.0 / (1.0 + np.exp(-presence_logits[0].astype(np.float64)))
        value = values[0].astype(np.float64)
        value = np.exp(value - value.max(axis=1, keepdims=True))
        value /= value.sum(axis=1, keepdims=True)
        gate = presence > PRESENCE_THRESHOLD
        best = value.argmax(axis=1)
        # P(label) = P(no mark) for "", plus P(mark) * P(class) over the classes of the label.
        model_probs = presence[:, None] * (value @ self._to_label)
        model_probs[:, self._unmarked] += 1.0 - presence
        model_chosen = np.where(gate, self._class_label[best], self._unmarked)
        text = []
        for char, is_marked, cls in zip(base, gate, best, strict=True):
            text.append(char)
            if is_marked and unicodedata.category(char).startswith("L"):
                text.append(self._marks[int(cls)])
        for index, position in enumerate(positions):
            if position is not None:
                probs[index] = model_probs[position]
                chosen[index] = model_chosen[position]
        scores = LetterScores(self.labels, probs, chosen)
        return unicodedata.normalize("NFC", "".join(text)), scores


def _model_sees(char: str) -> bool:
    """The rawi models drop symbols (So) and combining marks (Mn) from their input."""
    return unicodedata.category(char) not in ("So", "Mn")
