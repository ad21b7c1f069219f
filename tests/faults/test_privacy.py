"""The privacy class of the fault catalogue: nothing private is published. The output folder is
made to be served, so no file in it may name where the input lay on this machine (a user's name,
the folder layout): not the feed, the page, the JSON chapters, the transcripts, the MP3's tags,
the EPUB or DAISY books, the episode records or the catalog, not even in SQLite's free pages.
The episode records and the catalog held the article's absolute path; an earlier version's are
cleaned by the next command that writes."""

from __future__ import annotations

import io
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path

import pytest

from newsaudio.publishing.catalog import CATALOG_FILE, Catalog
from newsaudio.speech.cache import ENV_DIR
from tests.conftest import BRIEF, run_cli

# A folder name that stands for a user's: found anywhere in the output, it was published.
PRIVATE = "Private-User-Folder"
_ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")  # ID3v2.3 keeps Arabic text in UTF-16


def _leaks(data: bytes, where: str) -> list[str]:
    """Where ``data`` (a file's bytes, zips opened) names the private folder."""
    found = [f"{where} ({codec})" for codec in _ENCODINGS if PRIVATE.encode(codec) in data]
    if data[:4] == b"PK\x03\x04":  # EPUB, DAISY zip
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for name in archive.namelist():
                found += _leaks(archive.read(name), f"{where}/{name}")
    return found


def _published_leaks(out: Path) -> list[str]:
    return [
        leak
        for path in sorted(out.rglob("*"))
        if path.is_file()
        for leak in _leaks(path.read_bytes(), str(path.relative_to(out)))
    ]


@pytest.fixture(scope="module")
def private(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder named like a user's, holding the article, a voice profile, a lexicon and the
    configuration that names it."""
    folder = tmp_path_factory.mktemp("home") / PRIVATE
    folder.mkdir()
    (folder / "kursk-ar.txt").write_text(
        f"معركة كورسك: شهادات من الجبهة\n\n{BRIEF}\n\nالطريق إلى كورسك\n\n{BRIEF}\n",
        encoding="utf-8",
    )
    (folder / "voice.toml").write_text(
        'engine = "espeak"\nvoice = "ar"\nrate = 210\npitch = 45\nrange = 50\n', encoding="utf-8"
    )
    (folder / "words.tsv").write_text("كورسك\tكُورْسْك\n", encoding="utf-8")
    (folder / "newsaudio.toml").write_text(
        f'lexicon = "{folder / "words.tsv"}"\n', encoding="utf-8"
    )
    return folder


@pytest.fixture(scope="module")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The cache of this module's renders: where they noted, privately, what they read."""
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _same_cache(cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(ENV_DIR, str(cache))


@pytest.fixture(scope="module")
def published(private: Path, cache: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("out")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(ENV_DIR, str(cache))
        result = run_cli(
            "render", private / "kursk-ar.txt", "--out", out, "--voice", private / "voice.toml",
            "--config", private / "newsaudio.toml", "--epub", "--daisy", "--quiet",
        )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    return out


def test_no_published_file_names_the_input_folder(published: Path, private: Path) -> None:
    assert {p.name for p in published.iterdir()} >= {
        "kursk-ar.mp3", "kursk-ar.epub", "kursk-ar.daisy", "kursk-ar.daisy.zip",
        "kursk-ar.episode.json", CATALOG_FILE, "feed.xml", "index.html",
    }  # fmt: skip
    assert _published_leaks(published) == []
    # Where the episode came from stays reachable, privately (re-rendering, proofing).
    from newsaudio.publishing.sources import episode_source

    noted = episode_source(published, "kursk-ar")
    assert noted is not None and noted.source == str((private / "kursk-ar.txt").resolve())


def test_an_earlier_versions_records_are_cleaned_by_the_next_write(
    published: Path, private: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(published, out)
    article = private / "kursk-ar.txt"
    before = json.loads((out / "kursk-ar.episode.json").read_text(encoding="utf-8"))
    # As the earlier version wrote them: the article's file URI, in the record and the catalog
    # (SQLite without secure_delete keeps what an update replaced in the page's free space).
    old = article.resolve().as_uri()
    record = {**before, "identity": old}
    (out / "kursk-ar.episode.json").write_text(json.dumps(record), encoding="utf-8")
    with sqlite3.connect(out / CATALOG_FILE) as db:
        db.execute("UPDATE episodes SET identity = ?", (old,))
        db.execute("UPDATE episodes SET description = description || ' '")
    assert _published_leaks(out)

    listed = run_cli("episodes", "--out", out)  # listing never writes: still there
    assert listed.exit_code == 0 and "hold a local file path" in listed.stderr
    assert _published_leaks(out)

    assert run_cli("feed", "--out", out).exit_code == 0
    assert _published_leaks(out) == []
    # The same article still replaces its episode (same slug and GUID), and its source is known.
    assert run_cli("render", article, "--out", out, "--quiet").exit_code == 0
    from newsaudio.publishing.sources import episode_source

    with Catalog.read(out) as catalog:
        (episode,) = catalog.episodes()
    assert (episode.slug, episode.guid) == ("kursk-ar", before["guid"])
    noted = episode_source(out, "kursk-ar")
    assert noted is not None and noted.source == str(article.resolve())
    assert _published_leaks(out) == []
