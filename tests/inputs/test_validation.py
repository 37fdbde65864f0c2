"""One small bad file per rule: each problem names the file, row and column and says the fix."""

import datetime as dt

import pytest
from ingest_files import CATALOGUE, write_csv, write_long_xlsx, write_wide_xlsx

from helpers.inputs.catalogue import load_catalogue
from helpers.inputs.problems import Problem
from helpers.inputs.validation import validate_file, validate_paths

TODAY = dt.date(2026, 11, 25)


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(CATALOGUE)


def check(path, catalogue):
    return validate_file(path, catalogue, today=TODAY)


def errors(problems):
    return [p for p in problems if p.is_error]


def the_error(problems) -> Problem:
    found = errors(problems)
    assert len(found) == 1, [str(p) for p in found]
    return found[0]


def assert_located(problem, path, row, column):
    text = str(problem)
    assert problem.file.endswith(path.name) and text.startswith(problem.file)
    assert path.name in text
    assert problem.row == row and f"row {row}" in text
    assert problem.column == column and f"column '{column}'" in text


def social_care(tmp_path, rows, **kw):
    return write_csv(tmp_path / "social_care_scorecard_2026-10.csv", rows, **kw)


def test_clean_files_have_no_problems(tmp_path, catalogue):
    csv = social_care(
        tmp_path,
        [
            ("csc_contacts", "2026-10", "1,234", "", ""),
            ("assess_45wd", "Oct 2026", "33.3%", "1", "3"),  # 33.33 published as 33.3
            ("cla_rate", "10/2026", "70.2", "702", "100,000"),
            ("assess_median_days", "2026-09", "21", "", ""),
        ],
    )
    xlsx = write_long_xlsx(
        tmp_path / "early_help_scorecard_2026-10.xlsx",
        [("eh_engage_3wd", "2026-10", 63.5, 127, 200), ("eh_contacts", "2026-10", 300, None, None)],
        percent_ids={"eh_engage_3wd"},
    )
    wide = write_wide_xlsx(
        tmp_path / "workforce_2026-10.xlsx", "2026-10", {"sw_caseload": [18.5] * 12}
    )
    for path in (csv, xlsx, wide):
        assert check(path, catalogue) == []


def test_problem_reads_like_a_sentence_with_the_fix(tmp_path, catalogue):
    path = social_care(
        tmp_path,
        [("csc_contacts", "2026-10", "100", "", "")] * 1
        + [("assess_45wd", "2026-10", "12,5%", "", "")],
    )
    problem = the_error(check(path, catalogue))
    assert str(problem) == (
        f"{problem.file}, row 3, column 'value': \"12,5%\" is not a number. "
        "Write the figure as 12.5 or 12.5%."
    )


def test_unknown_measure_suggests_the_closest_id(tmp_path, catalogue):
    path = social_care(
        tmp_path,
        [("csc_contacts", "2026-10", "10", "", ""), ("asess_45wd", "2026-10", "50", "5", "10")],
    )
    problem = the_error(check(path, catalogue))
    assert_located(problem, path, 3, "measure_id")
    assert "'asess_45wd' is not in the catalogue" in problem.message
    assert "Did you mean 'assess_45wd'?" in problem.fix


def test_unknown_measure_with_nothing_close(tmp_path, catalogue):
    path = social_care(tmp_path, [("zzz_totally_new", "2026-10", "10", "", "")])
    problem = the_error(check(path, catalogue))
    assert "Did you mean" not in problem.fix and "measures.yml" in problem.fix


def test_unreadable_period_in_a_workbook_names_the_cell(tmp_path, catalogue):
    path = write_long_xlsx(
        tmp_path / "early_help_scorecard_2026-10.xlsx",
        [
            ("eh_contacts", "2026-10", 300, None, None),
            ("eh_contacts", "Octo 2026", 310, None, None),
        ],
    )
    problem = the_error(check(path, catalogue))
    assert_located(problem, path, 3, "period")
    assert problem.cell == "B3" and "(cell B3)" in str(problem)
    assert '"Octo 2026"' in problem.message and "Oct 2026" in problem.fix


def test_period_after_the_current_month(tmp_path, catalogue):
    path = social_care(tmp_path, [("csc_contacts", "2026-12", "10", "", "")])
    problem = the_error(check(path, catalogue))
    assert_located(problem, path, 2, "period")
    assert "2026-12 is after the current month (2026-11)" in problem.message
    assert validate_file(path, catalogue, today=dt.date(2027, 1, 3)) == []


def test_duplicate_measure_period_rows(tmp_path, catalogue):
    path = social_care(
        tmp_path,
        [
            ("csc_contacts", "2026-10", "10", "", ""),
            ("cla_rate", "2026-10", "70", "", ""),
            ("csc_contacts", "Oct 2026", "11", "", ""),
        ],
    )
    problem = the_error(check(path, catalogue))
    assert problem.row == 4 and "row 4" in str(problem) and path.name in str(problem)
    assert "given twice (first on row 2)" in problem.message


def test_duplicate_rows_in_a_wide_sheet_are_reported_once(tmp_path, catalogue):
    path = tmp_path / "workforce_2026-10.xlsx"
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.append(["measure_id", "measure", "Sep 2026", "Oct 2026"])
    ws.append(["sw_caseload", "Caseload", 18, 19])
    ws.append(["sw_caseload", "Caseload", 18, 19])
    book.save(path)
    problem = the_error(check(path, catalogue))
    assert_located(problem, path, 3, "measure_id")
    assert "listed twice (first on row 2)" in problem.message


def test_non_numeric_numerator(tmp_path, catalogue):
    path = social_care(tmp_path, [("assess_45wd", "2026-10", "50", "five", "10")])
    problem = the_error(check(path, catalogue))
    assert_located(problem, path, 2, "numerator")
    assert '"five" is not a number' in problem.message


@pytest.mark.parametrize(
    "row, column",
    [
        (("csc_contacts", "2026-10", "-5", "", ""), "value"),
        (("assess_45wd", "2026-10", "50", "-5", "-10"), "numerator"),
    ],
)
def test_negative_figures(tmp_path, catalogue, row, column):
    path = social_care(tmp_path, [row])
    found = errors(check(path, catalogue))
    assert found, "a negative figure must be an error"
    assert_located(found[0], path, 2, column)
    assert "is negative" in found[0].message
    if column == "numerator":
        assert {p.column for p in found} == {"numerator", "denominator"}


def test_percentage_outside_0_to_100(tmp_path, catalogue):
    path = social_care(tmp_path, [("assess_45wd", "2026-10", "120", "", "")])
    problem = the_error(check(path, catalogue))
    assert_located(problem, path, 2, "value")
    assert "outside 0-100" in problem.message


def test_numerator_above_denominator(tmp_path, catalogue):
    path = social_care(tmp_path, [("assess_45wd", "2026-10", "100", "130", "120")])
    problem = the_error(check(path, catalogue))
    assert_located(problem, path, 2, "numerator")
    assert "larger than the denominator 120" in problem.message


@pytest.mark.parametrize(
    "row, expected",
    [
        (("assess_45wd", "2026-10", "81", "91", "100"), "= 91"),
        (("cla_rate", "2026-10", "7.02", "702", "100000"), "x 10,000 = 70.2"),
        (("sw_caseload", "2026-10", "19", "200", "10"), "= 20"),
    ],
)
def test_value_inconsistent_with_numerator_and_denominator(tmp_path, catalogue, row, expected):
    path = social_care(tmp_path, [row])
    problem = the_error(check(path, catalogue))
    assert_located(problem, path, 2, "value")
    assert "does not match numerator/denominator" in problem.message and expected in problem.message


def test_consistency_tolerance_is_half_a_decimal_place(tmp_path, catalogue):
    # 2/3 = 66.67%: 66.7 is published rounding (fine); 66.8 is not
    fine = social_care(tmp_path, [("assess_45wd", "2026-10", "66.7", "2", "3")])
    assert check(fine, catalogue) == []
    wrong = social_care(tmp_path, [("assess_45wd", "2026-10", "66.8", "2", "3")])
    assert "does not match" in the_error(check(wrong, catalogue)).message


def test_missing_required_column(tmp_path, catalogue):
    path = write_csv(
        tmp_path / "x.csv", [("csc_contacts", "2026-10")], header=("measure_id", "period")
    )
    problem = the_error(check(path, catalogue))
    assert problem.row == 1 and problem.column == "value" and "'value' is missing" in str(problem)
    assert path.name in str(problem)


def test_missing_value(tmp_path, catalogue):
    path = social_care(
        tmp_path, [("csc_contacts", "2026-10", "10", "", ""), ("cla_rate", "2026-10", "", "", "")]
    )
    problem = the_error(check(path, catalogue))
    assert_located(problem, path, 3, "value")
    assert "is blank" in problem.message


def test_header_only_file_is_empty(tmp_path, catalogue):
    path = social_care(tmp_path, [])
    problem = the_error(check(path, catalogue))
    assert "no rows of figures" in problem.message and path.name in str(problem)
    assert problem.row == 2


def test_zero_byte_file(tmp_path, catalogue):
    path = tmp_path / "social_care_scorecard_2026-10.csv"
    path.write_bytes(b"")
    assert "the file is empty" in str(the_error(check(path, catalogue)))


def test_wrong_encoding(tmp_path, catalogue):
    path = write_csv(
        tmp_path / "x.csv",
        [("csc_contacts", "Contacts – café", "2026-10", "10")],
        header=("measure_id", "measure_title", "period", "value"),
        bom=False,
        encoding="cp1252",
    )
    problem = the_error(check(path, catalogue))
    assert "not UTF-8" in problem.message and problem.row == 2
    assert "CSV UTF-8" in problem.fix


@pytest.mark.parametrize(
    "name, content, expected",
    [
        ("scorecard.pdf", b"%PDF-1.4", "only CSV and XLSX"),
        ("scorecard.xlsx", b"not a zip at all", "not a readable Excel workbook"),
        ("scorecard.xls", b"\xd0\xcf\x11\xe0", "Excel 97-2003"),
        ("scorecard.csv", b"PK\x03\x04rest-of-zip", "Excel workbook with a .csv name"),
    ],
)
def test_unreadable_files(tmp_path, catalogue, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    problem = the_error(check(path, catalogue))
    assert expected in problem.message and name in str(problem)


def test_missing_file(tmp_path, catalogue):
    problem = the_error(check(tmp_path / "gone.csv", catalogue))
    assert "does not exist" in problem.message and "gone.csv" in str(problem)


def test_extra_column_is_a_warning_only(tmp_path, catalogue):
    path = social_care(
        tmp_path,
        [("csc_contacts", "2026-10", "10", "", "", "ok")],
        header=("measure_id", "period", "value", "numerator", "denominator", "RAG"),
    )
    [problem] = check(path, catalogue)
    assert problem.severity == "warning" and problem.column == "RAG" and problem.row == 1


def test_measure_from_another_scorecard_is_a_warning(tmp_path, catalogue):
    path = social_care(
        tmp_path,
        [("eh_contacts", "2026-10", "10", "", ""), ("sw_caseload", "2026-10", "18", "", "")],
    )
    problems = check(path, catalogue)
    assert not errors(problems)
    assert [(p.severity, p.row, p.measure_id) for p in problems] == [
        ("warning", 2, "eh_contacts"),
        ("warning", 3, "sw_caseload"),
    ]


def test_every_problem_in_a_file_is_reported_together(tmp_path, catalogue):
    path = write_long_xlsx(
        tmp_path / "early_help_scorecard_2026-10.xlsx",
        [
            ("eh_contacts", "2026-10", -1, None, None),
            ("eh_engage_3wd", "2026-10", "abc", 10, 20),
            ("eh_engage_tpyo", "2026-10", 50, 10, 20),
            ("eh_engage_3wd", "2026-09", 60, 30, 20),
            ("eh_contacts", "2031-01", 5, None, None),
        ],
        header=("measure_id", "period", "value", "numerator", "denominator", "notes"),
    )
    problems = check(path, catalogue)
    found = {(p.row, p.column, p.severity) for p in problems}
    assert found == {
        (1, "notes", "warning"),
        (2, "value", "error"),
        (3, "value", "error"),
        (4, "measure_id", "error"),
        (5, "numerator", "error"),
        (6, "period", "error"),
    }
    assert [p.row for p in problems] == sorted(p.row for p in problems)


def test_validate_paths_covers_every_file_in_a_folder(tmp_path, catalogue):
    social_care(tmp_path / "2026-10", [("csc_contacts", "2026-10", "x", "", "")])
    write_csv(
        tmp_path / "2026-09" / "social_care_scorecard_2026-09.csv",
        [("csc_contacts", "2026-09", "y", "", "")],
    )
    problems = validate_paths([tmp_path], catalogue, today=TODAY)
    assert [p.file.split("/")[-1] for p in problems] == [
        "social_care_scorecard_2026-09.csv",
        "social_care_scorecard_2026-10.csv",
    ]


def test_an_empty_folder_is_a_problem(tmp_path, catalogue):
    (tmp_path / "2026-10").mkdir()
    [problem] = validate_paths([tmp_path / "2026-10"], catalogue, today=TODAY)
    assert problem.is_error and "no CSV or XLSX" in problem.message


def test_percent_formatted_cell_for_a_count_is_an_error(tmp_path, catalogue):
    path = write_long_xlsx(
        tmp_path / "early_help_scorecard_2026-10.xlsx",
        [("eh_contacts", "2026-10", 300, None, None)],
        percent_ids={"eh_contacts"},  # 3.0 formatted 0.0% shows 300.0%
    )
    problem = the_error(check(path, catalogue))
    assert_located(problem, path, 2, "value")
    assert problem.cell == "C2" and "formatted as a percentage" in problem.message


def test_percentage_that_looks_like_a_fraction_is_a_warning(tmp_path, catalogue):
    path = social_care(tmp_path, [("assess_45wd", "2026-10", "0.8", "", "")])
    [problem] = check(path, catalogue)
    assert problem.severity == "warning" and "looks like a fraction (80%?)" in problem.message
