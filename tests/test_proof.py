"""``newsaudio proof`` without a browser: the words listed, corrections applied from the command
line, kept by later renders, ``feed --rebuild`` and a lost catalog, and hostile input refused.

One short real article is rendered once (real engine); each test works on a copy of its folder,
naming the episode by its article, as a proofreader on another machine would."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from mutagen.id3 import ID3

from newsaudio.publishing.catalog import CATALOG_FILE
from newsaudio.publishing.sources import SOURCES_FILE
from newsaudio.publishing.tags import CORRECTIONS_DESC

from .conftest import BRIEF, read_feed, run_cli, sigint_as_usual, snapshot

ARTICLE = (
    "# الوزير يزور المنطقة\n\n"
    f"{BRIEF}\n\n"
    "## الزيارة\n\n"
    "وزار الوزير المنطقة صباح اليوم. وقال إن المنطقة آمنة تماما.\n"
)
SLUG = "visit"


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("proof-cache")


@pytest.fixture(autouse=True)
def own_cache(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """One cache for the module (it holds the sentences and where the episode came from)."""
    monkeypatch.setenv("NEWSAUDIO_CACHE_DIR", str(cache))


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory, cache: Path) -> Path:
    root = tmp_path_factory.mktemp("proof-article-folder")
    article = root / f"{SLUG}.md"
    article.write_text(ARTICLE, encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NEWSAUDIO_CACHE_DIR", str(cache))
        result = run_cli("render", article, "--out", root / "out", "--quiet")
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def out(rendered: Path, tmp_path: Path) -> Iterator[Path]:
    """A copy of the rendered folder (its article stays where it was rendered from)."""
    copy = tmp_path / "out"
    shutil.copytree(rendered / "out", copy)
    yield copy


def _article(rendered: Path) -> Path:
    return rendered / f"{SLUG}.md"


def _view(out: Path, target: str) -> dict:  # type: ignore[type-arg]
    result = run_cli("proof", target, "--out", out, "--list", "--json")
    assert result.exit_code == 0, result.output
    view: dict = json.loads(result.stdout)  # type: ignore[type-arg]
    return view


def _words(view: dict) -> list[dict]:  # type: ignore[type-arg]
    return [w for s in view["segments"] for t in s["sentences"] for w in t["words"]]


def _other_form(spoken: str, shift: int = 1) -> str:
    """``spoken`` with its first vowel changed (by ``shift`` among fatha, damma, kasra): a
    different form of the same letters."""
    vowels = "\u064e\u064f\u0650"
    for i, char in enumerate(spoken):
        if char in vowels:
            return spoken[:i] + vowels[(vowels.index(char) + shift) % 3] + spoken[i + 1 :]
    return spoken[:1] + vowels[0] + spoken[1:]


def test_list_shows_the_script_and_the_words_to_check(rendered: Path, out: Path) -> None:
    result = run_cli("proof", _article(rendered), "--out", out, "--list")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f"{SLUG}: ")
    assert "words to check (of " in result.stdout
    view = _view(out, SLUG)
    assert view["episode"]["slug"] == SLUG
    assert view["to_check"] == len(view["flagged"])
    spoken = [t["spoken"] for s in view["segments"] for t in s["sentences"]]
    assert (out / f"{SLUG}.txt").read_text(encoding="utf-8").count(spoken[0]) == 1
    # Every sentence is placed in the MP3 by its captions, in order.
    times = [(t["start_ms"], t["end_ms"]) for s in view["segments"] for t in s["sentences"]]
    assert all(start is not None and start < end for start, end in times)
    assert times == sorted(times)


def test_an_article_correction_renders_again_and_lasts(rendered: Path, out: Path) -> None:
    article = _article(rendered)
    words = _words(_view(out, str(article)))
    # Its form inside a sentence (at a pause the ending is the policy's).
    current = next(
        w["spoken"] for w in words if w["written"] == "المنطقة" and w["spoken"][-1] != "\u0652"
    )
    form = _other_form(current)
    guid = read_feed(out / "feed.xml").entries[0].id
    mp3 = (out / f"{SLUG}.mp3").read_bytes()

    holding = len({w["sentence"] for w in words if w["written"] == "المنطقة"})
    assert holding == 4  # the headline, the brief's sentence, both of the last paragraph

    result = run_cli("proof", SLUG, "--out", out, "--fix", f"المنطقة={form}", "--scope", "article")
    assert result.exit_code == 0, result.output
    # The sentences that hold the word, and only those, are spoken again.
    assert f"1 correction, {holding} sentences spoken again ({holding} changed)" in result.stdout
    assert (out / f"{SLUG}.mp3").read_bytes() != mp3
    entries = read_feed(out / "feed.xml").entries
    assert [e.id for e in entries] == [guid]
    view = _view(out, SLUG)
    assert view["corrections"] == [
        {"written": "المنطقة", "spoken": form, "scope": "article", "sentence": ""}
    ]
    assert {w["corrected"] for w in _words(view) if w["written"] == "المنطقة"} == {"article"}
    carried = ID3(out / f"{SLUG}.mp3").getall(f"TXXX:{CORRECTIONS_DESC}")
    assert carried and form in carried[0].text[0]

    # A later render of the article keeps it (and speaks nothing again).
    result = run_cli("render", article, "--out", out, "--quiet")
    assert result.exit_code == 0, result.output
    assert _view(out, SLUG)["corrections"] == view["corrections"]

    # So does a rebuild of the catalog, and one from the MP3s alone.
    assert run_cli("feed", "--rebuild", "--out", out).exit_code == 0
    assert _view(out, SLUG)["corrections"] == view["corrections"]
    for name in (CATALOG_FILE, f"{CATALOG_FILE}-wal", f"{CATALOG_FILE}-shm"):
        (out / name).unlink(missing_ok=True)
    assert run_cli("feed", "--rebuild", "--out", out).exit_code == 0
    assert _view(out, SLUG)["corrections"] == view["corrections"]
    assert [e.id for e in read_feed(out / "feed.xml").entries] == [guid]

    # Removing the episode removes its corrections: another article may take the name.
    assert run_cli("episodes", "remove", SLUG, "--out", out).exit_code == 0
    with sqlite3.connect(out / CATALOG_FILE) as db:
        assert db.execute("SELECT count(*) FROM corrections").fetchone() == (0,)


def test_a_sentence_correction_speaks_one_sentence_again(rendered: Path, out: Path) -> None:
    words = _words(_view(out, str(_article(rendered))))
    current = next(w["spoken"] for w in words if w["written"] == "آمنة")
    result = run_cli("proof", SLUG, "--out", out, "--fix", f"آمنة={_other_form(current)}")
    assert result.exit_code == 0, result.output
    assert "1 correction, 1 sentence spoken again (1 changed)" in result.stdout


def test_the_source_is_kept_out_of_the_published_folder(rendered: Path, cache: Path) -> None:
    """Re-rendering needs the article's path; the folder is made to be published. (The path in
    the catalog's and the record's identity is issue 24's to remove.)"""
    out = rendered / "out"
    assert (cache / SOURCES_FILE).is_file()
    assert not [p for p in out.rglob("*") if "source" in p.name]
    with sqlite3.connect(cache / SOURCES_FILE) as db:
        noted = db.execute("SELECT source FROM sources WHERE folder = ?", (str(out),)).fetchall()
    assert noted == [(str(_article(rendered)),)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--fix", "آمنة=<b>آمِنَةٌ</b>"], "only Arabic letters and vowel marks"),
        (["--fix", "آمنة=آمِنَةٌ\u202e"], "control or invisible characters"),
        (["--fix", "آمنة=" + "م" * 10_000], "a correction is a word or a name"),
        (["--fix", "آمنة=سَالِمَةٌ"], "does not have the letters of"),
        (["--fix", "المنطقة=الْمَنْطِقَةُ"], "is in 4 sentences; give --scope article"),
        (["--fix", "الوزير=الْوَزِيرُ"], "is in 2 sentences; give --scope article"),
        (["--fix", "القمر=الْقَمَرُ"], "'القمر' is not in the script"),
        (["--fix", "المنطقة=الْمَنْطِقَةُ", "--scope", "book"], "unknown scope 'book'"),
        (["--fix", "99=1"], "no flagged word 99"),
        (["--fix", "المنطقة"], "give WORD=FORM"),
    ],
)
def test_hostile_fixes_are_one_line_and_change_nothing(
    rendered: Path, out: Path, args: list[str], message: str
) -> None:
    assert run_cli("proof", _article(rendered), "--out", out, "--list").exit_code == 0
    before = _state(out)
    result = run_cli("proof", SLUG, "--out", out, *args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 or "Usage" in result.stderr
    assert _state(out) == before


def _state(out: Path) -> tuple[dict[str, str], list[tuple[object, ...]]]:
    """The folder's files (SQLite's WAL files aside) and the catalog's rows."""
    files = {k: v for k, v in snapshot(out).items() if not k.endswith(("-wal", "-shm"))}
    with sqlite3.connect(out / CATALOG_FILE) as db:
        rows = [*db.execute("SELECT * FROM episodes"), *db.execute("SELECT * FROM corrections")]
    return files, sorted(rows, key=repr)


def test_unknown_episode_is_one_line(out: Path, tmp_path: Path) -> None:
    result = run_cli("proof", "no-such-episode", "--out", out, "--list")
    assert result.exit_code == 2
    assert "no episode 'no-such-episode'" in result.stderr
    elsewhere = tmp_path / "elsewhere.md"
    elsewhere.write_text(f"# خبر آخر\n\n{BRIEF}\n", encoding="utf-8")
    result = run_cli("proof", elsewhere, "--out", out, "--list")
    assert result.exit_code == 2
    assert "has no episode in" in result.stderr


def test_a_folder_moved_elsewhere_asks_for_the_article(out: Path) -> None:
    result = run_cli("proof", SLUG, "--out", out, "--list")
    assert result.exit_code == 2
    assert "is not known on this machine" in result.stderr
    assert "newsaudio proof ARTICLE" in result.stderr


def test_the_page_is_served_until_ctrl_c(rendered: Path, cache: Path) -> None:
    """`newsaudio proof` as a user runs it: prints its address, serves the page there only, and
    stops on Ctrl-C."""
    command = [sys.executable, "-m", "newsaudio", "proof", _article(rendered)]
    child = subprocess.Popen(
        [*command, "--out", rendered / "out"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "NEWSAUDIO_CACHE_DIR": str(cache)},
        preexec_fn=sigint_as_usual,
    )
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        match = re.match(r"Proofing visit at (http://127\.0\.0\.1:\d+/[\w-]{20,}/) \(Ctrl-C", line)
        assert match, line
        page = httpx.get(match[1])
        assert page.status_code == 200 and "words to check" in page.text
        assert httpx.get(match[1].rsplit("/", 2)[0] + "/").status_code == 403
    finally:
        child.send_signal(signal.SIGINT)
        _, stderr = child.communicate(timeout=30)
    assert child.returncode == 0, stderr
    assert "Stopped." in stderr


def test_an_edition_is_proofed_through_its_articles(out: Path) -> None:
    with sqlite3.connect(out / CATALOG_FILE) as db:
        db.execute("UPDATE episodes SET identity = 'newsaudio:edition:visit'")
    result = run_cli("proof", SLUG, "--out", out, "--list")
    assert result.exit_code == 2
    assert "is an edition; proof its articles' own episodes" in result.stderr


def test_an_every_article_correction_goes_into_the_project_lexicon(
    rendered: Path, out: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    monkeypatch.chdir(project)
    words = _words(_view(out, str(_article(rendered))))
    current = next(w["spoken"] for w in words if w["written"] == "آمنة")
    form = _other_form(current, shift=2)  # not the sentence test's form: not in the cache
    result = run_cli("proof", SLUG, "--out", out, "--fix", f"آمنة={form}", "--scope", "all")
    assert result.exit_code == 0, result.output
    assert "1 correction, 1 sentence spoken again (1 changed)" in result.stdout
    assert (project / "lexicon.tsv").read_text(encoding="utf-8") == f"آمنة\t{form}\n"
    assert _view(out, SLUG)["corrections"] == []  # the lexicon's, not the episode's
    spoken = {w["spoken"] for w in _words(_view(out, SLUG)) if w["written"] == "آمنة"}
    assert spoken == {form}
