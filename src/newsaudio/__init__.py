"""newsaudio: Arabic news articles into chaptered, diacritized audio and a podcast feed."""

import os

__version__ = "0.1.0"

# onnxruntime (the diacritizer, Piper) writes a device id and a telemetry database under
# ~/.cache/Microsoft and a session file in $TMPDIR on every session it creates, unless this is set
# before it is imported: a render must write nothing outside --out and our cache. Set here, the
# package's first import, so the CLI, batch workers and Dask workers all inherit it.
os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
