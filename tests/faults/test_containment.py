"""A render writes nothing outside --out and the sentence cache: not in $HOME, not in $TMPDIR
(onnxruntime wrote a device id under ~/.cache/Microsoft and a session file in $TMPDIR on every
render)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import BRIEF


def test_a_render_touches_only_the_output_folder_and_the_cache(tmp_path: Path) -> None:
    home, temp, cache, out = (tmp_path / name for name in ("home", "tmp", "cache", "out"))
    for folder in (home, temp):
        folder.mkdir()
    article = tmp_path / "story.md"
    article.write_text(f"# خبر قصير\n\n{BRIEF}\n", encoding="utf-8")
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("XDG_", "ORT_")) and key not in {"HOME", "TMPDIR"}
    }
    env |= {"HOME": str(home), "TMPDIR": str(temp), "NEWSAUDIO_CACHE_DIR": str(cache)}
    result = subprocess.run(
        [sys.executable, "-m", "newsaudio", "render", str(article), "--out", str(out), "-q"],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (out / "story.mp3").is_file()
    assert [str(p.relative_to(home)) for p in home.rglob("*")] == []
    assert [str(p.relative_to(temp)) for p in temp.rglob("*")] == []
