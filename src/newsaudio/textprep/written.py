"""The article's sentences as written, beside the sentences as spoken.

A talking book (EPUB 3 with Media Overlays, DAISY) shows the text while the voice reads it. Readers
read the article — "15%" and "د." as the author wrote them — while the listener hears the prepared
words ("خمسة عشر بالمئة", "الدكتور"). Text preparation splits sentences *after* expanding numbers
and abbreviations, so the written sentences are found again here: the block as written is split the
same way, and each written sentence is accepted only when expanding it gives exactly the spoken
sentence at its place. Where a block does not line up (an abbreviation's dot that ended a sentence
in one form and not the other), that block is shown as prepared (numbers in words): still the right
words, only not the author's digits.
"""

from __future__ import annotations

import logging

from newsaudio.textprep.lexicon import Lexicon
from newsaudio.textprep.normalize import normalize
from newsaudio.textprep.sentences import split_sentences

log = logging.getLogger(__name__)


def written_sentences(
    block: str, prepared: tuple[str, ...], lexicon: Lexicon | None = None
) -> tuple[str, ...]:
    """The sentences of ``block`` as written, one for each of its ``prepared`` sentences (the
    written, unvoweled form text preparation gives); ``prepared`` itself when they do not line up.

    >>> from newsaudio.textprep import expand
    >>> spoken = (expand("بلغت النسبة 15%."), "وقال إنه مستعد.")
    >>> written_sentences("بلغت النسبة 15%. وقال إنه مستعد.", spoken)
    ('بلغت النسبة 15%.', 'وقال إنه مستعد.')
    >>> written_sentences("نص آخر.", ("نص مختلف.",))
    ('نص مختلف.',)
    """
    from newsaudio.textprep import expand  # the package imports this module's siblings

    candidates = split_sentences(normalize(block))
    if len(candidates) != len(prepared):
        log.debug("block shown as spoken (%d sentences as written, %d spoken)",
                  len(candidates), len(prepared))  # fmt: skip
        return prepared
    for candidate, spoken in zip(candidates, prepared, strict=True):
        if split_sentences(expand(candidate, lexicon)) != [spoken]:
            log.debug("block shown as spoken: %r does not read as %r", candidate, spoken)
            return prepared
    return tuple(candidates)
