"""Stage 2: the spoken script's segments."""

from __future__ import annotations

import json
from dataclasses import replace

from newsaudio.reading.article import ArticleMeta
from newsaudio.reading.load import load_article
from newsaudio.reading.script import build_script

from .conftest import SAMPLE, check_golden


def test_sample_has_nine_segments_in_order() -> None:
    script = build_script(load_article(SAMPLE))
    kinds = [s.kind for s in script.segments]
    assert kinds == ["headline"] + ["section"] * 7 + ["closing"]
    section = script.segments[1]
    assert section.blocks[0] == section.title  # the subheading is spoken first


def test_sample_script_golden() -> None:
    script = build_script(load_article(SAMPLE))
    rows = [{"kind": s.kind, "title": s.title, "blocks": list(s.blocks)} for s in script.segments]
    check_golden("kursk-ar.script.json", json.dumps(rows, ensure_ascii=False, indent=2) + "\n")


def test_closing_names_source_when_known() -> None:
    article = load_article(SAMPLE)
    unknown = build_script(article).segments[-1]
    known = build_script(replace(article, meta=ArticleMeta(source="وكالة المثال"))).segments[-1]
    assert "وكالة المثال" in known.blocks[0]
    assert "وكالة المثال" not in unknown.blocks[0]
    assert unknown.title == known.title == "الخاتمة"


def test_lead_joins_headline_segment() -> None:
    article = replace(load_article(SAMPLE), lead=("فقرة تمهيدية.",))
    headline = build_script(article).segments[0]
    assert headline.blocks == (article.headline, "فقرة تمهيدية.")
