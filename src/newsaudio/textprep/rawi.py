"""text2tashkeel's rawi models, run through onnxruntime here: the voweling and, from the same
inferences, how sure the models are of every letter.

text2tashkeel's public API returns only the voweled string. The model files and their vocabularies
ship inside the wheel (``text2tashkeel/models``); we load them ourselves. The text comes from
``rawi-v3-int8``, decoded exactly as the package decodes it (a presence head — does this letter
carry a mark? — and a value head — which mark), so it is byte-identical. Two more bundled models of
the family, rawi-v2 and rawi (v1), trained apart, give their own probabilities for the same letters
(:data:`SECOND_OPINIONS`): where they disagree with rawi-v3 the letter is less certain. Measured
with benchmarks/confidence.py, the three together find a third more of the errors at the same
number of words flagged than rawi-v3's probabilities alone (README, Diacritization); each costs one
more inference of the same size.

A letter's *label* is the part of its marks a listener hears: short vowels, tanween, shadda and the
dagger alef. Hamza and madda classes are folded into the label of the same vowel (the letters are
the author's, :func:`~newsaudio.textprep.diacritize.restore_letters` puts them back), and sukun is
folded into "no mark" (both read as a consonant with no vowel).
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache
from importlib import resources
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np

# (model file, vocabulary file) inside text2tashkeel/models, by model name.
MODEL_FILES = {
    "rawi-v3-int8": ("rawi_v3.int8.onnx", "rawi_v2.vocab.json"),
    "rawi-v2-int8": ("rawi_v2.int8.onnx", "rawi_v2.vocab.json"),
    "rawi-int8": ("rawi.int8.onnx", "rawi.vocab.json"),
}
# Models that vowel text (two heads, decoded as text2tashkeel does).
VOWELING_MODELS = frozenset({"rawi-v3-int8"})
# Models whose probabilities are averaged with the voweling model's, and their weights (the
# voweling model weighs the rest): chosen on the first half of WikiNews, benchmarks/confidence.py.
SECOND_OPINIONS = {"rawi-v2-int8": 0.25, "rawi-int8": 0.25}
PRESENCE_THRESHOLD = 0.5  # text2tashkeel's default for two-head models
_HEARD = frozenset(chr(c) for c in range(0x064B, 0x0652)) | {"\u0670"}  # not sukun (U+0652)


def _no_opinions() -> np.ndarray[Any, np.dtype[np.int64]]:
    import numpy as np

    return np.zeros((0, 0), dtype=np.int64)


@dataclass(frozen=True)
class LetterScores:
    """The models' view of a sentence's letters, one row per character of the sentence without
    marks. ``probs[i, k]``: probability that character ``i`` is read with label ``labels[k]``
    (rows of zeros for characters the models do not see); ``chosen[i]``: the label the voweling
    gave it (-1 where none)."""

    labels: tuple[str, ...]
    probs: np.ndarray[Any, np.dtype[np.float64]]
    chosen: np.ndarray[Any, np.dtype[np.int64]]
    # Each second opinion's likeliest label per character (one column per model).
    opinions: np.ndarray[Any, np.dtype[np.int64]] = field(default_factory=_no_opinions)

    def choosing(self, marks: Sequence[str]) -> LetterScores:
        """These scores with ``marks`` (one string per character) as the choice: a guard that
        re-voweled a letter the model spelled differently chose among the model's labels."""
        chosen = self.chosen.copy()
        for index, letter_marks in enumerate(marks):
            label = label_of(letter_marks)
            if chosen[index] >= 0 and label in self.labels:
                chosen[index] = self.labels.index(label)
        return LetterScores(self.labels, self.probs, chosen, self.opinions)

    def averaged(self, others: Sequence[tuple[np.ndarray[Any, Any], float]]) -> LetterScores:
        """These scores with other models' probabilities (``probs`` rows and weight) averaged in;
        this model weighs what the others leave of 1."""
        import numpy as np

        probs = self.probs * (1.0 - sum(weight for _, weight in others))
        for other, weight in others:
            probs = probs + weight * other
        opinions = np.stack([other.argmax(axis=1) for other, _ in others], axis=1)
        return LetterScores(self.labels, probs, self.chosen, opinions)


@cache
def label_of(marks: str) -> str:
    """The heard part of a letter's marks, in a canonical order.

    >>> label_of("\u0651\u064e") == label_of("\u064e\u0651"), label_of("\u0652")
    (True, '')
    >>> label_of("\u064e\u0654") == "\u064e"  # fatha and hamza: the hamza is in the letter
    True
    """
    return "".join(sorted(c for c in marks if c in _HEARD))


class RawiModel:
    """One ONNX session of a bundled rawi model and its vocabulary. Two-head models (rawi-v3)
    decode as text2tashkeel does; single-head ones (rawi-v2, rawi) give probabilities only.
    ``labels`` fixes the label order (another model's, to average with it)."""

    def __init__(self, model: str, labels: tuple[str, ...] | None = None) -> None:
        import numpy as np
        import onnxruntime

        onnx_name, vocab_name = MODEL_FILES[model]
        folder = resources.files("text2tashkeel").joinpath("models")
        vocab = json.loads(folder.joinpath(vocab_name).read_text(encoding="utf-8"))
        self._char_ids: dict[str, int] = vocab["char_to_idx"]
        self._unknown = self._char_ids.get("<UNK>", 1)
        marks = {index: mark for mark, index in vocab["diac_to_idx"].items()}
        self._marks = [marks[i] for i in range(len(marks))]
        self.labels = labels or tuple(sorted({label_of(m) for m in self._marks}))
        self._unmarked = self.labels.index("")
        # Class → label, as a matrix: the label probabilities are the class probabilities times
        # it. A class whose label the order lacks counts as no mark.
        self._to_label = np.zeros((len(self._marks), len(self.labels)))
        for index, mark in enumerate(self._marks):
            label = label_of(mark)
            column = self.labels.index(label) if label in self.labels else self._unmarked
            self._to_label[index, column] = 1.0
        self._class_label = self._to_label.argmax(axis=1)
        options = onnxruntime.SessionOptions()
        # One thread: a sentence is a few hundred steps of a small LSTM, and a pool's threads
        # spin waiting for work — on two cores, 2.5 times the CPU time for the same answer.
        options.intra_op_num_threads = options.inter_op_num_threads = 1
        # No arena: it would keep each model's memory for its longest sentence (three models,
        # 100 MB after one 2,000-letter line, against 37 MB), for 3 % of their time.
        options.enable_cpu_mem_arena = False
        with resources.as_file(folder.joinpath(onnx_name)) as path:  # read from the file: 7 MB less
            self._session = onnxruntime.InferenceSession(
                str(path), sess_options=options, providers=["CPUExecutionProvider"]
            )
        self._two_heads = [o.name for o in self._session.get_outputs()] == ["presence", "value"]

    def predict(self, bare: str) -> tuple[str, LetterScores]:
        """``bare`` (no marks) voweled as text2tashkeel's decoding gives it (single-head models:
        ``bare`` itself), and the scores of its characters."""
        import numpy as np

        positions, base = _model_input(bare)
        probs = np.zeros((len(bare), len(self.labels)))
        chosen = np.full(len(bare), -1, dtype=np.int64)
        if not base:
            return bare, LetterScores(self.labels, probs, chosen)
        ids = np.array([[self._char_ids.get(c, self._unknown) for c in base]], dtype=np.int64)
        outputs = self._session.run(None, {"input": ids})
        if self._two_heads:
            presence = 1.0 / (1.0 + np.exp(-outputs[0][0].astype(np.float64)))
            value = _softmax(outputs[1][0])
        else:
            presence, value = np.ones(len(base)), _softmax(outputs[0][0])
        # P(label) = P(no mark) for "", plus P(mark) * P(class) over the classes of the label.
        model_probs = presence[:, None] * (value @ self._to_label)
        model_probs[:, self._unmarked] += 1.0 - presence
        gate = presence > PRESENCE_THRESHOLD
        best = value.argmax(axis=1)
        model_chosen = np.where(gate, self._class_label[best], self._unmarked)
        for index, position in enumerate(positions):
            if position is not None:
                probs[index] = model_probs[position]
                chosen[index] = model_chosen[position]
        scores = LetterScores(self.labels, probs, chosen)
        if not self._two_heads:
            return bare, scores
        text = []
        for char, is_marked, cls in zip(base, gate, best, strict=True):
            text.append(char)
            if is_marked and unicodedata.category(char).startswith("L"):
                text.append(self._marks[int(cls)])
        return unicodedata.normalize("NFC", "".join(text)), scores


def _softmax(logits: np.ndarray[Any, Any]) -> np.ndarray[Any, np.dtype[np.float64]]:
    import numpy as np

    values = np.exp(logits.astype(np.float64) - logits.max(axis=1, keepdims=True))
    result: np.ndarray[Any, np.dtype[np.float64]] = values / values.sum(axis=1, keepdims=True)
    return result


@lru_cache(maxsize=4)  # the models of an ensemble read the same sentence one after another
def _model_input(bare: str) -> tuple[tuple[int | None, ...], str]:
    """What the rawi models read of ``bare``: its NFD base characters without symbols (So) and
    combining marks (Mn) — أ is ا plus a hamza class to predict — and, for each character of
    ``bare``, its position there (None for a character that is not exactly one of them)."""
    positions: list[int | None] = []
    base: list[str] = []
    for char in bare:
        decomposed = unicodedata.normalize("NFD", char)
        seen = [c for c in decomposed if unicodedata.category(c) not in ("So", "Mn")]
        positions.append(len(base) if len(seen) == 1 else None)
        base.extend(seen)
    return tuple(positions), "".join(base)
