"""EPUB 3 with Media Overlays: the text of a :class:`~newsaudio.publishing.book.Book` in sync
with its voice, for reading systems (Thorium Reader, Apple Books, Dolphin EasyReader, Foliate).

The package: ``EPUB/package.opf``; ``nav.xhtml`` (the contents: parts and their sections), first
in the spine as a newspaper's contents page — and because foliate-js cannot highlight overlay text
in spine item 0; one XHTML content document per part (``lang``/``xml:lang`` ar, ``dir`` rtl, each
sentence a ``<span id>``); one SMIL overlay per content document (a ``par`` per sentence, a
nested ``seq`` per subheaded section); the book's MP3, stored uncompressed. The package metadata
carries ``media:duration`` (per overlay and the total, from the same milliseconds, as EPUBCheck 5
compares them), ``media:active-class`` and the EPUB Accessibility 1.1 properties.

Checked with EPUBCheck (0 errors, 0 warnings) and Ace by DAISY (0 violations) in the tests. Style
sheets must not set ``direction`` (EPUBCheck CSS-001): right to left is ``dir="rtl"`` on each
document and ``page-progression-direction`` on the spine.
"""

from __future__ import annotations

import shutil
import zipfile
from datetime import datetime
from html import escape
from pathlib import Path

from newsaudio.publishing.book import Book, BookBlock, BookPart, BookSection, clock

EPUB_SUFFIX = ".epub"
MIMETYPE = b"application/epub+zip"
ACTIVE_CLASS = "-epub-media-overlay-active"
PLAYING_CLASS = "-epub-media-overlay-playing"
AUDIO_DIR = "audio"
# A fixed time in every entry: the same book gives the same bytes (ZIP's date has no zone).
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)
_CSS = """\
body { font-family: "Noto Naskh Arabic", "Amiri", "DejaVu Sans", serif; line-height: 1.9; }
h1 { font-size: 1.5em; }
h2 { font-size: 1.2em; margin-top: 1.5em; }
.kicker { font-size: 0.9em; color: #444; margin-bottom: 0; }
.-epub-media-overlay-active { background-color: #ffe36e; color: #000; }
"""
_CONTAINER = """<?xml version="1.0" encoding="UTF-8"?>
<container version="1.0" xmlns="urn:oasis:names:tc:opendocument:xmlns:container">
<rootfiles>
<rootfile full-path="EPUB/package.opf" media-type="application/oebps-package+xml"/>
</rootfiles>
</container>
"""
# What the accessibility summary says, in the book's language and in English.
_SUMMARY = (
    "نص الأخبار كما كتب، متزامن مع قراءة صوتية مركبة آليا لكل جملة؛ التنقل بالخبر والعنوان "
    "الفرعي من جدول المحتويات. "
    "The articles' text as written, synchronized sentence by sentence with synthesized speech "
    "(EPUB Media Overlays); navigation by article and section from the table of contents; "
    "no images, no hazards."
)


def _text(value: str) -> str:
    return escape(value, quote=False)


def _attr(value: str) -> str:
    return escape(value, quote=True)


def _document(title: str, body: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE html>\n'
        '<html xmlns="http://www.w3.org/1999/xhtml" xmlns:epub="http://www.idpf.org/2007/ops"'
        ' lang="ar" xml:lang="ar" dir="rtl">\n<head>\n<meta charset="utf-8"/>\n'
        f"<title>{_text(title)}</title>\n"
        '<link rel="stylesheet" type="text/css" href="book.css"/>\n</head>\n'
        f"<body>\n{body}</body>\n</html>\n"
    )


def _spans(block: BookBlock) -> str:
    return " ".join(f'<span id="{s.id}">{_text(s.text)}</span>' for s in block.sentences)


def _section_body(section: BookSection, level: int) -> str:
    """A section's blocks; a heading that is not spoken (a closing's title) is plain text, and a
    navigation point's title is only in the contents."""
    out = []
    if section.heading is None and not section.paragraph:
        out.append(f'<h{level} id="{section.id}-h">{_text(section.title)}</h{level}>\n')
    for block in section.blocks:
        if block.role == "kicker":
            out.append(f'<p class="kicker">{_spans(block)}</p>\n')
        elif block.role == "heading":
            out.append(f'<h{level} id="{section.id}-h">{_spans(block)}</h{level}>\n')
        else:
            out.append(f"<p>{_spans(block)}</p>\n")
    return "".join(out)


def content_document(part: BookPart) -> str:
    """A part as XHTML: one ``<section>`` with its h1 (the headline, or the edition's title on
    the title page) and one nested ``<section>`` with an h2 per subheading."""
    first, *rest = part.sections
    kind = {
        "opening": ' epub:type="titlepage"',
        "article": ' epub:type="chapter" role="doc-chapter"',
        "closing": ' epub:type="conclusion" role="doc-conclusion"',
    }[part.kind]
    body = [f'<section id="{part.id}"{kind} aria-labelledby="{first.id}-h">\n']
    body.append(_section_body(first, 1))
    for section in rest:
        label = (
            f'aria-label="{_attr(section.title)}"'
            if section.paragraph
            else f'aria-labelledby="{section.id}-h"'
        )
        body.append(f'<section id="{section.id}" {label}>\n')
        body.append(_section_body(section, 2))
        body.append("</section>\n")
    body.append("</section>\n")
    return _document(part.title, "".join(body))


def overlay(part: BookPart, audio: str) -> str:
    """The part's Media Overlay: a ``par`` per sentence, a ``seq`` per subheaded section."""

    def pars(section: BookSection) -> str:
        return "".join(
            f'<par id="{s.id}-par"><text src="{part.id}.xhtml#{s.id}"/>'
            f'<audio src="{audio}" clipBegin="{clock(s.begin_ms)}" clipEnd="{clock(s.end_ms)}"/>'
            "</par>\n"
            for s in section.sentences
        )

    first, *rest = part.sections
    body = [f'<seq id="{part.id}-seq" epub:textref="{part.id}.xhtml#{part.id}">\n', pars(first)]
    for section in rest:
        body.append(f'<seq id="{section.id}-seq" epub:textref="{part.id}.xhtml#{section.id}">\n')
        body.append(pars(section))
        body.append("</seq>\n")
    body.append("</seq>\n")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<smil xmlns="http://www.w3.org/ns/SMIL" xmlns:epub="http://www.idpf.org/2007/ops"'
        f' version="3.0">\n<body>\n{"".join(body)}</body>\n</smil>\n'
    )


def navigation(book: Book) -> str:
    """The contents: each part, and under an article its subheaded sections."""
    items = []
    for part in book.parts:
        first, *rest = part.sections
        entry = f'<li><a href="{part.id}.xhtml#{part.id}">{_text(first.title)}</a>'
        if part.kind == "article" and rest:
            entry += "\n<ol>\n" + "".join(
                f'<li><a href="{part.id}.xhtml#{s.id}">{_text(s.title)}</a></li>\n' for s in rest
            )
            entry += "</ol>\n"
        items.append(entry + "</li>\n")
    first_part = book.parts[0]
    body = (
        '<nav epub:type="toc" role="doc-toc" id="toc" aria-labelledby="toc-h">\n'
        f'<h1 id="toc-h">المحتويات</h1>\n<ol>\n{"".join(items)}</ol>\n</nav>\n'
        '<nav epub:type="landmarks" hidden="hidden">\n<ol>\n'
        '<li><a epub:type="toc" href="nav.xhtml#toc">المحتويات</a></li>\n'
        f'<li><a epub:type="bodymatter" href="{first_part.id}.xhtml#{first_part.id}">'
        f"{_text(book.title)}</a></li>\n</ol>\n</nav>\n"
    )
    return _document(book.title, body)


def package(book: Book, modified: datetime) -> str:
    """The package document: metadata (Dublin Core, Media Overlays, accessibility), manifest,
    spine."""
    parts = book.parts
    meta = [
        f'<dc:identifier id="pub-id">{_text(book.identifier)}</dc:identifier>',
        f"<dc:title>{_text(book.title)}</dc:title>",
        f"<dc:language>{book.language}</dc:language>",
        f"<dc:date>{book.issued.isoformat()}</dc:date>",
        f"<dc:publisher>{_text(book.publisher)}</dc:publisher>",
        f"<dc:creator>{_text(book.publisher)}</dc:creator>",
        f'<meta property="dcterms:modified">{modified.strftime("%Y-%m-%dT%H:%M:%SZ")}</meta>',
        *(
            f'<meta property="media:duration" refines="#{p.id}-mo">{clock(p.overlay_ms)}</meta>'
            for p in parts
        ),
        # The total is the sum of the overlays, from the same milliseconds (EPUBCheck 5: MED-016).
        f'<meta property="media:duration">{clock(book.overlay_ms)}</meta>',
        f'<meta property="media:narrator">{_text(book.narrator)}</meta>',
        f'<meta property="media:active-class">{ACTIVE_CLASS}</meta>',
        f'<meta property="media:playback-active-class">{PLAYING_CLASS}</meta>',
        # EPUB Accessibility 1.1: how the book can be used, and what it claims.
        '<meta property="schema:accessMode">textual</meta>',
        '<meta property="schema:accessMode">auditory</meta>',
        '<meta property="schema:accessModeSufficient">textual</meta>',
        '<meta property="schema:accessModeSufficient">auditory</meta>',
        '<meta property="schema:accessModeSufficient">textual,auditory</meta>',
        '<meta property="schema:accessibilityFeature">synchronizedAudioText</meta>',
        '<meta property="schema:accessibilityFeature">tableOfContents</meta>',
        '<meta property="schema:accessibilityFeature">readingOrder</meta>',
        '<meta property="schema:accessibilityFeature">structuralNavigation</meta>',
        '<meta property="schema:accessibilityFeature">displayTransformability</meta>',
        '<meta property="schema:accessibilityHazard">none</meta>',
        f'<meta property="schema:accessibilitySummary">{_text(_SUMMARY)}</meta>',
        '<meta property="dcterms:conformsTo" id="conf">'
        "EPUB Accessibility 1.1 - WCAG 2.1 Level AA</meta>",
        f'<meta property="a11y:certifiedBy" refines="#conf">{_text(book.publisher)}</meta>',
    ]
    manifest = [
        '<item id="nav" href="nav.xhtml" media-type="application/xhtml+xml" properties="nav"/>',
        '<item id="css" href="book.css" media-type="text/css"/>',
        f'<item id="audio" href="{AUDIO_DIR}/{_attr(book.audio_file)}" media-type="audio/mpeg"/>',
    ]
    for p in parts:
        manifest.append(
            f'<item id="{p.id}" href="{p.id}.xhtml" media-type="application/xhtml+xml"'
            f' media-overlay="{p.id}-mo"/>'
        )
        manifest.append(
            f'<item id="{p.id}-mo" href="{p.id}.smil" media-type="application/smil+xml"/>'
        )
    spine = ['<itemref idref="nav"/>', *(f'<itemref idref="{p.id}"/>' for p in parts)]
    nl = "\n"
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<package xmlns="http://www.idpf.org/2007/opf" version="3.0" unique-identifier="pub-id"'
        f' xml:lang="{book.language}" dir="rtl">\n'
        '<metadata xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        f"{nl.join(meta)}\n</metadata>\n<manifest>\n{nl.join(manifest)}\n</manifest>\n"
        f'<spine page-progression-direction="rtl">\n{nl.join(spine)}\n</spine>\n</package>\n'
    )


def _entry(name: str, compress: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_ZIP_TIME)
    info.compress_type = compress
    info.external_attr = 0o644 << 16
    return info


def write_epub(book: Book, audio: Path, path: Path, modified: datetime) -> None:
    """The EPUB of ``book`` at ``path``; ``audio`` is the MP3 its clips are in (copied in
    uncompressed as ``audio/<book.audio_file>``: MP3 does not compress, and readers seek in it)."""
    audio_name = f"{AUDIO_DIR}/{book.audio_file}"
    with zipfile.ZipFile(path, "w") as epub:
        # First, stored, no extra field: how reading systems recognise an EPUB (OCF).
        epub.writestr(_entry("mimetype", zipfile.ZIP_STORED), MIMETYPE)
        files = {
            "META-INF/container.xml": _CONTAINER,
            "EPUB/package.opf": package(book, modified),
            "EPUB/nav.xhtml": navigation(book),
            "EPUB/book.css": _CSS,
        }
        for part in book.parts:
            files[f"EPUB/{part.id}.xhtml"] = content_document(part)
            files[f"EPUB/{part.id}.smil"] = overlay(part, audio_name)
        for name, text in files.items():
            epub.writestr(_entry(name, zipfile.ZIP_DEFLATED), text.encode("utf-8"))
        with audio.open("rb") as source, epub.open(_entry(f"EPUB/{audio_name}", 0), "w") as out:
            shutil.copyfileobj(source, out, 1 << 20)
