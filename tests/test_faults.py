"""Never a traceback: a bug in any stage becomes one line for that article, writes nothing for it,
and the batch goes on. Faults are injected into each stage in turn (the first call fails, later
calls work), with the real engine rendering the rest."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

import newsaudio.pipeline
import newsaudio.publishing.publish

from .conftest import BRIEF, run_cli, snapshot

# Every stage the pipeline calls, by the name it calls it.
STAGES = [
    "load_article",
    "build_script",
    "prepare_script",
    "Cast",
    "synthesize_script",
    "master_mp3",
    "write_tags",
    "format_transcript",
    "format_json_chapters",
    "sentence_cues",
    "format_vtt",
    "format_srt",
    "publish_episode",
]


class InjectedFault(Exception):
    """What the broken stage raises."""


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("articles")
    first, second = folder / "first.md", folder / "second.md"
    first.write_text(f"# الخبر الأول\n\n{BRIEF}\n", encoding="utf-8")
    second.write_text(f"# الخبر الثاني\n\n{BRIEF}\n", encoding="utf-8")
    return first, second


@pytest.mark.parametrize("stage", STAGES)
def test_fault_in_stage_is_one_line_and_the_batch_goes_on(
    stage: str,
    articles: tuple[Path, Path],
    rendered_sample: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = getattr(newsaudio.pipeline, stage)
    calls = []

    def broken(*args: Any, **kwargs: Any) -> Any:
        calls.append(stage)
        if len(calls) == 1:
            raise InjectedFault(f"fault injected into {stage}\nsecond line")
        return real(*args, **kwargs)

    monkeypatch.setattr(newsaudio.pipeline, stage, broken)
    out = tmp_path / "out"
    shutil.copytree(rendered_sample, out)
    before = snapshot(out)
    first, second = articles
    # One job: the batch runs in this process, where the fault is injected.
    result = run_cli("render", first, second, "--out", out, "--quiet", "--jobs", "1")

    assert result.exit_code == 1  # one of two failed
    assert result.stderr.splitlines() == [
        f"Error: {first}: internal error (InjectedFault: fault injected into {stage} second "
        "line); run with --debug for details"
    ]
    assert "Traceback" not in result.output
    after = snapshot(out)
    assert not any(name.startswith("first") for name in after)
    assert (out / "second.mp3").is_file()
    # Rewritten for the second article; everything else is as it was.
    published = {"feed.xml", "index.html", "catalog.sqlite"}
    assert {k: v for k, v in after.items() if k in before and k not in published} == {
        k: v for k, v in before.items() if k not in published
    }


def test_debug_shows_the_traceback(
    articles: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise InjectedFault("boom")

    monkeypatch.setattr(newsaudio.pipeline, "build_script", broken)
    with pytest.raises(InjectedFault):
        run_cli("render", articles[0], "--out", tmp_path, "--debug")


def test_fault_in_the_batch_feed_is_one_line_and_keeps_the_old_feed(
    articles: tuple[Path, Path],
    rendered_sample: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A batch writes its feed once, at the end; if that fails the old feed stays."""

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise InjectedFault("fault injected into render_feed")

    monkeypatch.setattr(newsaudio.publishing.publish, "render_feed", broken)
    out = tmp_path / "out"
    shutil.copytree(rendered_sample, out)
    feed = (out / "feed.xml").read_bytes()
    result = run_cli("render", *articles, "--out", out, "--quiet", "--jobs", "1")
    assert result.exit_code == 1  # a bug
    assert result.stderr.splitlines() == [
        f"Error: {out}: internal error (InjectedFault: fault injected into render_feed); "
        "run with --debug for details"
    ]
    assert (out / "feed.xml").read_bytes() == feed
