"""The encodings class of the fault catalogue: the same article in the encodings and line endings
producers' files come in reads the same; bytes that are not what they claim are read by their
result or refused, never published as nonsense. Single-byte Arabic encodings are told apart by
their letters, and a UTF-8 file keeps its UTF-8 parts whatever was pasted into it; each such
guess is said in one warning line naming the file."""

from __future__ import annotations

import json
import logging
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from newsaudio.textprep.diacritize import strip_marks
from tests.conftest import BRIEF, run_cli
from tests.faults.conftest import assert_refused

TITLE = "الحكومة تعلن خطة جديدة لدعم الاقتصاد"
TEXT = f"{TITLE}\n\n{BRIEF}\n\nوأضاف المتحدث أن الخطة تشمل دعم الشركات الصغيرة في المحافظات.\n"


def _script(path: Path) -> list[dict[str, str]]:
    result = run_cli("text", path, "--json")
    assert result.exit_code == 0, result.stderr
    segments: list[dict[str, str]] = json.loads(result.stdout)
    return segments


@pytest.fixture(scope="module")
def reference(tmp_path_factory: pytest.TempPathFactory) -> list[dict[str, str]]:
    path = tmp_path_factory.mktemp("ref") / "story.txt"
    path.write_text(TEXT, encoding="utf-8")
    return _script(path)


@pytest.mark.parametrize(
    ("name", "encode"),
    [
        ("windows-1256", lambda t: t.encode("cp1256")),
        ("utf-16-bom", lambda t: t.encode("utf-16")),
        ("utf-8-bom", lambda t: t.encode("utf-8-sig")),
        ("crlf", lambda t: t.replace("\n", "\r\n").encode()),
        ("lone-cr", lambda t: t.replace("\n", "\r").encode()),
        ("nfd", lambda t: unicodedata.normalize("NFD", t.replace("أ", "أ")).encode()),
    ],
)
def test_the_same_article_reads_the_same(
    name: str, encode: object, reference: list[dict[str, str]], tmp_path: Path
) -> None:
    path = tmp_path / f"{name}.txt"
    path.write_bytes(encode(TEXT))  # type: ignore[operator]
    assert _script(path) == reference


def test_a_few_bad_bytes_in_utf8_are_replaced_with_a_warning(tmp_path: Path) -> None:
    """One stray byte used to switch the whole file to Windows-1256: a 27-minute nonsense
    episode, exit 0."""
    path = tmp_path / "stray.txt"
    raw = TEXT.encode()
    at = raw.index(BRIEF.encode())  # between two letters
    path.write_bytes(raw[:at] + b"\xff" + raw[at:])
    result = subprocess.run(
        [sys.executable, "-m", "newsaudio", "text", str(path), "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert f"{path}: 1 byte that is not UTF-8 replaced" in result.stderr
    segments = json.loads(result.stdout)
    assert segments[0]["title"] == TITLE  # read as UTF-8, not as Windows-1256 mojibake


@pytest.mark.parametrize("codec", ["koi8_r", "cp1251"])
def test_cyrillic_is_not_taken_for_windows_1256_arabic(codec: str, tmp_path: Path) -> None:
    path = tmp_path / "russian.txt"
    russian = (
        "Президент заявил сегодня, что правительство подготовило новый план поддержки "
        "экономики страны в текущих условиях. По его словам, меры коснутся малого бизнеса. "
    ) * 4
    path.write_bytes(russian.encode(codec))
    result = run_cli("render", path, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert_refused(result.stderr, path, "not UTF-8 text")
    assert not (tmp_path / "out").exists()


def test_a_page_whose_meta_charset_contradicts_its_bytes(
    reference: list[dict[str, str]], tmp_path: Path
) -> None:
    """It says Windows-1256, its bytes are UTF-8: the bytes win."""
    paragraphs = "".join(f"<p>{p}</p>" for p in TEXT.split("\n\n")[1:])
    page = (
        '<!DOCTYPE html><html lang="ar"><head><meta charset="windows-1256">'
        f"<title>{TITLE}</title></head><body><article><h1>{TITLE}</h1>{paragraphs}</article>"
        "</body></html>"
    )
    path = tmp_path / "page.html"
    path.write_bytes(page.encode())
    segments = _script(path)
    assert segments[0]["title"] == TITLE
    spoken = strip_marks(" ".join(s["text"] for s in segments))
    assert "المتحدث باسم الوزارة" in spoken and "الشركات الصغيرة" in spoken


def test_iso_8859_6_is_told_from_windows_1256_by_its_letters(
    reference: list[dict[str, str]], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """Both put Arabic letters at 0xC1 and up, differently from 0xD7 on: ISO-8859-6 read as
    Windows-1256 was published as nonsense ("انèزêر" for "الوزير")."""
    path = tmp_path / "iso.txt"
    path.write_bytes(TEXT.encode("iso8859-6"))
    with caplog.at_level(logging.WARNING):
        assert _script(path) == reference
    assert f"{path}: it is not UTF-8 and declares no charset: read as ISO-8859-6" in caplog.text


def test_a_utf8_file_with_a_windows_1256_passage_keeps_its_utf8(
    reference: list[dict[str, str]], tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """The headline in UTF-8, a paragraph pasted from an old page in Windows-1256: the whole file
    used to be read as Windows-1256, the headline garbled ("ط§ظ„ط­ظƒظˆظ…ط©")."""
    head, brief, rest = TEXT.partition(BRIEF)
    path = tmp_path / "mixed.txt"
    path.write_bytes(head.encode() + brief.encode("cp1256") + rest.encode())
    with caplog.at_level(logging.WARNING):
        assert _script(path) == reference
    passage = sum(byte >= 0x80 for byte in BRIEF.encode("cp1256"))  # its spaces are ASCII
    assert (
        f"{path}: {passage} bytes that are not UTF-8 read as Windows-1256, the rest" in caplog.text
    )
