"""Stopping newsaudio the usual ways: SIGTERM (systemd, docker, CI timeouts) during synthesis and
mastering and during a batch, SIGINT while an episode is being put in place, SIGKILL of a batch's
parent. Real processes, the real engine. Each time: exit 130 with one line that tells the truth,
no temporary file left, the folder's earlier files untouched, the feed valid and listing exactly
the episodes in place, no worker left running."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import BRIEF, read_feed, sigint_as_usual, snapshot
from tests.test_batch import _spawned_children, write_articles
from tests.test_concurrency import check_folder

VOICE = "ar-espeak-screenreader"  # the fast voice: these tests are about signals, not speech


def _render(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "newsaudio", "render", *map(str, args), "--voice", VOICE]


def _wait_for(condition: object, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        time.sleep(0.05)
    assert condition(), "timed out waiting"  # type: ignore[operator]


def _temporaries(out: Path) -> list[str]:
    return sorted(p.name for p in out.iterdir() if p.name.startswith("."))


def _gone(pids: list[int], timeout_s: float = 10) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        alive = [p for p in pids if Path(f"/proc/{p}").exists() and _running(p)]
        if not alive:
            return True
        time.sleep(0.1)
    return False


def _running(pid: int) -> bool:
    """Not a zombie (a dead child its parent has not reaped yet)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False


def test_sigterm_while_speaking_removes_the_scratch_and_changes_nothing(
    rendered_sample: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    shutil.copytree(rendered_sample, out)
    before = snapshot(out)
    article = tmp_path / "long.md"
    # Dated: an undated article is said in a warning line, and stderr must be the one line.
    dated = "---\ndate: 2025-04-28\n---\n# خبر طويل\n\n"
    article.write_text(dated + "\n\n".join([BRIEF] * 40) + "\n", encoding="utf-8")
    process = subprocess.Popen(
        [*_render(article, "--out", out, "--no-cache", "--quiet")],
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_for(lambda: any(p.suffix == ".f32" for p in out.iterdir()))  # mastering has begun
    process.send_signal(signal.SIGTERM)
    _, stderr = process.communicate(timeout=60)
    assert process.returncode == 130, stderr
    assert stderr == "Interrupted; the output folder is unchanged.\n"
    assert snapshot(out) == before  # the scratch file and the part files are gone


def test_sigterm_stops_a_batch_and_its_workers_and_publishes_what_finished(
    tmp_path: Path,
) -> None:
    articles = write_articles(tmp_path / "in", 8)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [*_render(*articles, "--out", out, "--jobs", "2", "--quiet")],
        stderr=subprocess.PIPE,
        text=True,
    )
    _wait_for(lambda: out.is_dir() and list(out.glob("*.episode.json")))
    workers = _spawned_children(process.pid)
    process.send_signal(signal.SIGTERM)  # to the parent only, as docker stop does
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert stderr.strip().splitlines()[-1].startswith("Interrupted: ")
    assert "Traceback" not in stderr
    assert _gone(workers), "a worker went on after its batch was stopped"
    time.sleep(0.5)
    assert _temporaries(out) == []
    episodes = check_folder(out)
    assert 1 <= len(episodes) < 8
    assert len(read_feed(out / "feed.xml").entries) == len(episodes)


def test_sigint_while_placing_waits_for_the_episode_and_says_it_is_in_place(
    tmp_path: Path,
) -> None:
    """Ctrl-C right after the MP3's rename used to leave it in place without its record or catalog
    row, and say "the output folder is unchanged"."""
    article = tmp_path / "story.md"
    # Dated: an undated article is said in a warning line, and stderr must be the one line.
    article.write_text(f"---\ndate: 2025-04-28\n---\n# خبر قصير\n\n{BRIEF}\n", encoding="utf-8")
    out = tmp_path / "out"
    code = (
        "import os, signal, sys\n"
        "real = os.replace\n"
        "def replace(src, dst, **kw):\n"
        "    real(src, dst, **kw)\n"
        "    if os.path.basename(dst) == 'story.mp3':\n"
        "        os.kill(os.getpid(), signal.SIGINT)\n"
        "os.replace = replace\n"
        "from newsaudio.cli import app\n"
        "sys.argv = ['newsaudio', *sys.argv[1:]]\n"
        "app()\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, "render", str(article), "--out", str(out), "--quiet"],
        preexec_fn=sigint_as_usual,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 130, result.stderr
    assert result.stderr == (
        f"Interrupted; {out / 'story.mp3'} was put in place and in the catalog.\n"
    )
    (episode,) = check_folder(out)
    assert (out / "story.episode.json").is_file()
    assert [e.title for e in read_feed(out / "feed.xml").entries] == [episode.title]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")
def test_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    articles = write_articles(tmp_path / "in", 6)
    out = tmp_path / "out"
    process = subprocess.Popen(
        [*_render(*articles, "--out", out, "--jobs", "2", "--quiet")],
        stderr=subprocess.DEVNULL,
    )
    _wait_for(lambda: len(_spawned_children(process.pid)) == 2)
    workers = _spawned_children(process.pid)
    time.sleep(1.0)  # past the workers' start-up, where they ask to die with their parent
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    assert _gone(workers), "orphaned workers went on rendering"
