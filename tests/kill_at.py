"""Run the newsaudio command line and SIGKILL the process at a chosen file rename.

Usage: python kill_at.py (before|after):(N|NAME) newsaudio-arguments...

Every step that makes a render visible is an ``os.replace`` (a temporary file renamed into place),
so killing just before or just after the Nth one, or the one that renames a file to NAME, reaches
each moment between those steps, deterministically, without timing guesses. Used by
tests/test_concurrency.py.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

_real_replace = os.replace
_calls = 0


def _replace_then_maybe_die(src: Any, dst: Any, **kwargs: Any) -> None:
    global _calls
    _calls += 1
    here = str(_calls) == AT or os.path.basename(dst) == AT
    if here and WHEN == "before":
        os.kill(os.getpid(), signal.SIGKILL)
    _real_replace(src, dst, **kwargs)
    if here and WHEN == "after":
        os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    WHEN, _, AT = sys.argv[1].partition(":")
    os.replace = _replace_then_maybe_die
    from newsaudio.cli import app

    sys.argv = ["newsaudio", *sys.argv[2:]]
    app()
