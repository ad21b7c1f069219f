"""The lexicon as W3C PLS 1.0: exported and read again, the same lexicon; another tool's file
read entry by entry, one warning for each entry newsaudio cannot use; hostile XML refused."""

from __future__ import annotations

import os
import unicodedata
from collections.abc import Iterator
from pathlib import Path

import pytest
from lxml import etree

from newsaudio.errors import ConfigError
from newsaudio.resources import data_text
from newsaudio.textprep.lexicon import lexicon_from, load_lexicon, read_entries
from newsaudio.textprep.pls import PLS_NS, from_pls, to_pls

from .conftest import DATA, run_cli

FOREIGN = DATA / "pls" / "foreign.pls"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A project folder (the current directory) with a lexicon of its own."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lexicon.tsv").write_text(
        "# ours\nبوتين\tبُوتِينْ\nبيونغ يانغ\tبْيُونْغ يَانْغ\nACME\tأَكْمِي\n", encoding="utf-8"
    )
    yield tmp_path


def test_the_built_in_lexicon_round_trips() -> None:
    entries = read_entries(data_text("lexicon.tsv"), "lexicon.tsv")
    document = to_pls(entries)
    again = from_pls(document.encode(), "built-in.pls")
    assert again.warnings == []
    nfc = [(unicodedata.normalize("NFC", w), unicodedata.normalize("NFC", s)) for w, s in entries]
    assert again.entries == nfc
    assert lexicon_from(again.entries) == lexicon_from(nfc)
    assert to_pls(again.entries) == document


def test_an_exported_file_is_pls_1_0_with_the_matching_rule() -> None:
    root = etree.fromstring(to_pls([("بوتين", "بُوتِين")]).encode())
    assert root.tag == f"{{{PLS_NS}}}lexicon"
    assert root.get("version") == "1.0" and root.get("alphabet") == "ipa"
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "ar"
    (lexeme,) = root.findall(f"{{{PLS_NS}}}lexeme")
    assert [child.tag.split("}")[1] for child in lexeme] == ["grapheme", "alias"]
    comment = next(root.iter(etree.Comment))
    assert "an unvoweled grapheme matches the word however it is voweled" in comment.text


def test_export_and_import_from_the_command_line(project: Path, tmp_path: Path) -> None:
    before = load_lexicon(project / "lexicon.tsv")
    result = run_cli("lexicon", "export", "ours.pls")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "ours.pls: 3 entries"
    (project / "lexicon.tsv").unlink()
    result = run_cli("lexicon", "import", "ours.pls")
    assert result.exit_code == 0, result.output
    assert load_lexicon(project / "lexicon.tsv") == before
    assert run_cli("lexicon", "export", "again.pls").exit_code == 0
    assert (project / "again.pls").read_bytes() == (project / "ours.pls").read_bytes()
    assert run_cli("lexicon", "export", "again.tsv").exit_code == 0
    assert load_lexicon(project / "again.tsv") == before
    # With newsaudio's own entries: the project's win.
    assert run_cli("lexicon", "export", "all.tsv", "--builtin").exit_code == 0
    everything = load_lexicon(project / "all.tsv")
    assert everything.arabic["بوتين"] == "بُوتِينْ" and "كورسك" in everything.arabic


def test_a_foreign_file_is_read_entry_by_entry(project: Path) -> None:
    read = from_pls(FOREIGN.read_bytes(), "foreign.pls")
    assert read.entries == [
        ("نيويورك", "نْيُويُورْك"),
        ("يونسكو", "يُونِسْكُو"),
        ("اليونسكو", "يُونِسْكُو"),
        ("NASA", "نَاسَا"),
        ("ماكرون", "مَاكْرُون"),
    ]
    assert read.warnings == [
        "foreign.pls: lexeme 1 (W3C): its alias 'World Wide Web Consortium' is not Arabic "
        "letters and vowel marks; left out",
        "foreign.pls: lexeme 2 (غزة): has only a phoneme transcription (the lexicon's "
        "alphabet); newsaudio needs an alias; left out",
        "foreign.pls: lexeme 4 (tomato): is in en-US, not Arabic; left out",
        "foreign.pls: lexeme 7 (no grapheme): has no grapheme; left out",
    ]
    result = run_cli("lexicon", "import", FOREIGN)
    assert result.exit_code == 0, result.output
    assert (
        result.stdout.strip() == f"{project / 'lexicon.tsv'}: 5 entries from {FOREIGN} (4 left out)"
    )
    assert result.stderr.count("Warning: ") == 4
    lexicon = load_lexicon(project / "lexicon.tsv")
    assert lexicon.arabic["نيويورك"] == "نْيُويُورْك" and lexicon.latin["nasa"] == "نَاسَا"
    assert lexicon.arabic["بوتين"] == "بُوتِينْ"  # the project's entries stay


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;">]>'
            b"<lexicon><lexeme><grapheme>&b;</grapheme><alias>x</alias></lexeme></lexicon>",
            "declares XML entities",
        ),
        (
            b'<?xml version="1.0"?><!DOCTYPE l [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<lexicon><lexeme><grapheme>&x;</grapheme><alias>x</alias></lexeme></lexicon>",
            "declares XML entities",
        ),
        (b"<lexicon><lexeme>", "not an XML file"),
        (b"<rss/>", "not a PLS lexicon (its root is <rss>"),
    ],
)
def test_hostile_files_are_refused_in_one_line(project: Path, content: bytes, message: str) -> None:
    bad = project / "bad.pls"
    bad.write_bytes(content)
    before = (project / "lexicon.tsv").read_bytes()
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        from_pls(content, "bad.pls")
    result = run_cli("lexicon", "import", bad)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: {bad}: ") and len(result.stderr.splitlines()) == 1
    assert (project / "lexicon.tsv").read_bytes() == before


def test_export_without_a_project_lexicon_says_what_to_do(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run_cli("lexicon", "export", "x.pls")
    assert result.exit_code == 2
    assert "no project lexicon" in result.stderr and "--builtin" in result.stderr
    assert not os.path.exists(tmp_path / "x.pls")
