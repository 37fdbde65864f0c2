"""The bundled catalogue (data/measures.yml) and the loader's checks on bad catalogues."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import ROOT

from helpers import paths
from helpers.inputs.catalogue import CatalogueError, load_catalogue, load_themes
from helpers.inputs.tracker_sets import read_tracker_sets

THEMES = ("early_help", "front_door", "cin_cp", "children_in_care", "care_leavers", "workforce")


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


# ---------------------------------------------------------------- the bundled catalogue


def test_bundled_catalogue_loads_with_enough_measures(catalogue) -> None:
    assert len(catalogue.ids) >= 40
    assert catalogue.path == paths.catalogue_path()


def test_every_theme_has_measures(catalogue) -> None:
    assert set(catalogue.themes) == set(THEMES)
    for theme in THEMES:
        assert catalogue.in_theme(theme), f"no measures in theme {theme}"


def test_ids_are_unique_lower_case_and_match_the_file(catalogue) -> None:
    raw = yaml.safe_load(paths.catalogue_path().read_text(encoding="utf-8"))
    ids = [item["id"] for item in raw["measures"]]
    assert len(ids) == len(set(ids))
    assert ids == catalogue.ids
    for measure_id in ids:
        assert re.fullmatch(r"[a-z][a-z0-9_]*", measure_id), measure_id


def test_ids_other_helpers_rely_on_are_present(catalogue) -> None:
    needed = ("eh_contacts", "reref_12m", "ref_rate", "cla_rate", "sw_caseload", "cl_eet_19_21")
    for measure_id in needed:
        assert measure_id in catalogue


def test_proportions_and_rates_have_numerator_and_denominator(catalogue) -> None:
    ratios = [m for m in catalogue.measures.values() if m.unit in ("percent", "rate_per_10k")]
    assert len(ratios) >= 30
    for m in ratios:
        assert m.numerator and m.denominator, m.id
        assert m.has_ratio
    for m in catalogue.measures.values():
        if m.unit == "rate_per_10k":
            assert m.multiplier == 10_000
            assert "0 to 17" in m.denominator, m.id
        if m.unit == "percent":
            assert m.multiplier == 100


def test_plain_counts_and_scores_have_no_denominator(catalogue) -> None:
    for m in catalogue.measures.values():
        if m.unit in ("count", "score"):
            assert m.denominator is None, m.id


def test_targets_sit_on_directional_measures_and_have_notes(catalogue) -> None:
    with_target = [m for m in catalogue.measures.values() if m.target is not None]
    assert 15 <= len(with_target) <= 20
    for m in with_target:
        assert m.improvement_direction != "neutral"
        assert m.target_note, m.id
        if m.unit == "percent":
            assert 0 <= m.target <= 100, m.id


def test_presentation_fields(catalogue) -> None:
    decimals = {"percent": 1, "rate_per_10k": 1, "count": 0, "days": 0, "ratio": 1, "score": 1}
    for m in catalogue.measures.values():
        assert len(m.short_title) <= 40, m.id
        assert m.decimals == decimals[m.unit], m.id
        assert m.source, m.id
        assert m.benchmark in (None, m.id), m.id
    tracked = [catalogue[m] for m in read_tracker_sets(ROOT, catalogue)[-1].measures]
    assert 20 <= len(tracked) <= 28
    assert {m.theme for m in tracked} == set(THEMES)
    refs = [m.council_plan_ref for m in catalogue.measures.values() if m.council_plan_ref]
    assert len(refs) >= 8
    assert all(re.fullmatch(r"CP \d+\.\d+", r) for r in refs)


# ---------------------------------------------------------------- the loader rejects bad catalogues

GOOD = {
    "id": "reref_12m",
    "title": "Re-referrals within 12 months",
    "short_title": "Re-referrals",
    "theme": "front_door",
    "scorecard": "social_care",
    "unit": "percent",
    "improvement_direction": "decrease",
    "numerator": "Re-referrals",
    "denominator": "Referrals",
    "description": "Share of referrals that are repeats.",
    "target": 20,
}


def write_catalogue(folder: Path, measures: list[dict] | str) -> Path:
    """Write a catalogue (and a copy of the real themes.yml beside it) into folder."""
    shutil.copy(paths.themes_path(), folder / "themes.yml")
    path = folder / "measures.yml"
    text = measures if isinstance(measures, str) else yaml.safe_dump({"measures": measures})
    path.write_text(text, encoding="utf-8")
    return path


def changed(**fields) -> dict:
    item = dict(GOOD)
    for key, value in fields.items():
        if value is None:
            item.pop(key, None)
        else:
            item[key] = value
    return item


def test_a_good_small_file_loads(tmp_path: Path) -> None:
    cat = load_catalogue(write_catalogue(tmp_path, [GOOD]))
    assert cat.ids == ["reref_12m"]
    assert cat["reref_12m"].target == 20.0


def rejected(tmp_path: Path, measures: list[dict] | str) -> str:
    path = write_catalogue(tmp_path, measures)
    with pytest.raises(CatalogueError) as err:
        load_catalogue(path)
    message = str(err.value)
    assert str(path) in message
    return message


def test_rejects_bad_unit(tmp_path: Path) -> None:
    message = rejected(tmp_path, [changed(unit="percentage")])
    assert "reref_12m" in message and "'unit'" in message and "percentage" in message


def test_rejects_missing_description(tmp_path: Path) -> None:
    message = rejected(tmp_path, [GOOD, changed(id="cpp_repeat", description=None)])
    assert "cpp_repeat" in message and "description" in message
    assert "measure 2" in message


def test_rejects_target_on_neutral_measure(tmp_path: Path) -> None:
    message = rejected(tmp_path, [changed(improvement_direction="neutral")])
    assert "reref_12m" in message and "'target'" in message and "neutral" in message


def test_rejects_unknown_field(tmp_path: Path) -> None:
    message = rejected(tmp_path, [changed(polarity="low")])
    assert "reref_12m" in message and "polarity" in message


def test_rejects_duplicate_id(tmp_path: Path) -> None:
    message = rejected(tmp_path, [GOOD, changed(title="Another")])
    assert "duplicate id 'reref_12m'" in message and "measure 2" in message


def test_rejects_theme_not_in_themes_file(tmp_path: Path) -> None:
    message = rejected(tmp_path, [changed(theme="youth_justice")])
    assert "reref_12m" in message and "'theme'" in message and "youth_justice" in message


def test_rejects_percent_without_denominator(tmp_path: Path) -> None:
    message = rejected(tmp_path, [changed(denominator=None)])
    assert "reref_12m" in message and "denominator" in message


def test_rejects_invalid_yaml(tmp_path: Path) -> None:
    message = rejected(tmp_path, "measures:\n  - id: reref_12m\n    title: [unclosed\n")
    assert "not valid YAML" in message


def test_themes_file_is_read_in_order() -> None:
    themes = load_themes()
    assert list(themes) == list(THEMES)
    assert [t.order for t in themes.values()] == list(range(1, 7))


def test_rolling_window_and_spc_method_load(tmp_path: Path) -> None:
    cat = load_catalogue(write_catalogue(tmp_path, [changed(rolling_months=12)]))
    assert cat["reref_12m"].rolling_months == 12 and cat["reref_12m"].spc_method == "auto"
    cat = load_catalogue(write_catalogue(tmp_path, [changed(spc_method="mdc")]))
    assert cat["reref_12m"].spc_method == "mdc" and cat["reref_12m"].rolling_months is None


@pytest.mark.parametrize("bad", [0, 1, 25, 1.5, "12", True, -3])
def test_rejects_a_rolling_window_that_is_not_2_to_24_whole_months(tmp_path: Path, bad) -> None:
    message = rejected(tmp_path, [changed(rolling_months=bad)])
    assert "reref_12m" in message and "'rolling_months'" in message
    assert "2 to 24" in message and "12 for a rolling 12-month rate" in message


def test_rejects_an_unknown_spc_method(tmp_path: Path) -> None:
    message = rejected(tmp_path, [changed(spc_method="xmr")])
    assert "'spc_method'" in message and "'xmr'" in message
    assert "auto, mdc, autocorrelated" in message


def test_the_catalogue_and_the_engine_name_the_same_methods() -> None:
    from helpers.inputs.catalogue import SPC_METHODS
    from helpers.spc.method import METHODS

    assert SPC_METHODS == METHODS


def test_the_demo_declares_its_rolling_12_month_rates(catalogue) -> None:
    rolling = {m.id for m in catalogue.measures.values() if m.rolling_months}
    assert rolling == {"ref_rate", "s47_rate", "cpp_start_rate", "cla_start_rate", "cla_cease_rate"}
    for measure_id in rolling:
        assert "rolling 12 months" in catalogue[measure_id].title
