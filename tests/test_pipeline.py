"""The render as a whole: an interrupted render leaves the output folder as it was; a staged
episode is named and dated where it is placed."""

from __future__ import annotations

import shutil
from dataclasses import replace
from datetime import timedelta
from pathlib import Path

import pytest
from mutagen.id3 import ID3

from newsaudio.config import Config
from newsaudio.pipeline import render_article, stage_article
from newsaudio.publishing.catalog import Catalog
from newsaudio.publishing.publish import place_episode
from newsaudio.publishing.tags import read_tags
from newsaudio.speech.voices import load_voice

from .conftest import BRIEF, SAMPLE, snapshot


@pytest.mark.parametrize("where", ["pipeline.write_tags", "publishing.publish.stage_feed"])
def test_interrupted_render_changes_nothing(
    where: str, rendered_sample: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    shutil.copytree(rendered_sample, out)
    before = snapshot(out)

    def interrupt(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(f"newsaudio.{where}", interrupt)
    with pytest.raises(KeyboardInterrupt):
        render_article(SAMPLE, out, load_voice(), Config())
    assert snapshot(out) == before  # no partial MP3, no temp file, feed untouched


def test_a_staged_episode_is_settled_where_it_is_placed(tmp_path: Path) -> None:
    """A cluster worker stages an episode as a new article's, without the catalog; placing it
    settles the name (a collision gets the next free one) and, for a re-render, the first
    render's GUID and date, rewriting the tag in place: the audio behind it does not move."""
    out = tmp_path / "out"
    first = tmp_path / "a" / "news.md"
    second = tmp_path / "b" / "news.md"
    for path, title in ((first, "الخبر الأول"), (second, "الخبر الثاني")):
        path.parent.mkdir()
        path.write_text(f"# {title}\n\n{BRIEF}\n", encoding="utf-8")
    earlier = render_article(first, out, load_voice(), Config()).episode

    staged = [stage_article(p, out, load_voice(), Config()) for p in (first, second)]
    # Staged in another second than the first render, as in any real re-render.
    provisional = replace(staged[0].episode, pub_date=earlier.pub_date + timedelta(hours=1))
    staged[0] = replace(staged[0], episode=provisional)
    assert [s.episode.slug for s in staged] == ["news", "news"]
    with Catalog.open(out) as catalog:
        assert catalog.episodes() == [earlier]  # staging does not touch the catalog
    audio = [s.files[".mp3"] for s in staged]
    stream = [p.read_bytes()[_tag_size(p) :] for p in audio]
    sizes = [p.stat().st_size for p in audio]
    with Catalog.open(out) as catalog:
        placed = [place_episode(catalog, s, Config()) for s in staged]

    assert [e.slug for e in placed] == ["news", "news-2"]
    assert (placed[0].guid, placed[0].pub_date) == (earlier.guid, earlier.pub_date)
    assert placed[0].pub_date != staged[0].episode.pub_date  # so the tag was rewritten
    assert placed[1].guid != earlier.guid
    for episode, before, size in zip(placed, stream, sizes, strict=True):
        mp3 = out / episode.audio_file
        assert mp3.stat().st_size == size
        assert mp3.read_bytes()[_tag_size(mp3) :] == before
        assert read_tags(mp3).guid == episode.guid
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


def _tag_size(mp3: Path) -> int:
    """Bytes of the ID3v2 tag (padding included) at the start of ``mp3``."""
    return ID3(mp3).size
