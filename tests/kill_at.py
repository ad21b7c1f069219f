"""Run the newsaudio command line and SIGKILL the process at a chosen file rename.

Usage: python kill_at.py before:N|after:N newsaudio-arguments...

Every step that makes a render visible is an ``os.replace`` (a temporary file renamed into place),
so killing just before or just after the Nth one reaches each moment between those steps,
deterministically, without timing guesses. Used by tests/test_concurrency.py.
"""

from __future__ import annotations

import os
import signal
import sys
from typing import Any

_real_replace = os.replace
_calls = 0


def _replace_then_maybe_die(*args: Any, **kwargs: Any) -> None:
    global _calls
    _calls += 1
    if (WHEN, _calls) == ("before", AT):
        os.kill(os.getpid(), signal.SIGKILL)
    _real_replace(*args, **kwargs)
    if (WHEN, _calls) == ("after", AT):
        os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    WHEN, _, at = sys.argv[1].partition(":")
    AT = int(at)
    os.replace = _replace_then_maybe_die
    from newsaudio.cli import app

    sys.argv = ["newsaudio", *sys.argv[2:]]
    app()
