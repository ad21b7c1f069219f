"""``python -m newsaudio``."""

import sys

from newsaudio.cli.app import app

sys.exit(app())
