"""The pronunciation lexicon: written forms with a fixed, voweled spoken form.

Entries come from ``data/lexicon.tsv`` (built in) and an optional project file (``lexicon.tsv`` by
default) whose entries override the built-in ones. Arabic entries are matched on the bare word —
vowel marks and hamza forms on alef are ignored — with the proclitics و ف ب ل ك attached, and
ل + ال written as لل. Latin entries match whole words, case-insensitively. The spoken form goes
into the text before diacritization; the diacritizer keeps marks that are already there, so the
lexicon decides every letter it marks.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, partial
from pathlib import Path

from newsaudio.errors import ConfigError
from newsaudio.files import atomic_path
from newsaudio.resources import data_text
from newsaudio.textprep.diacritize import clusters
from newsaudio.textprep.trace import NO_TRACE, Trace

_MARKS = re.compile("[\u064b-\u0652\u0670]")
# Letters a pause form or a light spelling may write otherwise: one for one, so positions hold.
_FOLD = str.maketrans({"ة": "ه", "ى": "ي", "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا"})
_SHADDA = "\u0651"
_ARABIC_WORD = re.compile(
    "[\u0621-\u063a\u0641-\u064a\u0671][\u0621-\u063a\u0641-\u0652\u0670\u0671]*"
)
_LATIN_WORD = re.compile(r"(?<![A-Za-z0-9])[A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*(?![A-Za-z0-9])")
# Proclitics that attach to a word, with the vowel they are read with.
_CONJUNCTIONS = {"و": "وَ", "ف": "فَ"}
_PREPOSITIONS = {"ب": "بِ", "ل": "لِ", "ك": "كَ"}


def lookup_key(word: str) -> str:
    """A word as the lexicon indexes it: no marks, one alef.

    >>> lookup_key("أُوكْرَانْيَا")
    'اوكرانيا'
    """
    return re.sub("[أإآٱ]", "ا", _MARKS.sub("", word))


def fold(text: str) -> str:
    """Letters that a pause form or a light spelling writes otherwise, made one: ta marbuta as
    ha, alef maqsura as ya, hamza forms of alef as alef (the same length as ``text``).

    >>> fold("الْمِنْطَقَةِ إلى")
    'الْمِنْطَقَهِ الي'
    """
    return text.translate(_FOLD)


@dataclass(frozen=True)
class Lexicon:
    """Arabic and Latin entries: lookup key → spoken form."""

    arabic: dict[str, str]
    latin: dict[str, str]

    def merged(self, other: Lexicon) -> Lexicon:
        """This lexicon with ``other``'s entries added, ``other`` winning on conflicts."""
        return Lexicon({**self.arabic, **other.arabic}, {**self.latin, **other.latin})


def read_entries(text: str, source: str) -> list[tuple[str, str]]:
    """The (written, spoken) lines of a ``written<TAB>spoken`` file, in order; ``#`` starts a
    comment line."""
    entries = []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("\t") if p.strip()]
        if len(parts) != 2:
            raise ConfigError(f"{source}:{number}: expected 'written<TAB>spoken', got {raw!r}")
        entries.append((parts[0], parts[1]))
    return entries


def lexicon_from(entries: list[tuple[str, str]]) -> Lexicon:
    """Entries as a lexicon (a later entry of the same word wins)."""
    arabic: dict[str, str] = {}
    latin: dict[str, str] = {}
    for written, spoken in entries:
        if re.match("[A-Za-z]", written):
            latin[written.casefold()] = spoken
        else:
            arabic[lookup_key(written)] = spoken
    return Lexicon(arabic, latin)


def parse_lexicon(text: str, source: str) -> Lexicon:
    """Parse a ``written<TAB>spoken`` file; ``#`` starts a comment line."""
    return lexicon_from(read_entries(text, source))


@cache
def builtin_lexicon() -> Lexicon:
    """The lexicon shipped with newsaudio."""
    return parse_lexicon(data_text("lexicon.tsv"), "newsaudio/data/lexicon.tsv")


def load_lexicon(project_file: Path | None = None) -> Lexicon:
    """The built-in lexicon, overridden by ``project_file`` when given."""
    if project_file is None:
        return builtin_lexicon()
    try:
        text = project_file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{project_file}: cannot read lexicon ({exc})") from exc
    return builtin_lexicon().merged(parse_lexicon(text, str(project_file)))


def add_entries(path: Path, entries: dict[str, str]) -> None:
    """Write ``entries`` (written → spoken) into the lexicon file at ``path`` (created if need
    be), each replacing a line of the same word; the file's other lines, comments included, stay
    as they are. Atomic: a reader sees the old file or the new one."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines() if path.exists() else []
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read lexicon ({exc})") from exc
    keys = {_entry_key(written) for written in entries}
    kept = [line for line in lines if _entry_key(line.split("\t")[0].strip()) not in keys]
    kept += [f"{written}\t{spoken}" for written, spoken in entries.items()]
    try:
        with atomic_path(path) as tmp:
            tmp.write_text("\n".join(kept) + "\n", encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot write lexicon ({exc.strerror or exc})") from exc


def _entry_key(written: str) -> str:
    """What makes two lines entries of one word: a Latin word case-folded, an Arabic one's key."""
    return written.casefold() if re.match("[A-Za-z]", written) else lookup_key(written)


def _splits(key: str) -> list[tuple[str, str, bool]]:
    """Ways to read ``key`` as proclitics + stem: (voweled proclitics, stem key, stem lost its
    alef). A stem keeps at least two letters."""
    splits = [("", key, False)]
    if key[:1] in _CONJUNCTIONS and len(key) > 2:
        splits.append((_CONJUNCTIONS[key[0]], key[1:], False))
    for prefix, stem, _ in list(splits):
        if stem[:1] in _PREPOSITIONS and len(stem) > 2:
            splits.append((prefix + _PREPOSITIONS[stem[0]], stem[1:], False))
        if stem.startswith("لل") and len(stem) > 3:
            # li + al- is written لل: للكرملين is لِ + الكرملين.
            splits.append((prefix + "لِ", "ال" + stem[2:], True))
    return splits


def spoken_arabic(word: str, lexicon: Lexicon) -> str | None:
    """The spoken form of ``word`` with any attached proclitics, or None if not in the lexicon.

    >>> spoken_arabic("وَلِبُوتَن", Lexicon({"بوتين": "بُوتِين", "بوتن": "بُوتِن"}, {}))
    'وَلِبُوتِن'
    """
    for prefix, stem, lost_alef in _splits(lookup_key(word)):
        spoken = lexicon.arabic.get(stem)
        if spoken is not None:
            # The alef of ال is not written after لِ: drop it and its marks from the entry.
            return prefix + (
                re.sub("^.[\u064b-\u0652\u0670]*", "", spoken) if lost_alef else spoken
            )
    return None


def apply_lexicon(text: str, lexicon: Lexicon, trace: Trace = NO_TRACE) -> str:
    """Replace every lexicon word (Arabic with clitics, multi-word names, Latin words)."""
    phrases = sorted((k for k in lexicon.arabic if " " in k), key=len, reverse=True)
    for phrase in phrases:
        spoken = lexicon.arabic[phrase]
        text = trace.sub("lexicon", _phrase_pattern(phrase), partial(_phrase, spoken=spoken), text)
    text = trace.sub(
        "lexicon",
        _ARABIC_WORD,
        lambda m: spoken_arabic(m.group(0), lexicon) or m.group(0),
        text,
    )
    return trace.sub("lexicon", _LATIN_WORD, lambda m: _spoken_latin(m[0], lexicon), text)


def _spoken_latin(token: str, lexicon: Lexicon) -> str:
    """A Latin token from the lexicon, whole ("F-16") or by its letter runs ("COP29" → COP + 29)."""
    whole = lexicon.latin.get(token.casefold())
    if whole is not None:
        return whole
    runs = re.findall(r"[A-Za-z]+|[^A-Za-z]+", token)
    if not any(run.casefold() in lexicon.latin for run in runs):
        return token
    # A hyphen before digits stays on the name, for the model-number rule: "Su-35" → "سُوخُوي-35".
    spoken = " ".join(lexicon.latin.get(run.casefold(), run) for run in runs)
    return re.sub(r" -(?=\d)", "-", spoken)


@cache
def _phrase_pattern(phrase: str) -> re.Pattern[str]:
    """A multi-word entry, marks and alef forms ignored, optional و/ف and ب/ل/ك in front."""
    letters = []
    for char in phrase:
        if char == " ":
            letters.append(r"\s+")
        elif char == "ا":
            letters.append("[اأإآٱ]")
        else:
            letters.append(re.escape(char))
        letters.append("[\u064b-\u0652\u0670]*")
    body = "".join(letters)
    # Proclitics may carry marks: the pattern also finds entries in diacritized text.
    pre = "(?:[وف][\u064b-\u0652]*)?(?:[بلك][\u064b-\u0652]*)?"
    return re.compile(f"(?<![\\w\u064b-\u0652])(?P<pre>{pre})(?P<body>{body})(?![\\w])")


def _proclitics(written: str) -> str:
    """Attached proclitics as read: و ف with fatha, ب ل with kasra, ك with fatha."""
    return "".join(_CONJUNCTIONS.get(c) or _PREPOSITIONS.get(c, c) for c in _MARKS.sub("", written))


def _phrase(match: re.Match[str], spoken: str) -> str:
    return _proclitics(match["pre"]) + spoken


# --- Entries imposed on diacritized text ----------------------------------------------------------


def impose_marks(form: str, voweled: str) -> str | None:
    """``voweled`` (diacritized words) voweled as ``form`` says: each letter takes ``form``'s
    letter and marks, a bare letter takes none, but a last letter without a vowel keeps
    ``voweled``'s (its case ending is the model's to give). None when the letters differ
    (hamza forms on alef, ta marbuta and ha, alef maqsura and ya count as the same letters;
    a pause form's ha is kept).

    >>> impose_marks("أُكْتُوبَر", "أُكْتُوَبَرُ"), impose_marks("قِطَاع", "قِطَّاعٌ")
    ('أُكْتُوبَرُ', 'قِطَاعٌ')
    >>> impose_marks("المَنْطِقَة", "الْمِنْطَقَهْ"), impose_marks("بيت", "بَيْتُ")
    ('المَنْطِقَهْ', None)
    """
    wanted, given = form.split(), voweled.split()
    if len(wanted) != len(given) or not _MARKS.search(form):
        return None
    words = []
    for want, have in zip(wanted, given, strict=True):
        ours, theirs = clusters(want), clusters(have)
        if [fold(b) for b, _ in ours] != [fold(b) for b, _ in theirs]:
            return None
        word = []
        for index, ((letter, marks), (model_letter, model_marks)) in enumerate(
            zip(ours, theirs, strict=True)
        ):
            last = index == len(ours) - 1
            if last and letter == "ة" and model_letter == "ه":
                letter = model_letter  # the pause form, as the case-ending policy wrote it
            if last and not marks.replace(_SHADDA, ""):
                # No vowel on the last letter: the case ending is the model's, and so is its
                # shadda unless the entry writes one (الرُّوسِيّ).
                doubled = _SHADDA in (marks or model_marks)
                marks = (_SHADDA if doubled else "") + model_marks.replace(_SHADDA, "")
            word.append(letter + marks)
        words.append("".join(word))
    return unicodedata.normalize("NFC", " ".join(words))


def lexicon_spans(
    sentence: str, lexicon: Lexicon, matched: str | None = None
) -> list[tuple[int, int, str]]:
    """Where ``lexicon``'s voweled entries occur in the diacritized ``sentence``: (start, end,
    the text voweled as the entry says), in order; phrases before the words inside them.
    ``matched``, when given, is what the entries are looked up in: ``sentence`` with letters
    folded one for one (the same length), its keys folded alike."""
    text = sentence if matched is None else matched
    spans: list[tuple[int, int, str]] = []

    def add(start: int, end: int, form: str | None) -> None:
        if form is None or any(s < end and start < e for s, e, _ in spans):
            return
        imposed = impose_marks(form, sentence[start:end])
        if imposed is not None:
            spans.append((start, end, imposed))

    for phrase in sorted((k for k in lexicon.arabic if " " in k), key=len, reverse=True):
        for match in _phrase_pattern(phrase).finditer(text):
            add(match.start(), match.end(), _phrase(match, lexicon.arabic[phrase]))
    for match in _ARABIC_WORD.finditer(text):
        add(match.start(), match.end(), spoken_arabic(match[0], lexicon))
    return sorted(spans)


def enforce_lexicon(sentence: str, lexicon: Lexicon, trace: Trace = NO_TRACE) -> str:
    """``sentence``, diacritized, with every lexicon word voweled exactly as its entry: the
    diacritizer keeps the marks the entry wrote, but adds its own to letters the entry left bare
    (a long vowel: أُكْتُوبَر became أُكْتُوَبَر) and a shadda the entry has not (قِطَاع became
    قِطَّاع). An entry without marks is a respelling: its vowels are the model's."""
    out, done = [], 0
    for start, end, imposed in lexicon_spans(sentence, lexicon):
        trace.record("lexicon", sentence[start:end], imposed)
        out += [sentence[done:start], imposed]
        done = end
    return "".join(out) + sentence[done:]
