"""Reading and converting CSV rows without the database (checking rows needs the form and is
covered by the import view tests)."""

from datetime import date
from decimal import Decimal

import pytest

from ceutrack.activities.csvio import HEADER, CsvError, export_row, form_data, read_rows
from ceutrack.activities.models import Activity, Kind


def test_it_reads_a_semicolon_file_with_a_byte_order_mark_and_blank_trailing_rows():
    data = "\ufefftitle;completed_on;units\r\nA;2025-01-02;1\r\n;;\r\n\r\n".encode()
    rows = read_rows(data)
    assert [(r.line, r.values) for r in rows] == [
        (2, {"title": "A", "completed_on": "2025-01-02", "units": "1"})
    ]


def test_it_reads_tab_separated_files_and_common_header_spellings():
    data = b"Title\tDate\tCEUs\tIndex\nA\t3/1/2025\t1\tX1\n"
    [row] = read_rows(data)
    assert row.values == {
        "title": "A",
        "completed_on": "3/1/2025",
        "units": "1",
        "aapc_index": "X1",
    }


def test_it_reads_a_windows_1252_file():
    [row] = read_rows("title,completed_on,units\nCaf\xe9 talk,2025-01-02,1\n".encode("cp1252"))
    assert row.values["title"] == "Café talk"


def test_commas_inside_quoted_cells_stay_in_the_cell():
    [row] = read_rows(b'title,completed_on,units\n"Audit, part 1",2025-01-02,1\n')
    assert row.values["title"] == "Audit, part 1"


def test_unknown_columns_are_ignored_and_short_rows_keep_what_they_have():
    rows = read_rows(b"title,completed_on,units,colour\nA,2025-01-02,1,red\nB\n")
    assert [r.values for r in rows] == [
        {"title": "A", "completed_on": "2025-01-02", "units": "1"},
        {"title": "B"},
    ]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty."),
        (b"title,units\nA,1\n", "The header row lacks completed_on."),
        (b"title,completed_on,units\n\n", "The file has a header but no rows."),
    ],
)
def test_a_file_that_cannot_be_read_says_why(data, message):
    with pytest.raises(CsvError, match=message):
        read_rows(data)


@pytest.mark.parametrize(
    ("written", "sent"),
    [("3/5/2025", "2025-03-05"), ("2025-03-05", "2025-03-05"), ("12/31/24", "2024-12-31")],
)
def test_dates_reach_the_form_in_iso_format(written, sent):
    data, errors = form_data({"completed_on": written})
    assert (data["completed_on"], errors) == (sent, [])


def test_an_unreadable_date_is_left_for_the_form_to_refuse():
    data, _ = form_data({"completed_on": "31/31/2025"})
    assert data["completed_on"] == "31/31/2025"


def test_yes_no_columns_become_checkbox_data_and_domain_defaults_to_yes():
    data, errors = form_data({"aapc": "TRUE", "ahima": "no", "ahima_sourced": "1"})
    assert errors == []
    assert (data.get("aapc"), data.get("ahima"), data.get("ahima_domain")) == ("on", None, "on")
    assert data.get("ahima_sourced") == "on"


def test_a_yes_no_column_with_anything_else_is_an_error():
    _, errors = form_data({"aapc": "maybe"})
    assert errors == ["aapc: “maybe” is not yes or no."]


def test_kinds_and_topics_are_accepted_by_key_or_label():
    data, _ = form_data({"kind": "Chapter meeting", "topic": "Practice Management"})
    assert (data["kind"], data["topic"]) == (Kind.CHAPTER_MEETING, "practice_management")
    assert form_data({"kind": ""})[0]["kind"] == Kind.OTHER


def test_a_decimal_comma_becomes_a_point():
    assert form_data({"units": "1,5"})[0]["units"] == "1.5"


def test_an_export_row_follows_the_header_and_defuses_formulas():
    activity = Activity(
        title="=SUM(A1)",
        provider="+AAPC",
        completed_on=date(2025, 3, 15),
        units=Decimal("1.50"),
        kind=Kind.WEBINAR,
        aapc=True,
        aapc_index="@X1",
        notes="-note",
    )
    row = dict(zip(HEADER, export_row(activity), strict=True))
    assert row["title"] == "'=SUM(A1)"
    assert (row["provider"], row["aapc_index"], row["notes"]) == ("'+AAPC", "'@X1", "'-note")
    assert (row["units"], row["aapc"], row["ahima_domain"]) == ("1.5", "yes", "yes")


def test_a_defused_cell_reads_back_as_written():
    data, _ = form_data({"title": "'=SUM(A1)", "notes": "'plain quote"})
    assert (data["title"], data["notes"]) == ("=SUM(A1)", "'plain quote")
