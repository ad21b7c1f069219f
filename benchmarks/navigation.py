"""Chapters of real articles: how long an episode is, how many chapters it has, its longest.

Renders real articles with the default voice, as a user would (``newsaudio render … --jobs 2
--no-cache`` in one batch), and reads every episode's ``<slug>.chapters.json``: per article, the
episode's duration, its chapters (and how many of them are navigation points newsaudio made at a
paragraph, ``"newsaudio:paragraph": true``), and its longest chapter. The goal (issue 23): no
episode longer than five minutes has a chapter longer than about three minutes.

Default inputs: every article of ``tests/data/blind``, the sample, and, when the checkout sits next
to ``../shared``, its samples and the Arabic pages of ``pages-dev``. Other articles (a scraped
corpus) can be given as files or folders; they are not part of the repository.

    uv run python benchmarks/navigation.py                          # the table
    uv run python benchmarks/navigation.py --json after.json        # and keep it
    uv run python benchmarks/navigation.py --compare before.json    # before/after side by side
    uv run python benchmarks/navigation.py --extra corpus/*.txt     # more articles

Exits 1 if an episode longer than five minutes has a chapter longer than ``--bound`` seconds
(default 200: "about three minutes").
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

from measure import NEWSAUDIO, ROOT, SAMPLE

SHARED = ROOT.parent / "shared"
LONG_EPISODE_S = 300.0


@dataclass(frozen=True)
class Row:
    article: str
    duration_s: float
    chapters: int
    points: int  # navigation points made at a paragraph
    longest_s: float


def default_inputs() -> list[Path]:
    blind = sorted(
        p for p in (ROOT / "tests" / "data" / "blind").iterdir() if p.suffix in {".txt", ".html"}
    )
    inputs = [SAMPLE, *blind]
    pages = SHARED / "data" / "pages-dev" / "oracle.tsv"
    if pages.is_file():
        for line in pages.read_text(encoding="utf-8").splitlines():
            fields = line.split("\t")
            if line.startswith("#") or len(fields) < 2 or fields[1] == "REFUSE":
                continue
            inputs += sorted(pages.parent.glob(f"{fields[0]}_*.html"))
    return inputs


def render(inputs: list[Path], out: Path) -> list[Row]:
    """Render ``inputs`` in one batch into ``out`` and read each episode's chapters back."""
    command = [NEWSAUDIO, "render", *inputs, "--out", out, "--jobs", "2", "--no-cache", "--quiet"]
    done = subprocess.run([str(c) for c in command], capture_output=True, text=True, check=False)
    if done.returncode not in (0, 1):
        raise SystemExit(f"render failed ({done.returncode}):\n{done.stderr}")
    for line in done.stderr.splitlines():
        print(f"  {line}", file=sys.stderr)
    names = {p.resolve().as_uri(): p.name for p in inputs}
    rows = []
    for record in sorted(out.glob("*.episode.json")):
        episode = json.loads(record.read_text(encoding="utf-8"))
        chapters = json.loads((out / episode["chapters_file"]).read_text(encoding="utf-8"))
        entries = chapters["chapters"]
        rows.append(
            Row(
                names.get(episode["identity"], episode["slug"]),
                episode["duration_s"],
                len(entries),
                sum(bool(c.get("newsaudio:paragraph")) for c in entries),
                max(c["endTime"] - c["startTime"] for c in entries),
            )
        )
    return sorted(rows, key=lambda r: r.article)


def clock(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes}:{rest:02d}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--extra", nargs="*", type=Path, default=[], help="more articles")
    parser.add_argument("--only-extra", action="store_true", help="only the --extra articles")
    parser.add_argument("--json", type=Path, help="write the rows here")
    parser.add_argument("--compare", type=Path, help="rows of an earlier run, shown beside")
    parser.add_argument("--bound", type=float, default=200.0, help="longest chapter allowed, s")
    args = parser.parse_args()
    extra = [f for p in args.extra for f in (sorted(p.iterdir()) if p.is_dir() else [p])]
    inputs = extra if args.only_extra else [*default_inputs(), *extra]
    with tempfile.TemporaryDirectory(prefix="navigation-") as tmp:
        rows = render(inputs, Path(tmp))
    before = (
        {r["article"]: Row(**r) for r in json.loads(args.compare.read_text(encoding="utf-8"))}
        if args.compare
        else {}
    )
    print(
        f"{'article':34} {'duration':>8} | {'chapters':>8} {'points':>6} {'longest':>7}"
        + (f" | {'before: chapters':>16} {'longest':>7}" if before else "")
    )
    failing = []
    for row in rows:
        line = (
            f"{row.article[:34]:34} {clock(row.duration_s):>8} | {row.chapters:>8} "
            f"{row.points:>6} {clock(row.longest_s):>7}"
        )
        if row.article in before:
            old = before[row.article]
            line += f" | {old.chapters:>16} {clock(old.longest_s):>7}"
        long = row.duration_s > LONG_EPISODE_S
        if long and row.longest_s > args.bound:
            failing.append(row.article)
            line += "   <- over"
        print(line)
    long_rows = [r for r in rows if r.duration_s > LONG_EPISODE_S]
    print(
        f"\n{len(rows)} episodes, {len(long_rows)} longer than 5:00; longest chapter of those: "
        f"{clock(max((r.longest_s for r in long_rows), default=0))}; "
        f"over {clock(args.bound)}: {len(failing)}"
    )
    if args.json:
        args.json.write_text(json.dumps([asdict(r) for r in rows], indent=1), encoding="utf-8")
    return 1 if failing else 0


if __name__ == "__main__":
    raise SystemExit(main())
