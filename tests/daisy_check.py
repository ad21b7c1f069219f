"""Structural and timing checks of a DAISY 2.02 fileset, as the tests make them: DAISY 2.02 has no
installable validator. lxml (no DTD loading, no network) and mutagen only.

* ncc.html: XHTML whose ``<html>`` has only ``lang``/``xml:lang``; the required ``dc:``/``ncc:``
  metadata once each; the first body element ``<h1 class="title">``; only h1-h6, no skipped level,
  each with one ``<a href="x.smil#id">`` to a ``par`` that exists; ``ncc:tocItems``, ``ncc:depth``,
  ``ncc:files`` and ``ncc:totalTime`` (whole seconds) as counted.
* each SMIL: ``dc:format`` "Daisy 2.02", ``layout/region``, one ``body/seq`` of
  ``par[@endsync="last"]`` with ``text`` and ``audio`` (ids); ``text`` resolves into the content
  document; the audio file exists; ``npt=…s`` clocks with 0 <= begin < end <= the MP3's length
  (mutagen); ``seq/@dur`` the sum of its clips; ``ncc:timeInThisSmil``/``ncc:totalElapsedTime``.
* timing: the ``par``s in reading order are the VTT's sentences (cues that touch are one sentence);
  each clip begins within 50 ms of its sentence's first cue; it ends within 50 ms of the sentence's
  last cue, or runs on to the next clip's begin (or the file's end) to hold the pause after it —
  never before the cue ends (-50 ms), never more than 3 s after.
"""

from __future__ import annotations

import itertools
import re
from pathlib import Path

from lxml import etree
from mutagen.mp3 import MP3

from newsaudio.publishing.captions import parse_vtt

XHTML = "{http://www.w3.org/1999/xhtml}"
PARSER = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
W3C_DTDS = Path("/usr/share/xml/w3c-sgml-lib/schema/dtd")  # Debian's w3c-sgml-lib
XHTML1_DTD = W3C_DTDS / "REC-xhtml1-20020801/xhtml1-transitional.dtd"
SMIL1_DTD = W3C_DTDS / "REC-smil-19980615/smil10.dtd"
TOLERANCE_MS = 50
MAX_PAUSE_MS = 3000
REQUIRED_ONCE = (
    "dc:creator", "dc:date", "dc:format", "dc:identifier", "dc:language", "dc:publisher",
    "dc:title", "ncc:charset", "ncc:pageFront", "ncc:pageNormal", "ncc:pageSpecial",
    "ncc:tocItems", "ncc:totalTime",
)  # fmt: skip
_NPT = re.compile(r"^npt=(\d+(?:\.\d+)?)s$")
_HMS = re.compile(r"^(\d+):([0-5]\d):([0-5]\d)$")

Clip = tuple[str, int, int]  # audio file, begin ms, end ms


def npt_ms(value: str | None) -> int:
    match = _NPT.match(value or "")
    if not match:
        raise ValueError(f"not an npt=…s clock value: {value!r}")
    return round(float(match.group(1)) * 1000)


def hms_s(value: str) -> int:
    match = _HMS.match(value)
    if not match:
        raise ValueError(f"not an h:mm:ss value: {value!r}")
    hours, minutes, seconds = (int(g) for g in match.groups())
    return (hours * 60 + minutes) * 60 + seconds


def vtt_sentences(vtt: Path) -> list[tuple[int, int]]:
    """(start, end) of each sentence of a VTT: cues that touch exactly are one sentence."""
    spans: list[list[int]] = []
    for cue in parse_vtt(vtt.read_text(encoding="utf-8")):
        if spans and spans[-1][1] == cue.start_ms:
            spans[-1][1] = cue.end_ms
        else:
            spans.append([cue.start_ms, cue.end_ms])
    return [(a, b) for a, b in spans]


def _ncc_meta(ncc: etree._Element) -> dict[str, list[str]]:
    meta: dict[str, list[str]] = {}
    for element in ncc.iter(f"{XHTML}meta"):
        name = element.get("name")
        if name:
            meta.setdefault(name, []).append(element.get("content", ""))
    return meta


def check(folder: Path, vtt: Path | None = None) -> list[str]:
    """Every problem found in the fileset in ``folder`` (timing against ``vtt`` if given)."""
    problems: list[str] = []
    ncc = etree.parse(str(folder / "ncc.html"), PARSER).getroot()
    if ncc.tag != f"{XHTML}html":
        return [f"ncc.html: root is {ncc.tag}, not XHTML html"]
    if set(ncc.attrib) - {"lang", "{http://www.w3.org/XML/1998/namespace}lang"}:
        problems.append(f"ncc.html: html attributes DAISY 2.02 does not allow: {dict(ncc.attrib)}")
    meta = _ncc_meta(ncc)
    for name in REQUIRED_ONCE:
        if len(meta.get(name, [])) != 1:
            problems.append(f"ncc.html: {name} {len(meta.get(name, []))} times, expected once")
    if meta.get("dc:format") != ["Daisy 2.02"]:
        problems.append(f"ncc.html: dc:format {meta.get('dc:format')}")
    body = ncc.find(f"{XHTML}body")
    items = list(body) if body is not None else []
    if not items or items[0].tag != f"{XHTML}h1" or items[0].get("class") != "title":
        problems.append('ncc.html: the first body element must be <h1 class="title">')
    levels: list[int] = []
    targets: list[tuple[str, str]] = []
    for element in items:
        match = re.fullmatch(r"\{.*\}h([1-6])", str(element.tag))
        if not match:
            problems.append(f"ncc.html: unexpected {element.tag} in body")
            continue
        levels.append(int(match.group(1)))
        links = element.findall(f"{XHTML}a")
        href = links[0].get("href", "") if len(links) == 1 else ""
        if "#" not in href or not element.get("id"):
            problems.append(f"ncc.html: heading {element.get('id')} needs an id and one <a href>")
            continue
        smil, _, fragment = href.partition("#")
        targets.append((smil, fragment))
    for before, after in itertools.pairwise(levels):
        if after > before + 1:
            problems.append(f"ncc.html: heading level skips from h{before} to h{after}")
    counts = {
        "ncc:tocItems": len(items),
        "ncc:depth": max(levels, default=0),
        "ncc:files": sum(1 for p in folder.iterdir() if p.is_file()),
    }
    for name, counted in counts.items():
        if meta.get(name) and int(meta[name][0]) != counted:
            problems.append(f"ncc.html: {name} {meta[name][0]}, counted {counted}")

    content_ids: dict[str, set[str]] = {}
    durations: dict[str, int] = {}
    clips: list[Clip] = []
    elapsed = 0
    smils = list(dict.fromkeys(smil for smil, _ in targets))
    for name in smils:
        path = folder / name
        if not path.is_file():
            problems.append(f"ncc.html: links to missing {name}")
            continue
        total, par_ids = _check_smil(path, folder, content_ids, durations, clips, problems)
        smil_meta = {
            m.get("name"): m.get("content", "")
            for m in etree.parse(str(path), PARSER).iterfind("head/meta")
        }
        for key, want in (("ncc:timeInThisSmil", total), ("ncc:totalElapsedTime", elapsed)):
            if key in smil_meta and hms_s(smil_meta[key]) != round(want / 1000):
                problems.append(f"{name}: {key} {smil_meta[key]}, computed {want} ms")
        elapsed += total
        for smil, fragment in targets:
            if smil == name and fragment not in par_ids:
                problems.append(f"ncc.html: {smil}#{fragment} is not in {name}")
    if meta.get("ncc:totalTime") and hms_s(meta["ncc:totalTime"][0]) != round(elapsed / 1000):
        problems.append(f"ncc.html: ncc:totalTime {meta['ncc:totalTime'][0]}, clips {elapsed} ms")
    if vtt is not None:
        problems += check_timing(clips, vtt_sentences(vtt), durations)
    return problems


def _check_smil(
    path: Path,
    folder: Path,
    content_ids: dict[str, set[str]],
    durations: dict[str, int],
    clips: list[Clip],
    problems: list[str],
) -> tuple[int, set[str]]:
    """Check one SMIL file; returns the length of its clips and its ids."""
    where = path.name
    smil = etree.parse(str(path), PARSER).getroot()
    par_ids: set[str] = set()
    if smil.tag != "smil":
        problems.append(f"{where}: root is {smil.tag}")
        return 0, par_ids
    formats = [m.get("content") for m in smil.iterfind("head/meta") if m.get("name") == "dc:format"]
    if formats != ["Daisy 2.02"]:
        problems.append(f"{where}: dc:format {formats}")
    if smil.find("head/layout/region") is None:
        problems.append(f"{where}: head/layout/region missing")
    seqs = smil.findall("body/seq")
    if len(seqs) != 1:
        problems.append(f"{where}: body must hold one seq")
        return 0, par_ids
    total = 0
    for par in seqs[0]:
        text, audio = par.find("text"), par.find("audio")
        if par.tag != "par" or par.get("endsync") != "last" or text is None or audio is None:
            problems.append(f"{where}: {par.tag} {par.get('id')} is not par(text, audio)")
            continue
        par_ids |= {par.get("id", ""), text.get("id", ""), audio.get("id", "")}
        document, _, fragment = text.get("src", "").partition("#")
        if document not in content_ids:
            found = (folder / document).is_file()
            tree = etree.parse(str(folder / document), PARSER) if found else None
            content_ids[document] = (
                {e.get("id") for e in tree.iter() if e.get("id")} if tree else set()
            )
        if fragment not in content_ids[document]:
            problems.append(f"{where}: text src {text.get('src')} does not resolve")
        source = audio.get("src", "")
        if not (folder / source).is_file():
            problems.append(f"{where}: audio src {source} missing")
            continue
        if source not in durations:
            durations[source] = round(MP3(folder / source).info.length * 1000)
        try:
            begin, end = npt_ms(audio.get("clip-begin")), npt_ms(audio.get("clip-end"))
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        if not 0 <= begin < end <= durations[source] + 1:
            problems.append(
                f"{where}: clip {begin}-{end} ms not within {source} (0-{durations[source]} ms)"
            )
        total += end - begin
        clips.append((source, begin, end))
    dur = seqs[0].get("dur", "")
    if not re.fullmatch(r"\d+(\.\d+)?s", dur) or abs(round(float(dur[:-1]) * 1000) - total) > 1:
        problems.append(f"{where}: seq dur {dur!r}, its clips add up to {total} ms")
    return total, par_ids


def check_timing(
    clips: list[Clip], sentences: list[tuple[int, int]], durations: dict[str, int]
) -> list[str]:
    """Clips in reading order against the captions' sentences (one MP3, the VTT's timeline)."""
    if len(clips) != len(sentences):
        return [f"{len(clips)} clips, but the VTT has {len(sentences)} sentences"]
    problems = []
    for i, ((source, begin, end), (start, stop)) in enumerate(zip(clips, sentences, strict=True)):
        following = clips[i + 1] if i + 1 < len(clips) else None
        runs_on = (following is not None and end == following[1]) or end == durations[source]
        if abs(begin - start) > TOLERANCE_MS:
            problems.append(f"clip {i}: begins at {begin} ms, its sentence at {start} ms")
        if end < stop - TOLERANCE_MS:
            problems.append(f"clip {i}: ends at {end} ms, before its sentence ends ({stop} ms)")
        elif abs(end - stop) > TOLERANCE_MS and not (runs_on and end - stop <= MAX_PAUSE_MS):
            problems.append(f"clip {i}: ends at {end} ms, its sentence at {stop} ms")
    return problems


def check_dtds(folder: Path) -> list[str]:
    """ncc.html and content.html against XHTML 1.0 Transitional, the SMIL files against SMIL 1.0
    (the DTDs their DOCTYPEs name), from Debian's w3c-sgml-lib."""
    problems = []
    for dtd_path, names in (
        (XHTML1_DTD, ["ncc.html", "content.html"]),
        (SMIL1_DTD, sorted(p.name for p in folder.glob("*.smil"))),
    ):
        dtd = etree.DTD(str(dtd_path))
        for name in names:
            if not dtd.validate(etree.parse(str(folder / name), PARSER)):
                problems += [f"{name}: {e.line}: {e.message}" for e in dtd.error_log]
    return problems
