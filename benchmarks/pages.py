"""Real news pages: newsaudio against trafilatura alone, page by page, then a fuzz pass.

Reads the development pages and their oracle from ``../shared/data/pages-dev`` (next to the
repository; the pages belong to their publishers and are never copied into the repo) and scores
both tools with the team's scorer, ``../shared/tools/check_pages.py``:

- newsaudio as a user runs it: ``newsaudio text PAGE --json`` (a fresh process per page);
- trafilatura alone: ``../shared/tools/peer_trafilatura.py`` (``extract`` with its defaults).

A page is clean when its headline is in the first segment, its three body fragments are heard and
none of its chrome phrases is; a must-refuse page passes when the command exits non-zero without a
traceback. The table gives, per page and in total: headline, fragments heard, chrome heard, refused,
exit code and seconds, for both tools side by side, and names every page where trafilatura alone is
clean and newsaudio is not.

The fuzz pass mutates every development page (truncated at random offsets; comments, CDATA and
processing instructions inserted at random places; unclosed tags; 5,000 nested divs; a 1 MB and a
2 MB script; NUL bytes; a Latin-1 chunk and a double-encoded chunk in the UTF-8 text) and checks
that newsaudio either prints JSON segments (exit 0, not mojibake) or refuses in one line (exit
non-zero, no traceback, no "internal error", nothing else on stderr), within ``--timeout`` seconds
per run. It drives the command line only, so it does not depend on how the package is laid out.
Note: libxml2 (under lxml and trafilatura) stops parsing at 2,048 nested elements, so the nested
divs case can only be refused ("no article body"), by trafilatura alone too.

    uv run python benchmarks/pages.py                 # table, then fuzz
    uv run python benchmarks/pages.py --no-fuzz       # table only
    uv run python benchmarks/pages.py --fuzz-only --seed 7 --jobs 2

Exits 1 if a page where trafilatura alone is clean is not clean with newsaudio, a must-refuse page
is not refused, or any fuzz case fails; 0 otherwise (and when the shared folder is absent).
"""

from __future__ import annotations

import argparse
import glob
import importlib.util
import json
import random
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from measure import NEWSAUDIO, PYTHON, ROOT

SHARED = ROOT.parent / "shared"
PAGES = SHARED / "data" / "pages-dev"
SCORER = SHARED / "tools" / "check_pages.py"
PEER = SHARED / "tools" / "peer_trafilatura.py"


def newsaudio_command() -> list[str]:
    """The installed entry point (no `uv run` start-up in the timings), else `uv run newsaudio`."""
    if NEWSAUDIO.exists():
        return [str(NEWSAUDIO)]
    return ["uv", "run", "--quiet", "newsaudio"]


def load_scorer() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_pages", SCORER)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- scoring -----------------------------------------------------------------------------------


@dataclass
class Result:
    """One tool on one page."""

    rc: int | None  # None: timed out
    seconds: float
    headline_ok: bool = False
    found: int = 0
    fragments: int = 0
    chrome: int = 0
    refused: bool = False
    traceback: bool = False
    internal: bool = False
    clean: bool = False
    note: str = ""


def run_tool(cmd: Sequence[str], page: Path, timeout: float) -> tuple[int | None, str, str, float]:
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [*cmd, "text", str(page), "--json"], capture_output=True, timeout=timeout, cwd=ROOT
        )
    except subprocess.TimeoutExpired:
        return None, "", "", time.perf_counter() - start
    seconds = time.perf_counter() - start
    out = proc.stdout.decode("utf-8", "replace")
    err = proc.stderr.decode("utf-8", "replace")
    return proc.returncode, out, err, seconds


def score(scorer: ModuleType, row: dict, cmd: Sequence[str], page: Path, timeout: float) -> Result:
    rc, out, err, seconds = run_tool(cmd, page, timeout)
    result = Result(rc, seconds, fragments=len(row["body"]))
    if rc is None:
        result.note = f"timed out after {timeout:g}s"
        return result
    result.traceback = "Traceback" in err
    result.internal = "internal error" in err
    last = scorer.last_line(err)
    if row["expect"] == "refuse":
        result.refused = rc != 0 and not result.traceback
        result.clean = result.refused and not result.internal
        result.note = last if rc else "not refused"
        return result
    if rc != 0:
        result.refused = True
        result.note = last
        return result
    segments = scorer.parse_segments(out)
    if segments is None:
        result.note = "stdout is not a JSON list of segments"
        return result
    first = scorer.Haystack(scorer.segment_text(segments[0]) if segments else "")
    heard = scorer.Haystack("\n".join(scorer.segment_text(s) for s in segments))
    result.headline_ok = first.matches_headline(row["headline"])
    missing = [f for f in row["body"] if not heard.contains(f)]
    chrome = [c for c in row["chrome"] if heard.contains(c)]
    result.found = len(row["body"]) - len(missing)
    result.chrome = len(chrome)
    result.clean = result.headline_ok and not missing and not chrome and not result.traceback
    notes = []
    if not result.headline_ok:
        title = scorer.short(segments[0].get("title") or "" if segments else "", 50)
        notes.append(f"first title {title!r}")
    if missing:
        notes.append("missing: " + " ; ".join(scorer.short(m, 40) for m in missing))
    if chrome:
        notes.append("heard: " + " ; ".join(scorer.short(c, 40) for c in chrome))
    result.note = " | ".join(notes)
    return result


def cell(row: dict, r: Result) -> str:
    """headline, fragments, chrome, refused, exit, seconds: one tool's columns."""
    rc = "T/O" if r.rc is None else str(r.rc)
    if row["expect"] == "refuse":
        return f"{'':2} {'':>3} {'':>3} {'yes' if r.refused else 'NO':>4} {rc:>4} {r.seconds:6.1f}"
    hl = "ok" if r.headline_ok else "--"
    refused = "yes" if r.refused else ""
    return f"{hl:2} {r.found}/{r.fragments} {r.chrome:>3} {refused:>4} {rc:>4} {r.seconds:6.1f}"


def table(scorer: ModuleType, ours_cmd: list[str], peer_cmd: list[str], timeout: float) -> bool:
    rows = scorer.read_oracle(str(PAGES / "oracle.tsv"))
    head = "hl frg chr ref. exit    sec"
    print(f"{'page':<34} {'expect':<6} | {'newsaudio':<27} | {'trafilatura alone':<27} | verdict")
    print(f"{'':<34} {'':<6} | {head} | {head} |")
    totals = {"ours": [], "peer": []}
    worse: list[str] = []
    for row in rows:
        matches = sorted(glob.glob(str(PAGES / f"{glob.escape(row['id'])}_*.html")))
        if len(matches) != 1:
            print(f"{row['id']}: expected one {row['id']}_*.html, found {len(matches)}")
            worse.append(row["id"])
            continue
        page = Path(matches[0])
        ours = score(scorer, row, ours_cmd, page, timeout)
        peer = score(scorer, row, peer_cmd, page, timeout)
        totals["ours"].append((row, ours))
        totals["peer"].append((row, peer))
        if (peer.clean and not ours.clean) or (row["expect"] == "refuse" and not ours.clean):
            verdict = "WORSE"
            worse.append(page.stem)
        elif ours.clean and not peer.clean:
            verdict = "better"
        else:
            verdict = "clean" if ours.clean else "both fail"
        if ours.internal or ours.traceback:
            verdict += " INTERNAL ERROR"
            worse.append(page.stem)
        name = page.stem[:34]
        print(f"{name:<34} {row['expect']:<6} | {cell(row, ours)} | {cell(row, peer)} | {verdict}")
        for who, r in (("newsaudio", ours), ("trafilatura", peer)):
            if r.note and not (row["expect"] == "refuse" and r.clean):
                print(f"{'':<8}{who}: {r.note}")
    print()
    for who, label in (("ours", "newsaudio"), ("peer", "trafilatura alone")):
        results = totals[who]
        render = [(row, r) for row, r in results if row["expect"] == "render"]
        refuse = [(row, r) for row, r in results if row["expect"] == "refuse"]
        print(
            f"{label:<18} clean {sum(r.clean for _, r in render)}/{len(render)}, "
            f"headlines {sum(r.headline_ok for _, r in render)}/{len(render)}, "
            f"fragments {sum(r.found for _, r in render)}/{sum(r.fragments for _, r in render)}, "
            f"chrome heard {sum(r.chrome for _, r in render)}, "
            f"refused {sum(r.refused for _, r in refuse)}/{len(refuse)} "
            f"(+{sum(r.refused for _, r in render)} wrongly), "
            f"internal errors {sum(r.internal or r.traceback for _, r in results)}, "
            f"{sum(r.seconds for _, r in results):.1f} s"
        )
    if worse:
        print(f"newsaudio worse than trafilatura alone (or not refusing) on: {', '.join(worse)}")
    else:
        print("no page where trafilatura alone is clean and newsaudio is not")
    return not worse


# --- fuzz --------------------------------------------------------------------------------------

Mutation = Callable[[bytes, random.Random], bytes]


def _offset(data: bytes, rng: random.Random, lo: float = 0.0, hi: float = 1.0) -> int:
    return rng.randrange(int(len(data) * lo), max(int(len(data) * lo) + 1, int(len(data) * hi)))


def _insert(data: bytes, pieces: list[bytes], rng: random.Random) -> bytes:
    """``pieces`` at random offsets (a piece may land inside a tag or split a UTF-8 letter's
    bytes: both happen to saved pages)."""
    for piece in pieces:
        at = _offset(data, rng)
        data = data[:at] + piece + data[at:]
    return data


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: _offset(data, rng, 0.2, 0.95)]


def markup_noise(data: bytes, rng: random.Random) -> bytes:
    kinds = [
        b"<!-- note -->",
        b"<!-- <p>\xd9\x86\xd8\xb5 \xd9\x85\xd8\xae\xd9\x81\xd9\x8a</p> -->",  # commented-out text
        b"<![CDATA[ x < y && ]]>",
        b"<?php echo $x; ?>",
        b"<?xml-stylesheet href='a.css'?>",
        b"<!--[if mso]><o:p></o:p><![endif]-->",
        b"<!-->",
        b"<!DOCTYPE x>",
    ]
    return _insert(data, [rng.choice(kinds) for _ in range(40)], rng)


def comments_in_text(data: bytes, rng: random.Random) -> bytes:
    """Comments right after <br>s and inside paragraphs: where the article's text is."""
    out, count = bytearray(), 0
    for part in data.split(b"<br"):
        if out:
            out += b"<br"
            if rng.random() < 0.5:
                close = part.find(b">")
                part = part[: close + 1] + b"<!-- c -->" + part[close + 1 :]
                count += 1
        out += part
    return bytes(out).replace(b"</p>", b"<!-- end --></p>")


def unclosed_tags(data: bytes, rng: random.Random) -> bytes:
    for tag in (b"</p>", b"</div>", b"</span>", b"</li>", b"</a>"):
        parts = data.split(tag)
        data = parts[0] + b"".join((tag if rng.random() < 0.5 else b"") + p for p in parts[1:])
    opens = [b"<div>", b"<p>", b"<b>", b"<table><tr><td>", b"<span class='x'>", b"<a href='#'>"]
    return _insert(data, [rng.choice(opens) for _ in range(30)], rng)


def nested_divs(data: bytes, rng: random.Random) -> bytes:
    at = data.find(b"<body")
    at = data.find(b">", at) + 1 if at >= 0 else 0
    end = data.rfind(b"</body>")
    end = end if end >= at else len(data)
    return data[:at] + b"<div>" * 5000 + data[at:end] + b"</div>" * 5000 + data[end:]


def script(size: int) -> Mutation:
    def mutate(data: bytes, rng: random.Random) -> bytes:
        body = b"var a='" + b"\xd8\xb3x" * (size // 3) + b"';"
        at = data.find(b"</head>")
        at = at if at >= 0 else 0
        return data[:at] + b"<script>" + body + b"</script>" + data[at:]

    return mutate


def nul_bytes(data: bytes, rng: random.Random) -> bytes:
    return _insert(data, [b"\x00"] * 5, rng)


def latin1_chunk(data: bytes, rng: random.Random) -> bytes:
    """A chunk of Latin-1 text in the UTF-8 page (invalid UTF-8 bytes)."""
    chunk = "Café à la crème — Ü ß é è ñ. ".encode("latin-1", "replace") * 20
    return _insert(data, [chunk], rng)


def double_encoded(data: bytes, rng: random.Random) -> bytes:
    """A 2 kB chunk from the middle of the page encoded twice (UTF-8 read as Latin-1)."""
    at = _offset(data, rng, 0.4, 0.6)
    chunk = data[at : at + 2000].decode("utf-8", "ignore")
    return data[:at] + chunk.encode("utf-8").decode("latin-1").encode("utf-8") + data[at + 2000 :]


MUTATIONS: dict[str, Mutation] = {
    "truncate-1": truncate,
    "truncate-2": truncate,
    "markup-noise": markup_noise,
    "comments-in-text": comments_in_text,
    "unclosed-tags": unclosed_tags,
    "nested-5000-divs": nested_divs,
    "script-1MB": script(1_000_000),
    "script-2MB": script(2_100_000),
    "nul-bytes": nul_bytes,
    "latin1-chunk": latin1_chunk,
    "double-encoded": double_encoded,
}


# "ال" in UTF-8 read as Windows-1256: a page decoded wrongly is worse than one refused.
MOJIBAKE = "\u0637\u00a7\u0638\u201e"


@dataclass
class FuzzCase:
    page: str
    mutation: str
    verdict: str  # "json", "refused", or a failure
    seconds: float
    detail: str


def fuzz_one(cmd: list[str], page: Path, name: str, data: bytes, timeout: float) -> FuzzCase:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"{page.stem}.{name}.html"
        path.write_bytes(data)
        rc, out, err, seconds = run_tool(cmd, path, timeout)
    lines = [line for line in err.strip().splitlines() if line.strip()]
    if rc is None:
        return FuzzCase(page.stem, name, "TIMEOUT", seconds, f"over {timeout:g}s")
    if "Traceback" in err:
        return FuzzCase(page.stem, name, "TRACEBACK", seconds, lines[-1][:100] if lines else "")
    if "internal error" in err:
        return FuzzCase(page.stem, name, "INTERNAL", seconds, lines[-1][:140])
    if rc == 0:
        try:
            segments = json.loads(out)
        except ValueError:
            return FuzzCase(page.stem, name, "BAD-JSON", seconds, out[:80])
        text = json.dumps(segments, ensure_ascii=False)
        if text.count(MOJIBAKE) >= 3:
            return FuzzCase(page.stem, name, "GARBLED", seconds, "UTF-8 read as Windows-1256")
        return FuzzCase(page.stem, name, "json", seconds, f"{len(segments)} segments")
    if len(lines) != 1:
        return FuzzCase(page.stem, name, "MULTILINE", seconds, " / ".join(lines)[:140])
    return FuzzCase(page.stem, name, "refused", seconds, lines[0].split(": ", 2)[-1][:90])


def fuzz(cmd: list[str], seed: int, timeout: float, jobs: int, only: str | None) -> bool:
    pages = sorted(PAGES.glob("*.html"))
    jobs_list = []
    for page in pages:
        data = page.read_bytes()
        for name, mutate in MUTATIONS.items():
            if only and only not in name:
                continue
            rng = random.Random(f"{seed}:{page.name}:{name}")
            jobs_list.append((page, name, mutate(data, rng)))
    print(
        f"\nfuzz: {len(jobs_list)} cases ({len(pages)} pages x {len(jobs_list) // len(pages)}"
        f" mutations), seed {seed}, {jobs} at a time, limit {timeout:g}s per case"
    )
    with ThreadPoolExecutor(jobs) as pool:
        cases = list(pool.map(lambda j: fuzz_one(cmd, j[0], j[1], j[2], timeout), jobs_list))
    failed = [c for c in cases if c.verdict not in ("json", "refused")]
    by_mutation: dict[str, list[FuzzCase]] = {}
    for case in cases:
        by_mutation.setdefault(case.mutation, []).append(case)
    print(
        f"{'mutation':<18} {'json':>5} {'refused':>8} {'failed':>7} {'max s':>7}  refusal reasons"
    )
    for name, group in by_mutation.items():
        reasons = sorted({c.detail.split(" (")[0] for c in group if c.verdict == "refused"})
        print(
            f"{name:<18} {sum(c.verdict == 'json' for c in group):>5} "
            f"{sum(c.verdict == 'refused' for c in group):>8} "
            f"{sum(c.verdict not in ('json', 'refused') for c in group):>7} "
            f"{max(c.seconds for c in group):>7.1f}  {'; '.join(reasons)[:90]}"
        )
    for case in failed:
        print(f"FAIL {case.page} {case.mutation}: {case.verdict} {case.detail}")
    slowest = max(cases, key=lambda c: c.seconds)
    print(
        f"fuzz: {len(cases) - len(failed)}/{len(cases)} passed "
        f"({sum(c.verdict == 'json' for c in cases)} JSON, "
        f"{sum(c.verdict == 'refused' for c in cases)} one-line refusals), "
        f"slowest {slowest.seconds:.1f}s ({slowest.page} {slowest.mutation})"
    )
    return not failed


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument("--no-fuzz", action="store_true", help="the side-by-side table only")
    parser.add_argument("--fuzz-only", action="store_true", help="the fuzz pass only")
    parser.add_argument("--only", help="fuzz only the mutations whose name contains this")
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--jobs", type=int, default=2, help="fuzz cases run at once")
    parser.add_argument("--timeout", type=float, default=120, help="seconds per run")
    parser.add_argument(
        "--newsaudio", help="command prefix to run instead of this checkout's newsaudio"
    )
    args = parser.parse_args()
    if not (PAGES / "oracle.tsv").exists() or not SCORER.exists():
        print(
            f"skipped: no development pages at {PAGES} (or no scorer at {SCORER}); they live in"
            " the shared folder next to the repository, never in it"
        )
        return
    ours = shlex.split(args.newsaudio) if args.newsaudio else newsaudio_command()
    peer = [str(PYTHON if PYTHON.exists() else sys.executable), str(PEER)]
    ok = True
    if not args.fuzz_only:
        ok = table(load_scorer(), ours, peer, args.timeout) and ok
    if not args.no_fuzz:
        ok = fuzz(ours, args.seed, args.timeout, args.jobs, args.only) and ok
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    if shutil.which("uv") is None and not NEWSAUDIO.exists():
        sys.exit("newsaudio is not installed here: run `uv sync` first")
    main()
