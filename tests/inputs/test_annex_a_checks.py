"""`tracker annex-a`: each row error stops it (exit 2, store and folder unchanged), warnings leave
rows out and are counted, a later workbook revises a month, and no message names a child."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from annex_a_files import d, write_annex_a
from typer.testing import CliRunner

from helpers.cli import app
from helpers.inputs.store import Store

runner = CliRunner()
CHILD_ID = 7_777_777  # must never appear in any output
WORKER = "Zebedee Quill"
EXTRACTED = ["--extracted", "2026-11-01", "--from", "2026-09"]


def good_lists() -> dict[int, list[dict[str, object]]]:
    return {
        1: [{"contact_date": d("2026-09-10")}, {"contact_date": d("2026-10-12")}],
        3: [{"referral_date": d("2026-09-03"), "nfa": "No", "previous_12m": 0}],
        4: [{"start": d("2026-09-01"), "authorised": d("2026-09-30")}],
        5: [{"strategy": d("2026-09-01"), "icpc": d("2026-09-15")}],
        7: [{"start": d("2026-01-05"), "end": d("2026-09-10"), "previous": 0}],
        8: [{"start": d("2025-01-01"), "visit": d("2026-10-20"), "review": d("2026-08-01")}],
        9: [{"dob": d("2006-01-01"), "activity": "F1", "suitable": "Suitable"}],
    }


def run(args: list[str]):
    result = runner.invoke(app, args)
    assert str(CHILD_ID) not in result.output and WORKER not in result.output
    return result


def seeded_store(tmp_path: Path) -> Path:
    """A store with one load in it, so 'unchanged' is checked against real content."""
    store = tmp_path / "store.duckdb"
    book = write_annex_a(tmp_path / "first.xlsx", good_lists())
    result = run(["annex-a", str(book), *EXTRACTED, "--load", "--store", str(store)])
    assert result.exit_code == 0, result.output
    return store


def snapshot(store: Path):
    s = Store(store)
    return s.counts(), s.observations().fillna(-1).to_dict("list"), store.read_bytes()


def with_change(lists, number: int, index: int, **values) -> dict:
    changed = {k: [dict(r) for r in v] for k, v in lists.items()}
    changed[number][index].update(values)
    return changed


ERRORS = {
    "unreadable date": (
        with_change(good_lists(), 1, 0, contact_date="soon", child_id=CHILD_ID),
        "sheet 'List 1', row 2, column 'Date of Contact' (cell C2): the cell ('soon') is not a "
        "date we can read.",
    ),
    "impossible date": (
        with_change(good_lists(), 3, 0, referral_date="31/02/2026", child_id=CHILD_ID),
        "sheet 'List 3', row 2, column 'Date of Referral' (cell C2): the cell ('31/02/2026') is "
        "not a real date.",
    ),
    "authorisation before start": (
        with_change(good_lists(), 4, 0, authorised=d("2026-08-31"), child_id=CHILD_ID),
        "sheet 'List 4', row 2, column 'Continuous Assessment Date of Authorisation' (cell D2): "
        "the Continuous Assessment Date of Authorisation (31/08/2026) is before the Continuous "
        "Assessment Start Date (01/09/2026).",
    ),
    "conference before strategy discussion": (
        with_change(good_lists(), 5, 0, icpc=d("2026-08-28"), child_id=CHILD_ID),
        "sheet 'List 5', row 2, column 'Date of Initial Child Protection Conference' (cell D2): "
        "the Date of Initial Child Protection Conference (28/08/2026) is before",
    ),
    "date after extraction": (
        with_change(good_lists(), 7, 0, end=d("2026-11-20"), child_id=CHILD_ID),
        "sheet 'List 7', row 2, column 'Child Protection Plan End Date' (cell F2): the date "
        "20/11/2026 is after the extraction date (01/11/2026).",
    ),
    "unknown code": (
        with_change(good_lists(), 3, 0, nfa="Maybe", child_id=CHILD_ID),
        "sheet 'List 3', row 2, column 'Referral NFA?' (cell D2): the cell ('Maybe') is not a "
        "code we know.",
    ),
    "count not a number": (
        with_change(good_lists(), 7, 0, previous="two", child_id=CHILD_ID),
        "column 'Number of Previous Child Protection Plans' (cell G2): the cell ('two') is not a "
        "whole number",
    ),
}


@pytest.mark.parametrize("case", sorted(ERRORS))
def test_each_row_error_exits_2_and_changes_nothing(tmp_path, case):
    store = seeded_store(tmp_path)
    before = snapshot(store)
    lists, expected = ERRORS[case]
    book = write_annex_a(tmp_path / "bad.xlsx", lists)
    result = run(["annex-a", str(book), *EXTRACTED, "--load", "--store", str(store)])
    assert result.exit_code == 2, result.output
    assert expected in result.output
    assert "Nothing was written or loaded" in result.output
    assert snapshot(store) == before
    out = tmp_path / "out"
    result = run(["annex-a", str(book), *EXTRACTED, "--out", str(out)])
    assert result.exit_code == 2 and not out.exists()


def test_a_missing_column_or_sheet_is_an_error_naming_what_was_expected(tmp_path):
    book = write_annex_a(tmp_path / "a.xlsx", good_lists(), drop={3: "nfa"})
    result = run(["annex-a", str(book), *EXTRACTED, "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "sheet 'List 3', column 'Referral NFA?': no column for 'Referral NFA?'" in result.output
    book = write_annex_a(tmp_path / "b.xlsx", good_lists(), sheet_names={4: "Assessments"})
    result = run(["annex-a", str(book), *EXTRACTED, "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "no sheet for List 4 (social care assessments)" in result.output


def test_loose_sheet_names_and_headers_are_matched(tmp_path):
    book = write_annex_a(
        tmp_path / "loose.xlsx", good_lists(), sheet_names={1: "list1", 3: "LIST_03 Referrals"}
    )
    from openpyxl import load_workbook

    wb = load_workbook(book)
    wb["list1"]["C1"] = "  contact date "  # word order, case and spacing differ
    wb["LIST_03 Referrals"]["D1"] = "Referral N.F.A"
    wb.save(book)
    result = run(["annex-a", str(book), *EXTRACTED, "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    text = (tmp_path / "o" / "annex-a-2026-11-01.csv").read_text()
    assert "csc_contacts,2026-09,1,," in text and "ref_nfa,2026-09,0,0,1" in text


def test_warnings_leave_rows_out_and_are_counted(tmp_path):
    lists = good_lists()
    lists[1] += [
        {"contact_date": "#N/A", "child_id": CHILD_ID},  # left out
        {"contact_date": "=B2+1"},  # a formula left in a date cell: left out
        {"contact_date": d("2026-09-10"), "child_id": 1001},  # repeats row 2's child and date
    ]
    book = write_annex_a(tmp_path / "w.xlsx", lists)
    out = tmp_path / "o"
    result = run(["annex-a", str(book), *EXTRACTED, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert (
        "warning w.xlsx, sheet 'List 1', row 4, column 'Date of Contact' (cell C4): the cell "
        "holds an Excel error ('#N/A') instead of a date" in result.output
    )
    assert "row 5, column 'Date of Contact' (cell C5): the cell holds a formula ('=B2+1')" in (
        result.output
    )
    assert "row 6, column 'Date of Contact' (cell C6): the same child and Date of Contact " in (
        result.output
    )
    assert "(10/09/2026) as row 2; this row is left out." in result.output
    text = (out / "annex-a-2026-11-01.csv").read_text()
    assert "csc_contacts,2026-09,1,," in text  # only row 2 counts
    checks = json.loads((out / "annex-a-2026-11-01.checks.json").read_text())
    kinds = {(i["sheet"], i["column"], i["problem"]): i["cells"] for i in checks["left_out"]}
    assert kinds[("List 1", "Date of Contact", "an Excel error such as #N/A")] == 1
    assert kinds[("List 1", "Date of Contact", "a formula instead of a value")] == 1
    assert kinds[("List 1", "Date of Contact", "a repeated child and date")] == 1
    assert str(CHILD_ID) not in json.dumps(checks) and WORKER not in json.dumps(checks)


def test_a_later_workbook_revises_a_month_in_the_store(tmp_path):
    store = seeded_store(tmp_path)
    assert Store(store).revisions().empty
    late = good_lists()
    late[1].append({"contact_date": d("2026-10-30")})  # recorded late, after the first export
    book = write_annex_a(tmp_path / "later.xlsx", late)
    result = run(
        ["annex-a", str(book), "--extracted", "2026-12-01", "--from", "2026-09", "--load",
         "--store", str(store)]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    revisions = Store(store).revisions()
    contacts = revisions[revisions["measure_id"] == "csc_contacts"]
    assert contacts[["period", "old_value", "new_value", "revision"]].values.tolist() == [
        ["2026-10", 1.0, 2.0, 2]
    ]
    assert contacts["file_name"].tolist() == ["annex-a-2026-12-01.csv"]
    latest = Store(store).observations("csc_contacts")
    assert latest.set_index("period")["value"].to_dict() == {
        "2026-09": 1.0,
        "2026-10": 2.0,  # revised
        "2026-11": 0.0,  # the new month
    }


def test_out_and_load_together_and_a_future_extraction_date_are_refused(tmp_path):
    book = write_annex_a(tmp_path / "a.xlsx", good_lists())
    result = run(["annex-a", str(book), "--out", str(tmp_path), "--load"])
    assert result.exit_code == 2 and "not both" in result.output
    result = run(["annex-a", str(book), "--extracted", "2999-01-01", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "is in the future" in result.output
    assert not (tmp_path / "o").exists()


def test_a_title_row_above_the_headers_is_skipped(tmp_path):
    from openpyxl import load_workbook

    book = write_annex_a(tmp_path / "title.xlsx", good_lists())
    wb = load_workbook(book)
    wb["List 1"].insert_rows(1)
    wb["List 1"]["A1"] = "Annex A List 1: contacts (exported 1 November 2026)"
    wb.save(book)
    result = run(["annex-a", str(book), *EXTRACTED, "--out", str(tmp_path / "o")])
    assert result.exit_code == 0, result.output
    assert "csc_contacts,2026-09,1,," in (tmp_path / "o" / "annex-a-2026-11-01.csv").read_text()


def test_a_file_that_is_not_a_workbook_is_refused(tmp_path):
    missing = run(["annex-a", str(tmp_path / "none.xlsx"), "--out", str(tmp_path / "o")])
    assert missing.exit_code == 2 and "file not found" in missing.output
    text = tmp_path / "lists.csv"
    text.write_text("Child Unique ID,Date of Contact\n1,01/10/2026\n")
    result = run(["annex-a", str(text), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "Save the Annex A export as .xlsx" in result.output
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    result = run(["annex-a", str(broken), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "cannot be opened as a workbook" in result.output
    assert not (tmp_path / "o").exists()
