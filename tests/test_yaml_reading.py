"""The project's YAML files read the same with the fast (libyaml) parser as with PyYAML's own."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from helpers.files import compose_yaml, load_yaml

FILES = sorted([*(ROOT / "data").glob("*.yml"), ROOT / "_quarto.yml"])


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_same_data_and_line_numbers_as_the_pure_python_parser(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert load_yaml(text) == yaml.safe_load(text)
    fast, slow = compose_yaml(text), yaml.compose(text, Loader=yaml.SafeLoader)

    def lines(node) -> list[int]:
        found = [node.start_mark.line]
        value = getattr(node, "value", None)
        if isinstance(value, list):
            for item in value:
                for part in item if isinstance(item, tuple) else (item,):
                    found += lines(part)
        return found

    assert lines(fast) == lines(slow)


def test_broken_yaml_still_says_where(tmp_path: Path) -> None:
    with pytest.raises(yaml.YAMLError) as caught:
        load_yaml("deep_dives:\n  '2026-10':\n    measures: [a, b\n")
    mark = caught.value.problem_mark
    assert mark is not None and mark.line >= 2


def test_yaml_tags_that_run_code_are_refused() -> None:
    with pytest.raises(yaml.YAMLError):
        load_yaml("!!python/object/apply:os.system ['echo hacked']")
