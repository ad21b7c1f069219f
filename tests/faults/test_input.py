"""The input-file class of the fault catalogue: what a producer may hand `render` by mistake.
Each is refused with exit 2 and one line naming the file and the problem; the folder's earlier
files stay byte-identical. (More shapes of bad input: tests/test_cli.py, tests/test_hostile.py.)"""

from __future__ import annotations

import os
import shutil
import struct
import zlib
from pathlib import Path

import lameenc
import pytest

from newsaudio.textprep.diacritize import strip_marks
from tests.conftest import BRIEF, run_cli, snapshot
from tests.faults.conftest import assert_refused, assert_unharmed


def _png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", 1, 1, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0\0"))


def _mp3() -> bytes:
    encoder = lameenc.Encoder()
    encoder.set_in_sample_rate(22_050)
    encoder.set_channels(1)
    return bytes(encoder.encode(b"\0\0" * 22_050) + encoder.flush())


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

# name -> (content, what the one line must say)
INPUTS = {
    "empty.txt": (b"", "is empty"),
    "blank.txt": (b" \n\t\r\n \n", "is empty"),
    "picture.txt": (_png(), "binary"),
    "document.txt": (PDF, "contains no Arabic text"),
    "sound.txt": (_mp3(), "binary"),
    "huge.txt": ("خبر طويل جدا. ".encode() * 200_000, "too large"),
}


@pytest.mark.parametrize("name", sorted(INPUTS))
def test_a_file_that_is_no_article(name: str, rendered_sample: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    shutil.copytree(rendered_sample, out)
    before = snapshot(out)
    content, problem = INPUTS[name]
    path = tmp_path / name
    path.write_bytes(content)
    result = run_cli("render", path, "--out", out)
    assert result.exit_code == 2
    assert_refused(result.stderr, path, problem)
    assert_unharmed(out, before, items=1)


def test_a_folder_a_fifo_and_a_missing_file(tmp_path: Path) -> None:
    folder, fifo = tmp_path / "folder.txt", tmp_path / "pipe.txt"
    folder.mkdir()
    os.mkfifo(fifo)  # reading it would wait forever
    for path, problem in (
        (folder, "is a folder with no article files"),
        (fifo, "is not a regular file"),
        (tmp_path / "missing.txt", "file not found"),
    ):
        result = run_cli("render", path, "--out", tmp_path / "out")
        assert result.exit_code == 2
        assert_refused(result.stderr, path, problem)
    assert not (tmp_path / "out").exists()


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file whatever its mode")
def test_an_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text(f"# خبر\n\n{BRIEF}\n", encoding="utf-8")
    path.chmod(0)
    result = run_cli("render", path, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert_refused(result.stderr, path, "Permission denied")


def test_one_long_paragraph_without_punctuation_renders(tmp_path: Path) -> None:
    """30 kB of words with no full stop: sentences are cut at a bounded length, not one giant
    call to the engine."""
    words = "أعلنت الحكومة اليوم خطة جديدة لدعم الاقتصاد الوطني في ظل الظروف الراهنة".split()  # noqa: SIM905
    body = " ".join(words[i % len(words)] for i in range(3_000))
    assert len(body.encode()) > 30_000
    path = tmp_path / "long.txt"
    path.write_text(f"خبر طويل بلا علامات ترقيم\n\n{body}\n", encoding="utf-8")
    result = run_cli("text", path, "--json")
    assert result.exit_code == 0, result.stderr
    spoken = strip_marks(result.stdout)  # the words as they were, without the vowel marks
    assert body[-200:].rsplit(" ", 20)[-1] in spoken and words[0] in spoken
