"""Errors cross process boundaries intact: every error class raised inside a worker reaches the
user as its own line and exit code, in a render batch and in an edition (which leaves the
article out and is made from the others). The errors are raised where workers read their
articles (tests/worker_faults.py); the workers are real spawned processes (``--jobs 2``)."""

from __future__ import annotations

import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest

from newsaudio.errors import EXIT_FAILED, EXIT_FILES, ArticleError, NewsaudioError
from newsaudio.textprep.number_words import bare
from tests import worker_faults
from tests.conftest import BRIEF

HELPER = Path(worker_faults.__file__)
# Each fault by the name its article carries, and the exit code it must end with.
FAULTS = {
    **{name: cls.exit_code for name, cls in worker_faults.error_classes().items()},
    "disk-full": EXIT_FILES,
    "bug": EXIT_FAILED,
    "opaque": EXIT_FAILED,
}


def _helper(*args: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(HELPER), *map(str, args)],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """A good article, then one article per fault."""
    folder = tmp_path_factory.mktemp("articles")
    good = folder / "good.md"
    good.write_text(f"# خبر سليم في النشرة\n\n{BRIEF}\n", encoding="utf-8")
    faulty = []
    for name in FAULTS:
        path = folder / f"{worker_faults.PREFIX}{name}.md"
        path.write_text(f"# خبر\n\n{BRIEF}\n", encoding="utf-8")
        faulty.append(path)
    return good, faulty


def _expected_line(path: Path) -> str:
    name = path.stem.removeprefix(worker_faults.PREFIX)
    if name == "disk-full":
        return f"{path}: No space left on device ({path})"
    if name in ("bug", "opaque"):
        kind = "RuntimeError" if name == "bug" else "Opaque"
        return f"{path}: internal error ({kind}: raised in a worker); run with --debug for details"
    return f"{path}: raised in a worker"


def _check(outcomes: list[list[object]], faulty: list[Path]) -> None:
    assert len(outcomes) == len(faulty)
    for (source, line, code), path in zip(outcomes, faulty, strict=True):
        name = path.stem.removeprefix(worker_faults.PREFIX)
        assert (source, line, code) == (str(path), _expected_line(path), FAULTS[name])


def test_every_error_class_raised_in_a_batch_worker_is_its_own_line_and_code(
    articles: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    good, faulty = articles
    run = _helper("batch", tmp_path / "out", good, *faulty)
    assert run.returncode == 0, run.stderr
    (ok, *outcomes) = json.loads(run.stdout)
    assert ok == [str(good), None, EXIT_FAILED]  # rendered (the code of a success is unused)
    _check(outcomes, faulty)
    assert (tmp_path / "out" / "good.mp3").is_file()


@pytest.mark.slow  # 12-18 s: its one good article is spoken twice (the second time announced alone)
def test_every_error_class_raised_in_an_edition_worker_leaves_its_article_out(
    articles: tuple[Path, list[Path]], tmp_path: Path
) -> None:
    """Read, or spoken after every article was read (the others are then announced again)."""
    good, faulty = articles
    late = good.with_name(f"{worker_faults.LATE}EngineError.md")
    late.write_text(good.read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "out"
    run = _helper("edition", out, good, *faulty, late)
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout)
    assert result["articles"] == 1
    *read, spoken = result["left_out"]
    _check(read, faulty)
    assert spoken == [str(late), f"{late}: raised in a worker", FAULTS["EngineError"]]
    transcript = bare(next(out.glob("*.txt")).read_text(encoding="utf-8"))
    assert "الخبر الوحيد في هذا العدد" in transcript and "من اثن" not in transcript
    assert len(list(out.glob("*.epub"))) == 1
    assert not [p for p in out.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("name", sorted(worker_faults.error_classes()))
def test_every_error_class_survives_pickling(name: str) -> None:
    """What a Dask worker or a pool sends back as an exception is rebuilt as itself."""
    error = worker_faults.make_error(name, "article.md")
    error.exit_code = 99  # as a raise site sets it
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error) and str(copy) == str(error) and copy.exit_code == 99
    assert isinstance(copy, NewsaudioError)
    if isinstance(copy, ArticleError):
        assert (copy.source, copy.problem) == ("article.md", "raised in a worker")
