"""What text preparation changed, and which rule changed it: the record behind
``newsaudio text --explain``.

Rules rewrite text through :meth:`Trace.sub`, which records every replacement that changed
something. Rules called without a trace use :data:`NO_TRACE`, which records nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Change:
    """One rewrite: ``rule`` turned ``before`` into ``after``."""

    rule: str
    before: str
    after: str


@dataclass
class Trace:
    """Collects the changes made while preparing one piece of text."""

    changes: list[Change] = field(default_factory=list)
    enabled: bool = True

    def sub(
        self,
        rule: str | Callable[[re.Match[str]], str],
        pattern: re.Pattern[str],
        replacement: Callable[[re.Match[str]], str] | str,
        text: str,
    ) -> str:
        """``pattern.sub(replacement, text)``, recording each match it changed under ``rule``
        (a name, or a function of the match that names the rule which decided it)."""

        def replace(match: re.Match[str]) -> str:
            after = replacement(match) if callable(replacement) else match.expand(replacement)
            if self.enabled and after != match.group(0):
                name = rule(match) if callable(rule) else rule
                self.changes.append(Change(name, match.group(0), after))
            return after

        return pattern.sub(replace, text)

    def record(self, rule: str, before: str, after: str) -> None:
        """Record a change made without :meth:`sub` (e.g. word by word)."""
        if self.enabled and before != after:
            self.changes.append(Change(rule, before, after))


# Shared by callers that do not ask for an explanation; it never stores anything.
NO_TRACE = Trace(enabled=False)
