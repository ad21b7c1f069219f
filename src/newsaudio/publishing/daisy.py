"""DAISY 2.02: a :class:`~newsaudio.publishing.book.Book` as a fileset for DAISY players
(Victor Reader Stream, Plextalk, Dolphin EasyReader, daisy-player), which read 2.02 best.

The fileset (``<name>.daisy/``, and ``<name>.daisy.zip``, which opens to that one folder), every
name ASCII (``publishing/names.py``: players and SD cards expect it):

* ``ncc.html`` — the navigation centre: the book's title as ``h1 class="title"`` (the spoken
  title, the first clip), each article's headline an ``h1``, each subheading an ``h2``; each
  heading links to the first ``par`` of its SMIL. Right to left is declared by its style sheet
  (``direction: rtl``): the DAISY 2.02 NCC schema (the DAISY Pipeline's validator) allows no
  ``dir`` attribute on its elements, only a ``link`` to a style sheet.
* ``content.html`` — the whole text, each sentence a ``<span id>`` (XHTML 1.0 Transitional).
* ``sNNNN.smil`` — one SMIL 1.0 file per NCC heading: a ``par`` (text + audio clip) per sentence.
* ``<name>.mp3``: the MP3 without its ID3 tag (DAISY validators warn about one; players may play
  it as noise).

Times: ``clip-begin``/``clip-end`` as ``npt=12.345s``; ``ncc:totalTime``, ``ncc:timeInThisSmil``
and ``ncc:totalElapsedTime`` as ``h:mm:ss`` in whole seconds. DAISY 2.02 has no installable
validator; the tests check this structure and every clip against the captions.
"""

from __future__ import annotations

import shutil
import zipfile
from dataclasses import dataclass
from html import escape
from pathlib import Path

from newsaudio.publishing.book import Book, BookSection

DAISY_SUFFIX = ".daisy"
DAISY_ZIP_SUFFIX = ".daisy.zip"
NCC_FILE = "ncc.html"
CONTENT_FILE = "content.html"
CSS_FILE = "default.css"
GENERATOR = "newsaudio"
_XHTML_DOCTYPE = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"'
    ' "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">\n'
)
_SMIL_DOCTYPE = (
    '<!DOCTYPE smil PUBLIC "-//W3C//DTD SMIL 1.0//EN" "http://www.w3.org/TR/REC-smil/SMIL10.dtd">\n'
)
_CSS = (
    'body { font-family: "Noto Naskh Arabic", "Amiri", serif; line-height: 1.9; }\n'
    "html, body { direction: rtl; }\n"
)
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def _text(value: str) -> str:
    return escape(value, quote=False)


def _attr(value: str) -> str:
    return escape(value, quote=True)


def hms(ms: int) -> str:
    """Whole seconds as ``h:mm:ss`` (the NCC's and SMIL's time metadata).

    >>> hms(3_725_600)
    '1:02:06'
    """
    total = round(ms / 1000)
    return f"{total // 3600}:{total % 3600 // 60:02d}:{total % 60:02d}"


def npt(ms: int) -> str:
    """A clip time, ``npt=12.345s``.

    >>> npt(61_005)
    'npt=61.005s'
    """
    return f"npt={ms / 1000:.3f}s"


@dataclass(frozen=True)
class NccItem:
    """One heading of the NCC and the SMIL file that plays its section."""

    level: int
    title: str
    section: BookSection
    smil: str
    elapsed_ms: int

    @property
    def duration_ms(self) -> int:
        return sum(s.end_ms - s.begin_ms for s in self.section.sentences)


def ncc_items(book: Book) -> list[NccItem]:
    """The NCC's headings in reading order: the first section is the book's title (h1), each
    part's first section an h1, every other section an h2 — of a single-article book, the
    subheadings are h2 under its headline."""
    items: list[NccItem] = []
    elapsed = 0
    for part, section in book.sections():
        first = section is part.sections[0]
        title = book.title if not items else section.title
        level = 1 if first else 2
        item = NccItem(level, title, section, f"s{len(items) + 1:04d}.smil", elapsed)
        items.append(item)
        elapsed += item.duration_ms
    return items


def _content(book: Book, items: list[NccItem]) -> str:
    body = []
    for item in items:
        tag = f"h{item.level}"
        title_class = ' class="title"' if item is items[0] else ""
        if item.section.heading is None and not item.section.paragraph:
            # A title that is not spoken (the closing's; a navigation point's is in the NCC only)
            body.append(f"<{tag}{title_class}>{_text(item.title)}</{tag}>\n")
        for block in item.section.blocks:
            if block.role == "heading":
                spans = " ".join(
                    f'<span id="{s.id}"><a href="{item.smil}#{s.id}-par">{_text(s.text)}</a></span>'
                    for s in block.sentences
                )
                body.append(f"<{tag}{title_class}>{spans}</{tag}>\n")
            else:
                spans = " ".join(
                    f'<span id="{s.id}">{_text(s.text)}</span>' for s in block.sentences
                )
                body.append(f"<p>{spans}</p>\n")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        + _XHTML_DOCTYPE
        + f'<html xmlns="http://www.w3.org/1999/xhtml" lang="{book.language}"'
        f' xml:lang="{book.language}" dir="rtl">\n<head>\n'
        '<meta http-equiv="Content-type" content="application/xhtml+xml; charset=utf-8"/>\n'
        f"<title>{_text(book.title)}</title>\n"
        f'<link rel="stylesheet" type="text/css" href="{CSS_FILE}"/>\n</head>\n<body>\n'
        + "".join(body)
        + "</body>\n</html>\n"
    )


def _smil(book: Book, item: NccItem, audio: str) -> str:
    pars = "".join(
        f'<par endsync="last" id="{s.id}-par">\n'
        f'<text src="{CONTENT_FILE}#{s.id}" id="{s.id}-txt"/>\n'
        f'<audio src="{_attr(audio)}" clip-begin="{npt(s.begin_ms)}" clip-end="{npt(s.end_ms)}"'
        f' id="{s.id}-aud"/>\n</par>\n'
        for s in item.section.sentences
    )
    meta = [
        ("dc:format", "Daisy 2.02"),
        ("dc:identifier", book.identifier),
        ("dc:title", book.title),
        ("title", item.title),
        ("ncc:generator", GENERATOR),
        ("ncc:timeInThisSmil", hms(item.duration_ms)),
        ("ncc:totalElapsedTime", hms(item.elapsed_ms)),
    ]
    head = "".join(f'<meta name="{n}" content="{_attr(v)}"/>\n' for n, v in meta)
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        + _SMIL_DOCTYPE
        + f'<smil>\n<head>\n{head}<layout>\n<region id="txtView"/>\n</layout>\n</head>\n<body>\n'
        f'<seq dur="{item.duration_ms / 1000:.3f}s">\n{pars}</seq>\n</body>\n</smil>\n'
    )


def _ncc(book: Book, items: list[NccItem], files: int) -> str:
    heads = []
    for item in items:
        first = item.section.sentences[0]
        title_class = ' class="title"' if item is items[0] else ""
        heads.append(
            f'<h{item.level}{title_class} id="ncc-{first.id}"><a href="{item.smil}#{first.id}-par">'
            f"{_text(item.title)}</a></h{item.level}>\n"
        )
    total = sum(item.duration_ms for item in items)
    meta: list[tuple[str, str, str]] = [
        ("dc:creator", book.publisher, ""),
        ("dc:date", book.issued.isoformat(), "yyyy-mm-dd"),
        ("dc:format", "Daisy 2.02", ""),
        ("dc:identifier", book.identifier, ""),
        ("dc:language", book.language, "ISO 639"),
        ("dc:publisher", book.publisher, ""),
        ("dc:title", book.title, ""),
        ("ncc:charset", "utf-8", ""),
        ("ncc:depth", str(max(item.level for item in items)), ""),
        ("ncc:files", str(files), ""),
        ("ncc:footnotes", "0", ""),
        ("ncc:generator", GENERATOR, ""),
        ("ncc:maxPageNormal", "0", ""),
        ("ncc:multimediaType", "audioFullText", ""),
        ("ncc:narrator", book.narrator, ""),
        ("ncc:pageFront", "0", ""),
        ("ncc:pageNormal", "0", ""),
        ("ncc:pageSpecial", "0", ""),
        ("ncc:prodNotes", "0", ""),
        ("ncc:setInfo", "1 of 1", ""),
        ("ncc:sidebars", "0", ""),
        ("ncc:tocItems", str(len(items)), ""),
        ("ncc:totalTime", hms(total), ""),
    ]
    lines = "".join(
        f'<meta name="{n}" content="{_attr(v)}"' + (f' scheme="{s}"' if s else "") + "/>\n"
        for n, v, s in meta
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        + _XHTML_DOCTYPE
        + f'<html xmlns="http://www.w3.org/1999/xhtml" lang="{book.language}"'
        f' xml:lang="{book.language}">\n<head>\n'
        '<meta http-equiv="Content-type" content="text/html; charset=utf-8"/>\n'
        f"<title>{_text(book.title)}</title>\n{lines}"
        f'<link rel="stylesheet" type="text/css" href="{CSS_FILE}"/>\n</head>\n<body>\n'
        + "".join(heads)
        + "</body>\n</html>\n"
    )


def daisy_files(book: Book, audio: str) -> dict[str, str]:
    """The fileset's text files by name (the MP3, ``audio``, comes beside them)."""
    items = ncc_items(book)
    if not items:
        raise ValueError("a DAISY 2.02 book has at least its title")
    files = {CONTENT_FILE: _content(book, items), CSS_FILE: _CSS}
    for item in items:
        files[item.smil] = _smil(book, item, audio)
    files[NCC_FILE] = _ncc(book, items, len(files) + 2)  # + itself and the MP3
    return files


def write_daisy(book: Book, audio: Path, folder: Path, zip_path: Path, name: str) -> None:
    """The fileset in ``folder`` (which must not exist yet) and zipped in ``zip_path``, whose
    entries are in one folder, ``<name>.daisy/`` (``name`` is ASCII: the MP3 is ``<name>.mp3``);
    ``audio`` is the MP3 without its tag, linked into the folder when it can be."""
    folder.mkdir()
    for file, text in daisy_files(book, f"{name}.mp3").items():
        (folder / file).write_text(text, encoding="utf-8")
    mp3 = folder / f"{name}.mp3"
    try:
        mp3.hardlink_to(audio)  # the same bytes twice in a folder: no second copy on disk
    except OSError:
        shutil.copyfile(audio, mp3)
    mp3.chmod(0o644)
    top = f"{name}{DAISY_SUFFIX}/"
    with zipfile.ZipFile(zip_path, "w") as bundle:
        directory = zipfile.ZipInfo(top, date_time=_ZIP_TIME)
        directory.external_attr = (0o40755 << 16) | 0x10  # a folder, for Unix and DOS
        bundle.writestr(directory, b"")
        for path in sorted(folder.iterdir()):
            stored = path.suffix == ".mp3"
            info = zipfile.ZipInfo(top + path.name, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with path.open("rb") as source, bundle.open(info, "w") as out:
                while chunk := source.read(1 << 20):
                    out.write(chunk)
