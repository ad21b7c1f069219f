"""The command line: ``newsaudio render``, ``text``, ``voices``, ``episodes``, ``feed``, ``serve``,
``cache``. Takes arguments and options; gives files, one line per result or error, exit codes.
"""

from newsaudio.cli.app import app

__all__ = ["app"]
