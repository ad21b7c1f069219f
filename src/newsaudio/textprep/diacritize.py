"""Diacritization placeholder (replaced below once the backend is chosen)."""

from __future__ import annotations

from typing import Protocol


class Diacritizer(Protocol):
    def diacritize(self, sentences: list[str]) -> list[str]: ...


class _Identity:
    def diacritize(self, sentences: list[str]) -> list[str]:
        return list(sentences)


def default_diacritizer() -> Diacritizer:
    return _Identity()
