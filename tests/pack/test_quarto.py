"""Locating Quarto: QUARTO_PATH, then PATH; a clear message when it is missing."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.pack import quarto


def test_versions_compare_as_numbers() -> None:
    assert quarto.parse_version("1.10.18") == (1, 10, 18)
    assert quarto.parse_version("1.10.18")[:2] >= quarto.MINIMUM_VERSION
    assert quarto.parse_version("1.8.27")[:2] < quarto.MINIMUM_VERSION
    assert quarto.parse_version("not a version") == ()


def test_missing_quarto_path_says_where_it_looked_and_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QUARTO_PATH", str(tmp_path / "nowhere" / "quarto"))
    with pytest.raises(quarto.QuartoUnavailable) as missing:
        quarto.find_quarto()
    text = str(missing.value)
    assert "QUARTO_PATH=" in text and "1.9 or newer" in text and "pip install quarto-cli" in text


def test_path_is_searched_when_quarto_path_is_unset(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("QUARTO_PATH", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path))
    assert quarto.locate() is None
    with pytest.raises(quarto.QuartoUnavailable, match="not found on PATH"):
        quarto.find_quarto()
