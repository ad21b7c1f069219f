"""The producer's screen: `newsaudio render` on a real terminal (a pseudo-terminal), as a person
sees it — the progress bar, and the lines printed while it is shown.

A line printed while a bar is on the screen must start on a line of its own (the bar erased, at
column 0), never be glued to the bar's text; the bar moves within each step of a render.
"""

from __future__ import annotations

import os
import pty
import re
import select
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import BRIEF

ERASE_LINE = b"\x1b[2K"  # rich erases the bar's line (at column 0) before anything it prints
_SGR = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]")


def _on_a_terminal(args: list[str], cwd: Path, timeout_s: float = 120) -> tuple[int, bytes]:
    """Run ``newsaudio ARGS`` with stdout and stderr on one pseudo-terminal, 120 columns wide;
    returns its exit code and everything it wrote to the terminal."""
    leader, follower = pty.openpty()
    env = {**os.environ, "COLUMNS": "120", "LINES": "40", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "newsaudio", *args],
        stdin=subprocess.DEVNULL, stdout=follower, stderr=follower, cwd=cwd, env=env,
    )  # fmt: skip
    os.close(follower)
    screen = bytearray()
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        ready, _, _ = select.select([leader], [], [], 0.5)
        if ready:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the process closed the terminal
                break
            if not chunk:
                break
            screen += chunk
        elif process.poll() is not None:
            break
    os.close(leader)
    return process.wait(timeout=10), bytes(screen)


def _starts_a_line(screen: bytes, text: bytes) -> None:
    """Every time ``text`` appears, it starts at column 0 of a fresh line: after a newline, or
    after the bar was erased — not after the bar's own characters."""
    found = [m.start() for m in re.finditer(re.escape(text), screen)]
    assert found, f"{text!r} never shown"
    for start in found:
        before = screen[max(0, start - 10) : start]
        assert before.endswith((b"\n", ERASE_LINE)), f"{text!r} glued to {before!r}"


def _batch(folder: Path) -> list[str]:
    """Three articles: one to render, one with a stray byte (rendered, with a warning), one
    refused (an error line)."""
    (folder / "good.md").write_text(f"# خبر أول\n\n{BRIEF}\n\n{BRIEF}\n", encoding="utf-8")
    (folder / "stray.md").write_bytes(f"# خبر ثان\n\n{BRIEF}\n".encode() + b" \xff\n")
    (folder / "english.txt").write_text("Nothing in Arabic here at all.\n", encoding="utf-8")
    return ["render", "good.md", "stray.md", "english.txt", "--out", "out", "--no-cache"]


def _lines_stand_apart(screen: bytes) -> None:
    _starts_a_line(screen, b"out/good.mp3 (")
    _starts_a_line(screen, b"out/stray.mp3 (")
    _starts_a_line(screen, b"Error: english.txt: ")
    _starts_a_line(screen, b"Warning: stray.md: 1 byte that is not UTF-8")


def test_a_batch_prints_above_its_bars_which_move_by_sentences_and_seconds(
    tmp_path: Path,
) -> None:
    """A batch in one process: each article's bar counts the sentences prepared and spoken, then
    the seconds of audio mastered, under the batch's bar; a rendered article's line, a refused
    one's error and a warning each get a line of their own above the bars."""
    code, screen = _on_a_terminal([*_batch(tmp_path), "--jobs", "1"], tmp_path)
    assert code == 1, screen.decode(errors="replace")
    plain = _SGR.sub(b"", screen).decode()
    assert "Rendering" in plain and "articles," in plain
    spoken = [
        (int(n), int(total))
        for n, total in re.findall(r"good\.md: Speaking [^\r\n]*? (\d+)/(\d+) sentences", plain)
    ]
    # The bar is redrawn ten times a second, so which counts are drawn depends on the machine's
    # speed; that it moves within the step, forward only, does not.
    assert spoken == sorted(spoken) and any(0 < n < total for n, total in spoken), plain
    assert re.search(r"good\.md: Mastering [^\r\n]*?\d:\d\d of \d:\d\d audio", plain), plain
    _lines_stand_apart(screen)


@pytest.mark.slow
def test_with_workers_their_warnings_and_progress_reach_the_screen(tmp_path: Path) -> None:
    """Two worker processes: their warnings and progress come to the parent, which prints the
    warning above the bars and shows each article's bar."""
    code, screen = _on_a_terminal([*_batch(tmp_path), "--jobs", "2"], tmp_path)
    assert code == 1, screen.decode(errors="replace")
    plain = _SGR.sub(b"", screen)
    assert re.search(rb"(good|stray)\.md: (Preparing text|Speaking|Mastering)", plain), plain
    _lines_stand_apart(screen)


def test_an_editions_workers_warnings_are_said_above_its_bar(tmp_path: Path) -> None:
    """An edition's worker processes read the articles: their warnings came straight to the
    terminal (into the bar, without "Warning:"); they come through the parent like a batch's."""
    edition = ["edition", "good.md", "stray.md", "english.txt", "--title", "نشرة", "--out", "out"]
    _batch(tmp_path)
    code, screen = _on_a_terminal([*edition, "--no-cache", "--jobs", "2"], tmp_path)
    assert code == 1, screen.decode(errors="replace")
    _starts_a_line(screen, b"Error: english.txt: ")
    _starts_a_line(screen, b"Warning: stray.md: 1 byte that is not UTF-8")


@pytest.mark.slow
def test_a_render_bar_moves_by_sentences_and_seconds(tmp_path: Path) -> None:
    """One article: the bar counts the sentences prepared and spoken, then the seconds of audio
    mastered, rather than sitting at 0 of 1 through each step."""
    story = tmp_path / "story.md"
    story.write_text(f"# عنوان الخبر\n\n{BRIEF}\n\n{BRIEF}\n\n## ما التالي\n\n{BRIEF}\n")
    code, screen = _on_a_terminal(["render", "story.md", "--out", "out", "--no-cache"], tmp_path)
    assert code == 0, screen.decode(errors="replace")
    plain = _SGR.sub(b"", screen).decode()
    spoken = [
        (int(n), int(total))
        for n, total in re.findall(r"Speaking: [^\r\n]*? (\d+)/(\d+) sentences", plain)
    ]
    assert spoken == sorted(spoken) and any(0 < n < total for n, total in spoken), plain
    assert re.search(r"Mastering: MP3 [^\r\n]*?\d:\d\d of \d:\d\d audio", plain), plain
    _starts_a_line(screen, b"out/story.mp3 (3 chapters, ")
