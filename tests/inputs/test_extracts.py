"""Reading CSV and XLSX extracts (long and wide) into the tidy table, keeping real row numbers."""

import datetime as dt

import pytest
from ingest_files import month_labels, write_csv, write_long_xlsx, write_wide_xlsx
from openpyxl import Workbook

from helpers.inputs.extracts import (
    ExtractError,
    NumberError,
    extract_order,
    find_extracts,
    fold_header,
    parse_number,
    read_extract,
)


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("12.5", 12.5),
        ("12.5%", 12.5),
        (" 63.5 % ", 63.5),
        ("1,234", 1234.0),
        ("1,234,567.5", 1234567.5),
        ("-3", -3.0),
        (".5", 0.5),
        (7, 7.0),
        (0.25, 0.25),
        ("", None),
        (None, None),
    ],
)
def test_parse_number_accepts_the_usual_quirks(raw, expected):
    assert parse_number(raw) == expected


def test_parse_number_percent_format_multiplies_by_100():
    assert parse_number(0.635, percent_format=True) == 63.5
    assert parse_number(0.1, percent_format=True) == 10.0


@pytest.mark.parametrize("raw", ["12,5%", "12,5", "n/a", "1.234,5", "#DIV/0!", "12.5.1", "1,23"])
def test_parse_number_rejects_what_is_not_a_number(raw):
    with pytest.raises(NumberError):
        parse_number(raw)


def test_counts_cannot_carry_a_percent_sign():
    with pytest.raises(NumberError, match="% sign"):
        parse_number("40%", allow_percent=False)


def test_fold_header():
    assert fold_header("\ufeffMeasure ID ") == "measure_id"
    assert fold_header("measure__id") == "measure_id"
    assert fold_header("Denominator") == "denominator"


def test_csv_with_bom_crlf_and_quirks(tmp_path):
    path = write_csv(
        tmp_path / "social_care_scorecard_2026-10.csv",
        [
            ("csc_contacts", "2026-10", "1,234", "", ""),
            ("assess_45wd", "Oct 2026", "80.5%", "161", "200"),
            ("cla_rate", "10/2026", "70.2", "702", "100,000"),
        ],
    )
    assert path.read_bytes().startswith(b"\xef\xbb\xbfmeasure_id") and b"\r\n" in path.read_bytes()
    extract = read_extract(path)
    frame = extract.frame
    assert extract.kind == "csv" and extract.layout == "long" and not extract.issues
    assert list(frame["measure_id"]) == ["csc_contacts", "assess_45wd", "cla_rate"]
    assert list(frame["period"]) == ["2026-10"] * 3
    assert list(frame["value"]) == [1234.0, 80.5, 70.2]
    assert frame["numerator"].isna().iloc[0] and frame["denominator"].iloc[2] == 100000.0
    assert list(frame["row"]) == [2, 3, 4]  # header is row 1
    assert extract.periods == ["2026-10"]


def test_csv_row_numbers_are_file_lines_even_with_blank_lines_and_multiline_titles(tmp_path):
    text = (
        "Measure ID,Measure Title,Period,Value\r\n"
        "csc_contacts,Contacts,2026-10,100\r\n"
        "\r\n"
        'assess_45wd,"Assessments\r\nin 45 days",2026-10,80\r\n'
        "cla_rate,Rate,2026-10,oops\r\n"
    )
    path = tmp_path / "x.csv"
    path.write_text(text, encoding="utf-8", newline="")
    extract = read_extract(path)
    assert list(extract.frame["row"]) == [2, 4, 6]
    [issue] = extract.issues
    assert issue.row == 6 and issue.column == "Value" and '"oops"' in issue.message


def test_extra_and_title_columns(tmp_path):
    path = write_csv(
        tmp_path / "x.csv",
        [("csc_contacts", "Contacts", "2026-10", "100", "checked")],
        header=("measure_id", "measure_title", "period", "value", "notes"),
    )
    extract = read_extract(path)
    [issue] = extract.issues
    assert issue.severity == "warning" and issue.column == "notes"
    assert extract.frame["value"].tolist() == [100.0]


def test_long_xlsx_with_excel_dates_and_percent_cells(tmp_path):
    path = write_long_xlsx(
        tmp_path / "early_help_scorecard_2026-10.xlsx",
        [
            ("eh_engage_3wd", "2026-10", 63.5, 127, 200),
            ("eh_contacts", dt.datetime(2026, 9, 30), 412, None, None),
        ],
        percent_ids={"eh_engage_3wd"},
    )
    extract = read_extract(path)
    frame = extract.frame
    assert extract.kind == "xlsx" and extract.sheet == "Scorecard" and not extract.issues
    assert frame["value"].tolist() == [63.5, 412.0]
    assert frame["period"].tolist() == ["2026-10", "2026-09"]
    assert frame["row"].tolist() == [2, 3]
    assert frame["value_cell"].tolist() == ["C2", "C3"]


def test_wide_sheet_gives_one_row_per_measure_and_month(tmp_path):
    values = [20 + i for i in range(12)]
    agency = [None] * 6 + [10.0, 11.0, 12.0, 13.0, 14.0, 15.5]
    path = write_wide_xlsx(
        tmp_path / "workforce_2026-10.xlsx", "2026-10", {"sw_caseload": values, "sw_agency": agency}
    )
    extract = read_extract(path)
    frame = extract.frame
    assert extract.layout == "wide" and extract.sheet == "Workforce" and not extract.issues
    assert len(frame) == 12 + 6  # blank months (not yet collected) are not figures
    caseload = frame[frame["measure_id"] == "sw_caseload"]
    assert (
        caseload["period"].tolist()[0] == "2025-11" and caseload["period"].tolist()[-1] == "2026-10"
    )
    assert caseload["value"].tolist() == values
    assert set(caseload["row"]) == {2}
    last = frame.iloc[-1]
    assert (last["measure_id"], last["period"], last["value"], last["row"]) == (
        "sw_agency",
        "2026-10",
        15.5,
        3,
    )
    assert last["value_column"] == "Oct 2026" and last["value_cell"] == "N3"
    assert frame["numerator"].isna().all()


def test_wide_csv_is_read_too(tmp_path):
    labels = month_labels("2026-10", 3)
    path = write_csv(
        tmp_path / "workforce_2026-10.csv",
        [("sw_caseload", "Caseload", "18", "19", "20.5")],
        header=("measure_id", "measure", *labels),
    )
    frame = read_extract(path).frame
    assert frame["period"].tolist() == ["2026-08", "2026-09", "2026-10"]
    assert frame["value"].tolist() == [18.0, 19.0, 20.5]


def test_the_first_sheet_with_a_measure_id_header_is_read(tmp_path):
    book = Workbook()
    notes = book.active
    notes.title = "Notes"
    notes.append(["Read me first"])
    data = book.create_sheet("Scorecard")
    data.append(["Early help scorecard, October 2026"])
    data.append([])
    data.append(["measure_id", "period", "value"])
    data.append(["eh_contacts", "2026-10", 300])
    path = tmp_path / "early_help_scorecard_2026-10.xlsx"
    book.save(path)
    extract = read_extract(path)
    assert extract.sheet == "Scorecard" and extract.header_row == 3
    assert extract.frame["row"].tolist() == [4]


def test_unreadable_files_raise_with_a_fix(tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(ExtractError, match="does not exist"):
        read_extract(missing)
    corrupt = tmp_path / "x.xlsx"
    corrupt.write_bytes(b"this is not a zip file")
    with pytest.raises(ExtractError, match="not a readable Excel workbook"):
        read_extract(corrupt)


def test_find_extracts_orders_by_period_then_name(tmp_path):
    for name in (
        "2026-10/workforce_2026-10.xlsx",
        "2026-10/social_care_scorecard_2026-10.csv",
        "2026-09/social_care_scorecard_2026-09.csv",
        "2026-09/~$social_care_scorecard_2026-09.xlsx",
        "2026-09/README.md",
        "undated.csv",
    ):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x")
    found = [p.relative_to(tmp_path).as_posix() for p in find_extracts([tmp_path])]
    assert found == [
        "2026-09/social_care_scorecard_2026-09.csv",
        "2026-10/social_care_scorecard_2026-10.csv",
        "2026-10/workforce_2026-10.xlsx",
        "undated.csv",
    ]


def test_extract_order_uses_the_month_in_the_name_not_the_alphabet(tmp_path):
    names = ["a_2026-10.csv", "b_2026-09.csv"]
    assert sorted(names, key=lambda n: extract_order(tmp_path / n)) == [
        "b_2026-09.csv",
        "a_2026-10.csv",
    ]
