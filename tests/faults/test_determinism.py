"""The determinism class of the fault catalogue: the cache never changes the output. A render that
takes sentences from the cache (spoken in another render, another process, another order) and a
render without the cache give the same bytes in every file; only the time of the render differs,
which is masked. eSpeak NG keeps state from one sentence to the next (its pitch flutter), so a
cached sentence sounded a little different from the same sentence spoken in place: chapter times
moved by ~20 ms; and the prepared text lost the words' confidence on its way through the cache."""

from __future__ import annotations

import json
import re
import sqlite3
import zipfile
from dataclasses import fields
from pathlib import Path

from newsaudio.publishing.catalog import CATALOG_FILE
from newsaudio.reading.article import Article
from newsaudio.reading.script import Script, Segment
from newsaudio.speech.cache import AudioCache
from newsaudio.textprep import PreparedScript, PreparedSegment
from newsaudio.textprep.trace import Change
from newsaudio.textprep.words import SpokenWord
from tests.conftest import BRIEF, run_cli

# What may differ between two renders of the same article: when each was rendered (the episode
# record's and the catalog's "rendered"), and the MP3's modification time the catalog notes.
MASKED = ("rendered", "audio_mtime_ns")
# And the EPUB's last modification, which EPUB 3 requires (the time of the render).
_MODIFIED = re.compile(rb'(?<=<meta property="dcterms:modified">)[^<]*')

_EARLIER = "وأعلنت الحكومة مساء أمس عن خطة جديدة لدعم المزارعين في المناطق المتضررة من الجفاف."
_REPEATED = "وقال شهود عيان إن الطرق المؤدية إلى المدينة أغلقت بالكامل."


def _article(path: Path, lead: str) -> Path:
    """A dated article (its date, not the render's, is published) with a sentence heard twice."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        "---\ndate: 2025-03-02\n---\n"
        f"# الأمطار تغلق الطرق في الشمال\n\n{lead}{BRIEF} {_REPEATED}\n\n"
        f"## شهود عيان\n\n{_REPEATED}\n",
        encoding="utf-8",
    )
    return path


def _published(out: Path) -> dict[str, object]:
    """Every file of ``out`` by name: its bytes, the masked fields of the JSON record aside, and
    the catalog as its rows (SQLite's pages hold free space and times)."""
    files: dict[str, object] = {}
    for path in sorted(out.iterdir()):
        if path.name == CATALOG_FILE:
            with sqlite3.connect(path) as db:
                db.row_factory = sqlite3.Row
                rows = [dict(row) for row in db.execute("SELECT * FROM episodes")]
            files[path.name] = [{k: v for k, v in r.items() if k not in MASKED} for r in rows]
        elif path.suffix == ".epub":
            with zipfile.ZipFile(path) as book:
                files[path.name] = {
                    name: _MODIFIED.sub(b"(masked)", book.read(name)) for name in book.namelist()
                }
        elif path.name.endswith(".episode.json"):
            record = json.loads(path.read_text(encoding="utf-8"))
            files[path.name] = {k: v for k, v in record.items() if k not in MASKED}
        elif path.is_file():
            files[path.name] = path.read_bytes()
    return files


def test_a_cached_render_is_byte_identical_to_an_uncached_one(tmp_path: Path) -> None:
    article = _article(tmp_path / "final" / "rain.md", "")
    # The cache is warmed by an earlier version of the article: one more sentence at the start.
    earlier = _article(tmp_path / "draft" / "rain.md", _EARLIER + " ")
    fast = ("-q", "--voice", "ar-espeak-screenreader")  # less audio to master: a quicker test
    assert run_cli("render", earlier, "--out", tmp_path / "draft-out", *fast).exit_code == 0
    cached = run_cli("render", article, "--out", tmp_path / "cached", *fast, "--epub")
    uncached = run_cli(
        "render", article, "--out", tmp_path / "uncached", *fast, "--epub", "--no-cache"
    )
    assert cached.exit_code == 0 and uncached.exit_code == 0, cached.stderr + uncached.stderr
    with_cache, without = _published(tmp_path / "cached"), _published(tmp_path / "uncached")
    assert with_cache.keys() == without.keys()
    differ = [name for name in without if with_cache[name] != without[name]]
    assert differ == [], differ


def test_the_prepared_text_keeps_every_field_through_the_cache(tmp_path: Path) -> None:
    """Every field of a prepared segment is set here: a field added later and left out of the
    cache fails this test, instead of vanishing from cached renders only."""
    word = SpokenWord("الطرق", "الطُّرُقُ", 0.62, ("الطَّرْقُ", "الطُّرْقُ"), "model")
    segment = PreparedSegment(
        "headline",
        "العنوان",
        (("الطُّرُقُ مُغْلَقَةٌ",),),
        (Change("number", "15", "خمسة عشر"),),
        (("الطرق مغلقة",),),
        (((word, SpokenWord("مغلقة", "مُغْلَقَةٌ", 1.0, (), "rule")),),),
        spoken_title=False,
    )
    unset = [f.name for f in fields(PreparedSegment) if getattr(segment, f.name) == f.default]
    assert unset == [], f"set {unset} in this test"
    script = Script(Article("x.md", "العنوان"), (Segment("headline", "العنوان", ("الطرق مغلقة",)),))
    cache = AudioCache(tmp_path / "cache", 10**9)
    cache.put_prepared("k" * 64, PreparedScript(script, (segment,)))
    back = cache.get_prepared("k" * 64, script)
    assert back is not None and back.segments == (segment,)
