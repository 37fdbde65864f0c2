"""The store: revisions kept, reloads idempotent, all-or-nothing loads, concurrent loads safe."""

import datetime as dt
import fcntl
import multiprocessing
import shutil

import pandas as pd
import pytest
from ingest_files import CATALOGUE, write_csv, write_long_xlsx, write_wide_xlsx

from helpers.inputs.catalogue import load_catalogue
from helpers.inputs.store import LoadError, Store, StoreBusy, is_unchanged

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(CATALOGUE)


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "store" / "tracker.duckdb", lock_timeout=30)


def sc(folder, month, rows):
    """A social care CSV for the month in data/extracts/<month>/."""
    return write_csv(folder / month / f"social_care_scorecard_{month}.csv", rows)


def snapshot(store):
    return store.counts(), store.observations(), store.path.read_bytes()


def test_empty_store_reads_without_creating_the_file(store):
    assert store.latest_period() is None
    frame = store.observations()
    assert frame.empty and list(frame.columns) == [
        "measure_id",
        "period",
        "date",
        "value",
        "numerator",
        "denominator",
        "revision",
        "load_id",
    ]
    assert store.loads().empty and store.revisions().empty and store.input_hashes() == {}
    assert not store.path.exists()


def test_load_then_read_latest_figures(tmp_path, store, catalogue):
    sc(
        tmp_path,
        "2026-09",
        [
            ("csc_contacts", "2026-09", "1,234", "", ""),
            ("assess_45wd", "2026-09", "80%", "80", "100"),
        ],
    )
    write_long_xlsx(
        tmp_path / "2026-09" / "early_help_scorecard_2026-09.xlsx",
        [("eh_engage_3wd", "2026-09", 63.5, 127, 200)],
        percent_ids={"eh_engage_3wd"},
    )
    with store:
        report = store.load([tmp_path], catalogue, TODAY)
    assert (report.new_rows, report.revised_rows, report.unchanged_rows) == (3, 0, 0)
    assert len(report.loaded) == 2 and not report.skipped
    frame = store.observations()
    assert frame["measure_id"].tolist() == ["assess_45wd", "csc_contacts", "eh_engage_3wd"]
    assert frame["period"].tolist() == ["2026-09"] * 3
    assert frame["date"].tolist() == [pd.Timestamp("2026-09-01")] * 3
    assert frame["value"].tolist() == [80.0, 1234.0, 63.5]
    assert frame["numerator"].tolist()[2] == 127 and frame["revision"].tolist() == [1, 1, 1]
    assert store.latest_period() == "2026-09"
    loads = store.loads()
    assert loads["rows"].tolist() == [1, 2] and loads["periods"].tolist() == ["2026-09"] * 2
    assert set(store.input_hashes().values()) == set(loads["content_hash"])
    assert all(len(h) == 64 for h in loads["content_hash"])
    assert store.observations(measures="csc_contacts")["value"].tolist() == [1234.0]


def test_a_revision_is_added_and_the_old_figure_kept(tmp_path, store, catalogue):
    sc(tmp_path, "2026-09", [("assess_45wd", "2026-09", "80", "80", "100")])
    store.load([tmp_path / "2026-09"], catalogue, TODAY)
    sc(
        tmp_path,
        "2026-10",
        [
            ("assess_45wd", "2026-10", "75", "75", "100"),
            ("assess_45wd", "2026-09", "82", "82", "100"),
        ],
    )
    report = store.load([tmp_path / "2026-10"], catalogue, TODAY)
    assert (report.new_rows, report.revised_rows) == (1, 1)
    latest = store.observations(measures=["assess_45wd"]).set_index("period")
    assert latest.loc["2026-09", "value"] == 82 and latest.loc["2026-09", "revision"] == 2
    history = store.history("assess_45wd")
    assert history[history["period"] == "2026-09"]["value"].tolist() == [80.0, 82.0]
    [rev] = store.revisions().to_dict("records")
    assert (rev["measure_id"], rev["period"], rev["old_value"], rev["new_value"]) == (
        "assess_45wd",
        "2026-09",
        80.0,
        82.0,
    )
    assert (rev["old_numerator"], rev["new_numerator"], rev["load_id"]) == (80.0, 82.0, 2)
    assert rev["file_name"] == "social_care_scorecard_2026-10.csv"
    assert store.revisions(since_load=2).shape[0] == 1 and store.revisions(since_load=3).empty
    assert store.revisions(since=dt.datetime(2000, 1, 1)).shape[0] == 1
    loaded_at = store.loads()["loaded_at"].iloc[1]
    assert store.revisions(since=loaded_at).shape[0] == 1
    assert store.revisions(since=loaded_at + pd.Timedelta(seconds=1)).empty
    # half an hour before the load, written in Paris time (UTC+1 in November: wall clock after it)
    in_paris = (loaded_at - pd.Timedelta(minutes=30)).tz_localize("UTC").tz_convert("Europe/Paris")
    assert store.revisions(since=in_paris).shape[0] == 1
    assert store.observations(until="Sep 2026")["period"].tolist() == ["2026-09"]


def test_loading_the_same_file_twice_changes_nothing(tmp_path, store, catalogue):
    path = sc(tmp_path, "2026-10", [("csc_contacts", "2026-10", "100", "", "")])
    store.load([path], catalogue, TODAY)
    before = snapshot(store)
    again = store.load([path], catalogue, TODAY)
    assert [f.status for f in again.files] == ["already loaded"] and again.rows == 0
    copy = tmp_path / "copy" / "social_care_scorecard_2026-10.csv"
    copy.parent.mkdir()
    shutil.copy(path, copy)
    assert [f.status for f in store.load([copy], catalogue, TODAY).files] == ["already loaded"]
    after = snapshot(store)
    assert after[0] == before[0] and after[1].equals(before[1])


def test_a_rolling_wide_sheet_only_adds_what_changed(tmp_path, store, catalogue):
    september = [16.0 + i for i in range(12)]  # Oct 2025 .. Sep 2026
    write_wide_xlsx(
        tmp_path / "2026-09" / "workforce_2026-09.xlsx", "2026-09", {"sw_caseload": september}
    )
    first = store.load([tmp_path / "2026-09"], catalogue, TODAY)
    assert first.new_rows == 12
    october = september[1:] + [30.0]  # Nov 2025 .. Oct 2026: 11 months repeated, one new
    write_wide_xlsx(
        tmp_path / "2026-10" / "workforce_2026-10.xlsx", "2026-10", {"sw_caseload": october}
    )
    second = store.load([tmp_path / "2026-10"], catalogue, TODAY)
    assert (second.new_rows, second.revised_rows, second.unchanged_rows) == (1, 0, 11)
    november = october[1:] + [31.0]
    november[-2] = 29.0  # October corrected
    write_wide_xlsx(
        tmp_path / "2026-11" / "workforce_2026-11.xlsx", "2026-11", {"sw_caseload": november}
    )
    third = store.load([tmp_path / "2026-11"], catalogue, TODAY)
    assert (third.new_rows, third.revised_rows, third.unchanged_rows) == (1, 1, 10)
    [rev] = store.revisions().to_dict("records")
    assert (rev["period"], rev["old_value"], rev["new_value"]) == ("2026-10", 30.0, 29.0)
    assert store.counts()["observations"] == 12 + 1 + 2
    assert len(store.observations()) == 14


def test_a_folder_loads_in_period_order(tmp_path, store, catalogue):
    # "a_" sorts first by name but is the later month: it must load second
    write_csv(tmp_path / "a_social_care_2026-10.csv", [("csc_contacts", "2026-09", "101", "", "")])
    write_csv(tmp_path / "b_social_care_2026-09.csv", [("csc_contacts", "2026-09", "100", "", "")])
    store.load([tmp_path], catalogue, TODAY)
    assert store.loads()["file_name"].tolist() == [
        "b_social_care_2026-09.csv",
        "a_social_care_2026-10.csv",
    ]
    [row] = store.observations().to_dict("records")
    assert (row["value"], row["revision"]) == (101.0, 2)


def test_blank_numerator_and_denominator_compare_on_value_only(tmp_path, store, catalogue):
    sc(tmp_path, "2026-09", [("sw_agency", "2026-09", "12.5", "25", "200")])
    store.load([tmp_path / "2026-09"], catalogue, TODAY)
    write_wide_xlsx(
        tmp_path / "2026-10" / "workforce_2026-10.xlsx",
        "2026-10",
        {"sw_agency": [12.5, 13.0]},
        labels=["Sep 2026", "Oct 2026"],
    )
    report = store.load([tmp_path / "2026-10"], catalogue, TODAY)
    assert (report.new_rows, report.revised_rows, report.unchanged_rows) == (1, 0, 1)
    sept = store.observations().set_index("period").loc["2026-09"]
    assert sept["numerator"] == 25 and sept["revision"] == 1


def test_is_unchanged_rules():
    assert is_unchanged((12.5, 25.0, 200.0), (12.5, None, None))
    assert not is_unchanged((12.5, 25.0, 200.0), (12.6, None, None))
    assert not is_unchanged((12.5, 25.0, 200.0), (12.5, 26.0, 208.0))
    assert is_unchanged((63.5, None, None), (63.50000000000001, None, None))


def test_one_bad_file_means_nothing_is_loaded(tmp_path, store, catalogue):
    sc(tmp_path, "2026-09", [("csc_contacts", "2026-09", "100", "", "")])
    store.load([tmp_path / "2026-09"], catalogue, TODAY)
    before = snapshot(store)
    good = sc(tmp_path, "2026-10", [("csc_contacts", "2026-10", "110", "", "")])
    bad = write_csv(
        tmp_path / "2026-10" / "early_help_scorecard_2026-10.csv",
        [("eh_contacts", "2026-10", "12,5%", "", ""), ("eh_contacts", "2026-99", "1", "", "")],
    )
    with pytest.raises(LoadError) as caught:
        store.load([good, bad], catalogue, TODAY)
    problems = caught.value.problems
    assert {(p.row, p.column) for p in problems} == {(2, "value"), (3, "period")}
    assert all(p.file.endswith(bad.name) for p in problems)
    assert "Nothing was loaded: 2 error(s) in 1 file(s)" in str(caught.value)
    after = snapshot(store)
    assert after[0] == before[0] and after[1].equals(before[1]) and after[2] == before[2]


def test_a_failed_first_load_creates_no_store(tmp_path, store, catalogue):
    bad = sc(tmp_path, "2026-10", [("csc_contacts", "2026-10", "-1", "", "")])
    with pytest.raises(LoadError):
        store.load([bad], catalogue, TODAY)
    assert not store.path.exists()


def test_a_held_lock_times_out_with_a_clear_message(tmp_path, catalogue):
    store = Store(tmp_path / "tracker.duckdb", lock_timeout=0.3)
    path = sc(tmp_path, "2026-10", [("csc_contacts", "2026-10", "100", "", "")])
    with open(store.lock_path, "a+") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        with pytest.raises(StoreBusy, match="Another load"):
            store.load([path], catalogue, TODAY)
    assert store.counts() == {"loads": 0, "observations": 0}
    assert store.load([path], catalogue, TODAY).new_rows == 1


def _load_in_process(store_path, paths, barrier, results):
    from helpers.inputs.store import Store as ProcessStore

    barrier.wait(timeout=60)
    report = ProcessStore(store_path, lock_timeout=60).load(paths, str(CATALOGUE), TODAY)
    results.put([(f.file_name, f.status, f.new_rows) for f in report.files])


def _run_concurrently(store_path, jobs):
    ctx = multiprocessing.get_context("fork")
    barrier = ctx.Barrier(len(jobs))
    results = ctx.Queue()
    procs = [
        ctx.Process(target=_load_in_process, args=(store_path, job, barrier, results))
        for job in jobs
    ]
    for proc in procs:
        proc.start()
    out = [results.get(timeout=120) for _ in procs]
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    return out


def test_two_processes_loading_at_once(tmp_path, store):
    months = [f"2026-{m:02d}" for m in range(1, 11)]
    first = [
        sc(
            tmp_path / "a",
            m,
            [("csc_contacts", m, str(100 + i), "", ""), ("cla_rate", m, "70", "", "")],
        )
        for i, m in enumerate(months)
    ]
    second = [
        write_wide_xlsx(tmp_path / "b" / f"workforce_{m}.xlsx", m, {"sw_caseload": [18.0] * 12})
        for m in months[:5]
    ]
    out = _run_concurrently(store.path, [[str(p) for p in first], [str(p) for p in second]])
    assert sorted(len(o) for o in out) == [5, 10]
    loads = store.loads()
    assert sorted(loads["load_id"]) == list(range(1, 16))
    assert store.counts()["observations"] == 20 + 16  # workforce Feb 2025..May 2026 once each
    assert len(store.observations(measures=["csc_contacts"])) == 10


def test_two_processes_loading_the_same_file(tmp_path, store):
    path = str(sc(tmp_path, "2026-10", [("csc_contacts", "2026-10", "100", "", "")]))
    out = _run_concurrently(store.path, [[path], [path]])
    statuses = sorted(o[0][1] for o in out)
    assert statuses == ["already loaded", "loaded"]
    assert store.counts() == {"loads": 1, "observations": 1}
