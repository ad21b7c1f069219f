"""Start-up is a feature: the command line answers `--help`, `--version` and `voices` without
loading the heavy stages (timings are measured by benchmarks, not here)."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

# pydantic: typer 0.29 coerced every option through it (0.3 s); the pin keeps it out.
HEAVY = ["numpy", "scipy", "onnxruntime", "text2tashkeel", "pydub", "pyloudnorm", "lameenc",
         "mutagen", "jinja2", "trafilatura", "httpx", "pydantic", "lxml"]  # fmt: skip


def _imported_after(code: str) -> list[str]:
    """The heavy modules present in ``sys.modules`` after running ``code`` in a fresh Python."""
    probe = (
        f"{code}\nimport json, sys\nprint(json.dumps(sorted(set(sys.modules) & set({HEAVY!r}))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    loaded: list[str] = json.loads(result.stdout.splitlines()[-1])
    return loaded


def test_importing_the_cli_loads_no_heavy_module() -> None:
    assert _imported_after("import newsaudio.cli") == []


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["voices"]])
def test_quick_commands_load_no_heavy_module(args: list[str]) -> None:
    code = (
        "import sys\nfrom newsaudio.cli import app\n"
        f"sys.argv = ['newsaudio', *{args!r}]\n"
        "try:\n    app()\nexcept SystemExit:\n    pass"
    )
    assert _imported_after(code) == []
