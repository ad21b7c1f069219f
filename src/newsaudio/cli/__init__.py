"""The command line: ``newsaudio render``, ``edition``, ``text``, ``proof``, ``voices``,
``episodes``, ``feed``, ``serve``, ``cache``, ``lexicon``. Takes arguments and options; gives
files, one line per result or error, exit codes.
"""

from newsaudio.cli.app import app

__all__ = ["app"]
