"""The render as a whole: an interrupted render leaves the output folder as it was."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from newsaudio import pipeline
from newsaudio.config import Config
from newsaudio.pipeline import render_article
from newsaudio.voices import load_voice

from .conftest import SAMPLE, snapshot


@pytest.mark.parametrize("where", ["write_tags", "stage_feed"])
def test_interrupted_render_changes_nothing(
    where: str, rendered_sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    shutil.copytree(rendered_sample, out)
    before = snapshot(out)

    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(pipeline, where, interrupt)
    with pytest.raises(KeyboardInterrupt):
        render_article(SAMPLE, out, load_voice(), Config())
    assert snapshot(out) == before  # no partial MP3, no temp file, feed untouched
