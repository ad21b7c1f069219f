"""What the fault tests share: the invariants every refused or failed render must keep, and a
command line run in its own process with a file-size limit standing in for a full disk."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from newsaudio.publishing.catalog import CATALOG_FILE
from newsaudio.publishing.catalog_file import WAL_SUFFIXES
from tests.conftest import read_feed, snapshot

# The command line in a child process; RLIMIT_FSIZE (bytes, 0: none) makes any write past it fail
# with EFBIG, as a full disk fails with ENOSPC: no root, loop device or tmpfs needed.
_LIMITED = (
    "import resource, signal, sys\n"
    "limit = int(sys.argv[1])\n"
    "if limit:\n"
    "    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
    "    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))\n"
    "from newsaudio.cli import app\n"
    "sys.argv = ['newsaudio', *sys.argv[2:]]\n"
    "app()\n"
)


def run_limited(
    *args: str | os.PathLike[str], file_size: int = 0, cache: Path | None = None
) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if cache is not None:
        env["NEWSAUDIO_CACHE_DIR"] = str(cache)
    return subprocess.run(
        [sys.executable, "-c", _LIMITED, str(file_size), *map(str, args)],
        capture_output=True,
        text=True,
        env=env,
        timeout=180,
    )


def assert_refused(stderr: str, *named: object) -> None:
    """One line on stderr, ``Error: …`` naming each of ``named``, no traceback."""
    assert stderr.count("\n") == 1 and stderr.startswith("Error: "), stderr
    assert "Traceback" not in stderr
    for name in named:
        assert str(name) in stderr, (name, stderr)


def link_catalog(out: Path, outside: Path) -> None:
    """Move ``out``'s catalog to ``outside`` and leave a symlink to it in its place (no WAL files
    beside it: the catalog as a closed writer leaves it)."""
    (out / CATALOG_FILE).rename(outside)
    for suffix in WAL_SUFFIXES:
        (out / f"{CATALOG_FILE}{suffix}").unlink(missing_ok=True)
    (out / CATALOG_FILE).symlink_to(outside)


def assert_unharmed(out: Path, before: dict[str, str], items: int) -> None:
    """The folder's earlier files byte-identical, no temporary left, the feed strict XML with
    ``items`` items."""
    after = snapshot(out)
    assert {k: v for k, v in after.items() if k in before} == before
    assert not [name for name in after if name.startswith(".")]
    etree.parse(str(out / "feed.xml"), etree.XMLParser(recover=False))
    assert len(read_feed(out / "feed.xml").entries) == items


@contextlib.contextmanager
def small_disk(where: Path, size_kb: int) -> Iterator[Path]:
    """A real file system of ``size_kb`` (tmpfs) mounted at ``where``: disks fill up and turn
    read-only for real there. Needs root (CI runs as root); elsewhere the test skips, saying so."""
    where.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(where)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({mounted.stderr.strip()}); needs root")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def fill(folder: Path, leave_bytes: int) -> Path:
    """Fill ``folder``'s file system but for about ``leave_bytes``."""
    stat = os.statvfs(folder)
    free = stat.f_bavail * stat.f_frsize
    filler = folder / "filler.bin"
    with filler.open("wb") as file:
        file.write(b"\0" * max(0, free - leave_bytes))
    return filler
