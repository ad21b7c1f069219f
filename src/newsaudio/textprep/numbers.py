"""Numbers as fully voweled Arabic words, in the form their place in the sentence needs.

``expand_numbers`` runs on normalized text, before sentence splitting and diacritization. It
writes every number word fully voweled: the diacritizer keeps marks already on a letter, so the
listener hears exactly these words. Western, Eastern Arabic and Persian digits are all read.
The words come from :mod:`newsaudio.textprep.number_words` (dates: ``data/dates.toml``).

Rules run in this order, each recorded in the trace under its name: fraction (signs such as
"½"), date, time, year (in :mod:`newsaudio.textprep.dates`), digits, model, ordinal (in
:mod:`newsaudio.textprep.ordinals`), percent, range, currency, fraction, unit, number, symbol.
What they handle:

* **Counted nouns** take the forms :func:`~newsaudio.textprep.number_words.counted` gives them
  ("ثَلَاثَةُ جُنُودٍ"). The gender comes from a list of news nouns; an unknown noun is feminine
  when a singular ends in "ة" or a plural in "ات", else masculine. 101, 102 ... before a known
  noun: "مِئَةُ جُنْدِيٍّ وَجُنْدِيٌّ وَاحِدٌ". After a decimal a known noun is genitive singular
  ("2.5 طن" → "اثْنَانِ فَاصِلَةُ خَمْسَةٍ طُنٍّ"); before a scale word a decimal is the whole
  number, as presenters say it ("2.5 مليون" → "مِلْيُونَانِ وَخَمْسُمِئَةِ أَلْفٍ").
* **Units** (``data/units.toml``: كم، كغ، م، سم، مم، كم²، م²، °م، ميغاواط، كيلوواط ساعة ...) are
  counted nouns we supply: "20 كم" → "عِشْرُونَ كِيلُومِتْرًا". Latin symbols ("10 km") are
  rewritten to Arabic ones earlier (:func:`newsaudio.textprep.symbols.latin_units`). "م" is a
  metre unless a year (dates.py) or a time ("الساعة 5 م") claims it.
* **Case** is read from the words before (:mod:`newsaudio.textprep.number_case`): genitive
  after prepositions and nouns that govern the number (في، منذ، بنسبة، عام ...) or ب/ل/ك written
  on it, accusative after أن/إن and as the object of a verb or predicate of kana ("نشر الجيش 40
  دبابة" → "أَرْبَعِينَ"), else nominative.
* Scale words ("3 مليارات"), decimals with "." "٫" or a comma before 1-2 digits, thousands
  separators "," "٬" (and "1.500.000"), negatives, percentages (either side), currency signs and
  words, ranges "2020-2024" and "بين 50 و70", fractions up to tenths ("1/2", "¾ الأصوات" →
  "ثَلَاثَةُ أَرْبَاعِ"), ordinals, scores ("فاز 3-1", "خسر 0-2": "X مُقَابِلَ Y", the number as
  said, not goals counted — it serves every sport), model names ("ميغ-29" → "ميغ تِسْعَةٍ
  وَعِشْرِينَ"). Phone and identity numbers (a leading "+" or "0" with 7+ digits, 13+ digits, or
  5+ digits after "رقم", "هاتف" ...) are read digit by digit, a pause (comma) between groups.

Known limits: a verb right before a number is left in the nominative ("قتل 20 شخصًا" is usually
the passive); a year-like number (1000-2100) before an unknown word is read on its own; "3-1" is
a score only when the first number is larger or a match word comes before; "من 3 إلى 5 م"
without "الساعة" is read as metres.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal
from functools import cache

from newsaudio.textprep.dates import expand_dates
from newsaudio.textprep.number_case import (
    DEFINITE,
    WORD,
    case_at,
    verb_object,
    with_proclitic,
)
from newsaudio.textprep.number_words import (
    Case,
    Reading,
    bare,
    cardinal,
    construct,
    counted,
    digits,
    number_data,
    slot,
)
from newsaudio.textprep.ordinals import (
    definite_number,
    ordinal_after_article,
    ordinal_after_noun,
)
from newsaudio.textprep.quantity import (
    NUM,
    PRE,
    Rule,
    fuzzy,
    noun_for,
    parse_number,
    quantity,
    spaced,
)
from newsaudio.textprep.trace import NO_TRACE, Trace

_MINUS = r"(?P<minus>(?:(?<![\w.,٫٬])|(?<=(?<![^\W\d_])[وفبلك]))[-−])?"
_ART = r"(?P<art>(?<![^\W\d_])(?:[وف]?[بك]?ال|[وف]?لل)ـ?\s?)"  # "الـ24"
_DASHES = "-–—"
_DASH = r"\-–—"  # for character classes, where a bare "-" would make a range


# --- Rules -------------------------------------------------------------------------------------


def _signed(match: re.Match[str], reading: Callable[[Case], Reading], case: Case) -> str:
    if match.groupdict().get("minus"):
        return f"{number_data().words['cardinal']['minus']} {reading(Case.GEN).text}"
    return reading(case).text


def _groups(run: str) -> list[str]:
    """A long digit run in groups of three, as it is read out: 0501234567 → 050 123 4567."""
    groups = [run[i : i + 3] for i in range(0, len(run), 3)]
    if len(groups) > 1 and len(groups[-1]) == 1:
        groups[-2:] = [groups[-2] + groups[-1]]
    return groups


def _digits(match: re.Match[str]) -> str:
    """A phone or identity number digit by digit, a short pause between its groups: the groups
    as written ("+971 4 123 4567", "0100-123-4567"), else threes ("0501234567")."""
    written = re.findall(r"\d+", match["id"] if match.groupdict().get("id") else match[0])
    groups = written if len(written) > 1 else _groups(written[0])
    spoken = "، ".join(digits(group) for group in groups)
    if match[0].startswith("+"):
        spoken = f"{number_data().words['words']['plus']} {spoken}"
    return spoken


def _identifier(match: re.Match[str]) -> str:
    """A number after "رقم", "هاتف" ... of 5 digits or more is an identifier, not a quantity."""
    return f"{match['kw']} {_digits(match)}"


def _phone(match: re.Match[str]) -> str:
    """Digit groups that start with "+" or "0" and hold 7 digits or more: a phone number."""
    if len(re.sub(r"\D", "", match[0])) < 7:
        return match[0]
    return _digits(match)


def _model(match: re.Match[str]) -> str:
    """A name with a number joined by a hyphen: "ميغ-29" → "ميغ تِسْعَةٍ وَعِشْرِينَ" (the
    number completes the name, genitive); "كوفيد-19"."""
    return f" {cardinal(int(parse_number(match['num'])[0]), 'm', Case.GEN)}"


def _percent(match: re.Match[str]) -> str:
    suffix = number_data().words["words"]["percent"]
    if match.groupdict().get("num2"):
        return f"{_range_words(match)} {suffix}"
    words = _signed(match, lambda case: quantity(match["num"], case), case_at(match))
    return with_proclitic(match["pre"], f"{words} {suffix}")


def _range_words(match: re.Match[str]) -> str:
    """Two numbers: 2020-2024 → "مِنْ ... إِلَى ...", "بين 50 و70" → "... وَ...", 3-1 → "مُقَابِلَ"."""
    w = number_data().words["words"]
    groups = match.groupdict()
    first, second, sep = match["num"], match["num2"], groups.get("sep") or "-"
    scale, noun = groups.get("scale"), groups.get("noun")
    hyphen = sep in _DASHES
    if hyphen and len(first) == 4 and len(second) == 2:  # "2024-25": the second year in full
        second = first[:2] + second
    a, b = (Decimal(".".join(p for p in parse_number(x) if p)) for x in (first, second))
    after = noun if noun and bare(noun) in number_data().not_counted else None  # "3-2 في"
    if hyphen and not scale and (after or not noun) and (a >= b or _after_score_word(match)):
        # A score ("فاز 3-1") is said in the nominative, or the genitive after a preposition.
        opening = quantity(first, Case.GEN if case_at(match) == Case.GEN else Case.NOM).text
        score = f"{opening} {w['score']} {quantity(second, Case.GEN).text}"
        return f"{score} {after}" if after else score
    case = case_at(match, Case.NOM)
    opener = ""
    if hyphen:
        before = bare(" ".join(match.string[: match.start()].split()[-1:]))
        opener = "" if before in ("من", "بين") else f"{w['from']} "
        # "بين 1914-1918": "بَيْنَ ... وَ..."; otherwise "مِنْ ... إِلَى ...".
        link = "وَ" if before == "بين" else f"{w['to']} "
        case = second_case = Case.GEN
    else:
        link = w["connectors"][bare(sep)]
        link = link if link == "وَ" else f"{link} "
        second_case = case if link == "وَ" or link.startswith("أَوْ") else Case.GEN
    start = quantity(first, case, scale) if scale else quantity(first, case, None, noun)
    number = start.number
    if noun and not scale and a == int(a) and slot(int(a)) != slot(int(b)):
        # "مِنْ عَشَرَةٍ إِلَى خَمْسَةَ عَشَرَ جُنْدِيًّا": no construct state for a noun form that is
        # not the one written; the gender still agrees.
        found = noun_for(noun, int(b), False)
        number = cardinal(int(a), found[0] if found else "m", case)
    end = quantity(second, second_case, scale, noun).text
    return with_proclitic(groups.get("pre"), f"{opener}{number} {link}{end}")


def _after_score_word(match: re.Match[str]) -> bool:
    """Whether a word of a match result comes a few words before: "خسر الفريق 0-2"."""
    words = bare(match.string[max(0, match.start() - 60) : match.start()]).split()[-5:]
    scores = number_data().scores_after
    return any(w in scores or w[1:] in scores for w in words)


def _currency(match: re.Match[str]) -> str:
    data = number_data()
    unit = data.symbols[match["sym"]] if match.groupdict().get("sym") else None
    noun = None if unit else match["noun"]

    def reading(case: Case) -> Reading:
        return quantity(match["num"], case, match["scale"], noun, unit)

    return with_proclitic(match.groupdict().get("pre"), _signed(match, reading, case_at(match)))


def _fraction(match: re.Match[str]) -> str:
    top, bottom = int(match["a"]), int(match["b"])
    if not 1 <= top < bottom <= 10:
        return match[0]
    data = number_data()
    words = counted(top, case_at(match), "m", data.fractions[bottom]).text
    following = bare(match["next"] or "")
    if following and following not in data.not_counted:  # "3/4 الأصوات", "½ ساعة": construct
        words = construct(words)
        if DEFINITE.match(following):  # the dual's sukun takes a kasra before the article
            words = re.sub("\u064a\u0652$", "\u064a\u0650", words)
    return with_proclitic(match["pre"], words)


def _number(match: re.Match[str]) -> str:
    if match.groupdict().get("art"):
        return definite_number(match)
    scale, noun = match["scale"], match["noun"]
    words = _signed(match, lambda case: quantity(match["num"], case, scale, noun), case_at(match))
    return with_proclitic(match["pre"], words)


def _symbol(match: re.Match[str]) -> str:
    data = number_data()
    if match[0] in data.symbols:
        return data.symbols[match[0]].one[Case.NOM]
    return str(data.words["words"]["percent"])


_VULGAR = re.compile(
    r"(?P<whole>\d+)?\s?(?P<fraction>[\u00bc-\u00be\u2150-\u215e])(?P<scaled>(?=\s*(?:مليون|مليار|ألف)))?"
)


def _vulgar(match: re.Match[str]) -> str:
    """ "½", "2¼" as the fractions the fraction rule reads: "1/2", "2 و1/4"; before a scale word,
    a decimal ("2½ مليون" → "2.5 مليون", two million five hundred thousand)."""
    top, _, bottom = unicodedata.normalize("NFKC", match["fraction"]).partition("\u2044")
    if match["whole"] and match["scaled"] is not None:
        return str(Decimal(match["whole"]) + Decimal(top) / Decimal(bottom)).rstrip("0")
    fraction = f"{top}/{bottom}"
    return f"{match['whole']} و{fraction}" if match["whole"] else fraction


@cache
def _rules() -> tuple[tuple[str, re.Pattern[str], Rule], ...]:
    data = number_data()
    scales = fuzzy(data.scale_words)
    scale = rf"(?:\s+(?P<scale>(?:{scales})(?!\w)))?"
    # A unit symbol may follow the number without a space ("5كم", "40°م").
    units = rf"(?:{fuzzy(data.unit_symbols)})(?![\w²³])"
    # A unit written with its accusative ending ("80 كيلوغرامًا"): the ending is ours to say.
    tanween = "(?:\u064b\u0627|\u0627\u064b)?"
    noun = rf"(?:(?:\s*(?={units})|\s+)(?P<noun>{units}|{WORD}){tanween})?"
    symbols = "|".join(re.escape(s) for s in data.symbols)
    ordinal_nouns = fuzzy(data.words["ordinal"]["nouns"])
    # Not part of a longer number, percentage, date or range; a full stop or comma that ends the
    # sentence or clause is fine ("في القرن 21.").
    not_after = r"(?![\d%٪/:]|[.,٫٬]\d|\s*[-–—]\s*\d)"
    dash = rf"\s*(?P<sep>[{_DASH}])\s*"
    connector = rf"\s*(?P<sep>[{_DASH}]|(?:إلى|الى|حتى|أو)(?=\s)|و)\s*"
    patterns: list[tuple[str, str, Rule]] = [
        (
            "digits",
            r"(?<![\d.,٫٬])(?:\+|(?=0))\d+(?:[ \-]\d+){1,5}(?![\d%٪/:]|[.,٫٬]\d|\s*[-–—]\s*\d)",
            _phone,
        ),
        (
            "digits",
            r"(?<![\d.,٫٬])\+?(?:\d+(?:-\d+){2,}|\d{13,}|0\d+|(?<=\+)\d{7,})(?!\d|[.,٫٬]\d)",
            _digits,
        ),
        (
            "digits",
            rf"(?P<kw>(?<!\w)(?:{fuzzy(data.words['context']['identifiers'])}))\s+"
            r"(?P<id>\d{5,})(?![\d.,٫٬%٪/:])",
            _identifier,
        ),
        ("model", r"(?<=[\u0621-\u0652]{3})-(?P<num>\d{1,4})(?![\d.,٫٬/:%٪]|-\d)", _model),
        (
            "ordinal",
            rf"(?P<noun>(?<![^\W\d_])(?:[وف]?[بك]?ال|[وف]?لل)(?:{ordinal_nouns}))\s+"
            rf"(?P<num>\d{{1,4}}){not_after}(?!\s+(?:{scales})(?!\w))"
            rf"(?:(?=\s+(?P<next>{WORD})))?",
            ordinal_after_noun,
        ),
        (
            "ordinal",
            rf"(?P<before>\S+)\s+{_ART}(?P<num>\d{{1,4}}){not_after}(?:(?=\s+(?P<next>{WORD})))?",
            ordinal_after_article,
        ),
        ("percent", rf"{PRE}{_MINUS}(?P<num>{NUM})(?:{dash}(?P<num2>{NUM}))?\s?[%٪]", _percent),
        ("percent", rf"(?<![\d%٪])(?<!\d\s)[%٪]\s?{PRE}(?P<num>{NUM})(?![\d%٪])", _percent),
        (
            "range",
            rf"(?<![\d/:.,٫٬{_DASH}]){PRE}(?P<num>{NUM}){connector}(?P<num2>{NUM})"
            rf"(?![\d/:]|\s*[{_DASH}]\s*\d){scale}{noun}",
            _range_words,
        ),
        ("currency", rf"{PRE}(?P<sym>{symbols})\s?(?P<num>{NUM}){scale}", _currency),
        ("currency", rf"{PRE}{_MINUS}(?P<num>{NUM}){scale}\s?(?P<sym>{symbols})", _currency),
        (
            "currency",
            rf"{PRE}{_MINUS}(?P<num>{NUM}){scale}\s+(?P<noun>(?:{fuzzy(data.currency_words)})(?!\w))",
            _currency,
        ),
        (
            "fraction",
            rf"{PRE}(?<![\d/.,٫٬])(?P<a>\d{{1,2}})/(?P<b>\d{{1,2}})(?![\d/])"
            rf"(?:(?=\s+(?P<next>{WORD})))?",  # "3/4 الأصوات": of what follows, construct state
            _fraction,
        ),
        ("unit", rf"{PRE}{_MINUS}(?P<num>{NUM}){scale}\s*(?P<noun>{units}){tanween}", _number),
        ("number", rf"(?:{_ART}|{PRE}){_MINUS}(?P<num>{NUM}){scale}{noun}", _number),
        ("symbol", rf"[%٪]|{symbols}", _symbol),
    ]
    return tuple((name, re.compile(p), spaced(rule)) for name, p, rule in patterns)


def expand_numbers(text: str, trace: Trace = NO_TRACE) -> str:
    """Every number, date, time, percentage and currency amount in ``text`` as voweled words.

    >>> expand_numbers("ارتفع بنسبة 15٪")
    'ارتفع بنسبة خَمْسَةَ عَشَرَ فِي الْمِئَةِ'
    >>> expand_numbers("قتل 3 جنود")
    'قتل ثَلَاثَةُ جُنُودٍ'
    """
    text = trace.sub("fraction", _VULGAR, _vulgar, text)
    text = expand_dates(text, trace)
    for name, pattern, rule in _rules():
        text = trace.sub(_naming(name), pattern, rule, text)
    return unicodedata.normalize("NFC", text)


def _naming(rule: str) -> Callable[[re.Match[str]], str]:
    """The rule's name for ``--explain``, with "object of a verb" when a verb set the case."""

    def name(match: re.Match[str]) -> str:
        verb = rule in _VERB_RULES and verb_object(match.string, match.start())
        return f"{rule} (object of a verb)" if verb else rule

    return name


_VERB_RULES = frozenset({"number", "unit", "currency", "percent"})
