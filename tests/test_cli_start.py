"""The quick commands start without the heavy libraries (issue 12: at most 0.3 s).

Time is measured in benchmarks/bench_pack.py; here we check the cause of slowness cannot come
back: a command that only reads or edits the project's YAML files must not load pandas, numpy,
DuckDB, matplotlib, statsmodels or pydantic (typer 0.29 loads pydantic for every option).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

HEAVY = ("pandas", "numpy", "duckdb", "matplotlib", "statsmodels", "scipy", "pydantic")

PROBE = """
import json, sys
from helpers.cli import app
args, heavy_names = json.loads(sys.argv[1]), set(json.loads(sys.argv[2]))
sys.argv = ["tracker", *args]
try:
    app()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
heavy = sorted({m.split(".")[0] for m in sys.modules} & heavy_names)
print(json.dumps({"code": code, "heavy": heavy}), file=sys.stderr)
"""


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["select", "2026-10"],
        ["select", "Oct 2026"],
        ["select", "--help"],
        ["refresh"],
        ["refresh", "--help"],
    ],
    ids=lambda a: " ".join(a),
)
def test_quick_commands_load_no_heavy_library(args):
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(args), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] in (0, None), done.stdout + done.stderr
    assert report["heavy"] == [], f"tracker {' '.join(args)} loaded {report['heavy']}"
    assert done.stdout.strip(), "the command printed nothing"


def test_a_mistyped_month_is_still_refused_quickly():
    done = subprocess.run(
        [sys.executable, "-c", PROBE, json.dumps(["select", "Octember 2026"]), json.dumps(HEAVY)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] == 2
    assert report["heavy"] == []
    assert "Octember 2026" in done.stderr
