"""The pronunciation lexicon as W3C PLS 1.0 (Pronunciation Lexicon Specification), the format
Amazon Polly, Azure, ElevenLabs and DAISY Pipeline 2 read, beside our ``written<TAB>spoken`` TSV.

Each entry is a ``<lexeme>`` with its written form as ``<grapheme>`` and its spoken form as an
``<alias>`` (Arabic letters with their vowel marks: newsaudio speaks letters, not phonemes), both
in Unicode NFC, in a lexicon of ``xml:lang="ar"``. How a grapheme matches text is newsaudio's
lexicon rule, stated in the file: an Arabic grapheme matches a word whatever its vowel marks and
the hamza forms of its alef (an unvoweled grapheme matches the word however the text vowels it),
with و ف ب ل ك and لل (for ال) attached in front; a Latin grapheme matches the whole word,
case-insensitively. Exported and read again, a lexicon is the same, entry for entry.

A PLS file from another tool is read entry by entry: what newsaudio cannot use — a lexeme with
only ``<phoneme>`` transcriptions (IPA, X-SAMPA), one in another language, an alias that is not
in Arabic letters — is left out with one warning naming it, and the rest is read. The XML is
parsed without loading a DTD, expanding entities or touching the network; a file that declares
entities is refused.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from typing import Any
from xml.sax.saxutils import escape

from newsaudio.errors import ConfigError

PLS_NS = "http://www.w3.org/2005/01/pronunciation-lexicon"
_XML_NS = "http://www.w3.org/XML/1998/namespace"
_ARABIC_SPOKEN = re.compile("[\u0621-\u063a\u0641-\u0652\u0670\u0671 ]+")
MATCHING_RULE = (
    "newsaudio: an Arabic grapheme matches a word whatever its vowel marks and the hamza forms "
    "of its alef (an unvoweled grapheme matches the word however it is voweled), with "
    "و ف ب ل ك and لل (for ال) attached in front; a Latin grapheme matches the whole word, "
    "case-insensitively. Each alias is the spoken form: Arabic letters with their vowel marks."
)


@dataclass(frozen=True)
class PlsLexicon:
    """What a PLS file gave: its usable entries, in order, and a warning for each it left out."""

    entries: list[tuple[str, str]]
    warnings: list[str]


def to_pls(entries: list[tuple[str, str]]) -> str:
    """``entries`` (written, spoken) as a PLS 1.0 document."""
    lexemes = "".join(
        "  <lexeme>\n"
        f"    <grapheme>{escape(_nfc(written))}</grapheme>\n"
        f"    <alias>{escape(_nfc(spoken))}</alias>\n"
        "  </lexeme>\n"
        for written, spoken in entries
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<lexicon version="1.0" xmlns="{PLS_NS}" alphabet="ipa" xml:lang="ar">\n'
        f"  <!-- {MATCHING_RULE} -->\n"
        f"{lexemes}"
        "</lexicon>\n"
    )


def from_pls(data: bytes, source: str) -> PlsLexicon:
    """The entries of the PLS document ``data`` (named ``source`` in messages)."""
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise ConfigError(f"{source}: not an XML file ({exc})") from exc
    dtd = root.getroottree().docinfo.internalDTD
    if dtd is not None and any(True for _ in dtd.iterentities()):
        raise ConfigError(
            f"{source}: declares XML entities, which newsaudio does not expand (a PLS lexicon "
            "needs none)"
        )
    if etree.QName(root).localname != "lexicon":
        raise ConfigError(f"{source}: not a PLS lexicon (its root is <{root.tag}>, not <lexicon>)")
    language = root.get(f"{{{_XML_NS}}}lang", "")
    entries: list[tuple[str, str]] = []
    warnings: list[str] = []
    for number, lexeme in enumerate(_children(root, "lexeme"), start=1):
        graphemes = [_text(g) for g in _children(lexeme, "grapheme") if _text(g)]
        named = f"{source}: lexeme {number} ({', '.join(graphemes) or 'no grapheme'})"
        problem = _problem(lexeme, graphemes, language)
        if problem:
            warnings.append(f"{named}: {problem}; left out")
            continue
        spoken = _alias(lexeme) or ""  # an alias: _problem said so
        entries += [(grapheme, spoken) for grapheme in graphemes]
    return PlsLexicon(entries, warnings)


def _problem(lexeme: Any, graphemes: list[str], language: str) -> str:
    """Why newsaudio cannot use ``lexeme``, or ""."""
    if not graphemes:
        return "has no grapheme"
    own = lexeme.get(f"{{{_XML_NS}}}lang", language)
    if own and not own.lower().startswith("ar"):
        return f"is in {own}, not Arabic"
    spoken = _alias(lexeme)
    if spoken is None:
        phonemes = list(_children(lexeme, "phoneme"))
        if phonemes:
            alphabet = phonemes[0].get("alphabet") or "the lexicon's alphabet"
            return f"has only a phoneme transcription ({alphabet}); newsaudio needs an alias"
        return "has no alias"
    if not _ARABIC_SPOKEN.fullmatch(spoken):
        return f"its alias {spoken[:40]!r} is not Arabic letters and vowel marks"
    return ""


def _alias(lexeme: Any) -> str | None:
    """The lexeme's alias: the one marked ``prefer="true"``, else the first."""
    aliases = [a for a in _children(lexeme, "alias") if _text(a)]
    if not aliases:
        return None
    preferred = [a for a in aliases if a.get("prefer") == "true"]
    return _text((preferred or aliases)[0])


def _children(element: Any, name: str) -> list[Any]:
    """``element``'s children called ``name``, in the PLS namespace or none (lxml elements)."""
    return [
        child
        for child in element.iterchildren()
        if isinstance(child.tag, str) and child.tag in (name, f"{{{PLS_NS}}}{name}")
    ]


def _text(element: Any) -> str:
    return _nfc(" ".join("".join(element.itertext()).split()))


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
