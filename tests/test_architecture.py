"""The layers of docs/ARCHITECTURE.md hold: import-linter checks the contracts in pyproject.toml."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def _lint(source_root: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports over the package found in ``source_root``, with the project's contracts."""
    env = {**os.environ, "PYTHONPATH": str(source_root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(ROOT / "pyproject.toml")],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_contracts_are_kept(tmp_path: Path) -> None:
    result = _lint(ROOT / "src", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_an_import_up_the_layers_breaks_the_contract(tmp_path: Path) -> None:
    """The check is real: reading importing text preparation (a layer above it) is reported."""
    copy = tmp_path / "src"
    shutil.copytree(ROOT / "src" / "newsaudio", copy / "newsaudio")
    script = copy / "newsaudio" / "reading" / "script.py"
    script.write_text(script.read_text(encoding="utf-8") + "\nimport newsaudio.textprep\n")
    result = _lint(copy, tmp_path)
    assert result.returncode != 0
    assert "newsaudio.reading.script -> newsaudio.textprep" in result.stdout
