"""The page-forms class of the fault catalogue: a page is read the same whatever form it was saved
in. A page that starts with an XML declaration (``<?xml version="1.0" encoding="utf-8"?>``:
XHTML, some CMSs) was "no article text found", although trafilatura alone reads it: lxml refuses
a decoded string that declares an encoding, and the error was taken for an empty page."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import DATA, run_cli

PAGE = DATA / "pages" / "drupal-health.html"
DECLARATION = '<?xml version="1.0" encoding="{}"?>\n'
XHTML_DOCTYPE = (
    '<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN" '
    '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">\n'
)


def _xhtml(page: str) -> str:
    body = re.sub(r"^<!DOCTYPE[^>]*>\s*", "", page, flags=re.I)
    body = re.sub(r"<html\b", '<html xmlns="http://www.w3.org/1999/xhtml"', body, count=1)
    return DECLARATION.format("utf-8") + XHTML_DOCTYPE + body


FORMS: dict[str, tuple[str, Callable[[str], bytes]]] = {
    "xml-declaration": (".html", lambda page: (DECLARATION.format("utf-8") + page).encode()),
    "xhtml": (".xhtml", lambda page: _xhtml(page).encode()),
    # The declaration names the bytes' encoding, and it is the only place that does.
    "xml-declaration-windows-1256": (
        ".html",
        lambda page: (
            DECLARATION.format("windows-1256") + re.sub(r"<meta charset=[^>]*>", "", page)
        ).encode("cp1256", "replace"),
    ),
}


def _segments(path: Path) -> list[dict[str, str]]:
    result = run_cli("text", path, "--json")
    assert result.exit_code == 0, result.stderr
    segments: list[dict[str, str]] = json.loads(result.stdout)
    return segments


@pytest.fixture(scope="module")
def as_saved() -> list[dict[str, str]]:
    return _segments(PAGE)


@pytest.mark.parametrize("form", sorted(FORMS))
def test_a_page_reads_the_same_in_every_form(
    form: str, as_saved: list[dict[str, str]], tmp_path: Path
) -> None:
    suffix, save = FORMS[form]
    path = tmp_path / f"page{suffix}"
    path.write_bytes(save(PAGE.read_text(encoding="utf-8")))
    assert _segments(path) == as_saved
