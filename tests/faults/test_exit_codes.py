"""Exit codes a script can act on: 2 the input, 3 the network or an engine, 4 the file system,
1 some articles of a batch (or a bug), each with one line on stderr naming the input. (130, an
interrupted batch, is tested in tests/test_batch.py.)"""

from __future__ import annotations

from pathlib import Path

from tests.conftest import BRIEF, run_cli
from tests.faults.conftest import run_limited


def _article(folder: Path, name: str = "story.md") -> Path:
    path = folder / name
    # Dated: an undated article is said in a warning line, and these tests expect one line.
    path.write_text(f"---\ndate: 2025-04-28\n---\n# خبر قصير\n\n{BRIEF}\n", encoding="utf-8")
    return path


def test_a_bad_input_file_is_2(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    result = run_cli("render", empty, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {empty}: is empty\n"


def test_the_network_is_3(tmp_path: Path) -> None:
    url = "http://127.0.0.1:9/news/1.html"  # the discard port: nothing listens, refused at once
    result = run_cli("render", url, "--out", tmp_path / "out")
    assert result.exit_code == 3
    assert result.stderr.startswith(f"Error: {url}: cannot connect")
    assert result.stderr.count("\n") == 1


def test_a_404_page_is_2_the_input_not_the_network(tmp_path: Path) -> None:
    from tests.local_server import local_server

    with local_server() as server:
        url = server.url("/gone.html")
        result = run_cli("render", url, "--out", tmp_path / "out")
    assert result.exit_code == 2
    assert result.stderr == f"Error: {url}: HTTP 404 Not Found\n"


def test_a_full_disk_is_4(tmp_path: Path) -> None:
    article, out = _article(tmp_path), tmp_path / "out"
    result = run_limited("render", article, "--out", out, "--no-cache", file_size=200_000)
    assert result.returncode == 4, result.stderr
    assert result.stderr.startswith(f"Error: {out}: cannot write the episode (File too large")
    assert result.stderr.count("\n") == 1
    assert not any(p.suffix == ".mp3" for p in out.iterdir())


def test_a_batch_where_some_fail_is_1_and_where_all_fail_alike_their_code(tmp_path: Path) -> None:
    good, empty = _article(tmp_path), tmp_path / "empty.txt"
    empty.write_bytes(b"")
    other = tmp_path / "blank.txt"
    other.write_text("   \n", encoding="utf-8")
    out = tmp_path / "out"
    assert run_cli("render", good, empty, "--out", out, "--quiet", "--jobs", "1").exit_code == 1
    assert run_cli("render", empty, other, "--out", out, "--quiet", "--jobs", "1").exit_code == 2


def test_help_lists_the_exit_codes() -> None:
    for args in (["--help"], ["render", "--help"]):
        result = run_cli(*args)
        assert "Exit codes: 0 all rendered; 1 some articles" in " ".join(result.stdout.split())
