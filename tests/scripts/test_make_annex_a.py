"""The Annex A demo generator is deterministic and writes the lists the tracker reads."""

from __future__ import annotations

import datetime as dt
import sys

from conftest import ROOT

sys.path.insert(0, str(ROOT / "data" / "scripts"))

from make_annex_a import main  # noqa: E402

from helpers.inputs.annex_a.compute import compute_annex_a  # noqa: E402
from helpers.inputs.catalogue import load_catalogue  # noqa: E402


def test_same_arguments_give_the_same_bytes_and_a_readable_workbook(tmp_path):
    args = ["--months", "13", "--scale", "0.05"]
    first = main(["--out", str(tmp_path / "a.xlsx"), *args])
    second = main(["--out", str(tmp_path / "b.xlsx"), *args])
    assert first.read_bytes() == second.read_bytes()
    result = compute_annex_a(first, load_catalogue(), dt.date(2026, 11, 1))
    assert not [p for p in result.problems if p.is_error]
    assert set(result.figures["measure_id"]) >= {"csc_contacts", "ref_rate", "cpp_rate"}
