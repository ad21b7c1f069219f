"""``python -m newsaudio.cli``."""

import sys

from newsaudio.cli.app import app

sys.exit(app())
