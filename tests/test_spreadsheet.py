"""Decision tables to CSV/XLSX and back (app/rules/spreadsheet.py)."""

from __future__ import annotations

import contextlib
import copy
import csv
import difflib
import io
import random
from datetime import date, datetime
from typing import Any

import pytest
import yaml
from openpyxl import Workbook, load_workbook

from app.config import PROJECT_ROOT
from app.routing.engine import Router
from app.routing.loader import read_rule_files
from app.routing.model import RouteInput
from app.rules.spreadsheet import SpreadsheetError, export_table, import_table

RULES = PROJECT_ROOT / "routing_rules"
TABLES = ("tier1_named", "tier2_needs", "tier3_fallback")
FORMATS = ("csv", "xlsx")

# A small table that uses every kind of cell the shipped tables do not (dates, decimals, texts
# that look like numbers, scalar and conditional `also`, a column only this table has).
SAMPLE = b"""\
# A sample table.
table: sample
tier: 2
hit_policy: PRIORITY
defaults:
  source: "policy"
  valid_from: 2026-01-01

rows:
  # --- first section
  - id: a.one
    when: {theme: tax, signal: [innovative, growing], amount: {min: 250000, max: 1.5}}
    primary: rvo
    also: [kvk, {provider: invest-nl, when: {signal: large}}]
    principle: '2026'
    valid_from: 2026-11-27
    reason:
      nl: "Een reden."
      en: "A reason."
    note: "free text"

  - id: a.two
    when: {theme: tax, employees: {max: 2.0}}
    primary: kvk
    also: rvo
    principle: P1
    reason:
      nl: "Twee redenen."
      en: "Two reasons."

  # --- second section
  - id: a.three
    when: {theme: starting, amount: {min: 100000000000000001}}
    primary: qredits
    also: []
    principle: P4
    reason:
      nl: Drie.
      en: Three.
"""


def table(name: str) -> bytes:
    return (RULES / "decisions" / f"{name}.yaml").read_bytes()


def load(data: bytes) -> Any:
    return yaml.safe_load(data.decode("utf-8-sig"))


# -- CSV and XLSX editing helpers ---------------------------------------------------------------
def csv_grid(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def csv_bytes(grid: list[list[str]], delimiter: str = ",", bom: bool = True, newline: str = "\r\n") -> bytes:
    buf = io.StringIO()
    csv.writer(buf, delimiter=delimiter, lineterminator=newline).writerows(grid)
    return buf.getvalue().encode("utf-8-sig" if bom else "utf-8")


def set_csv(data: bytes, row_id: str, column: str, value: str) -> bytes:
    grid = csv_grid(data)
    col = grid[0].index(column)
    row = next(r for r in grid[1:] if r[0] == row_id)
    row[col] = value
    return csv_bytes(grid)


def set_xlsx(data: bytes, row_id: str, column: str, value: Any) -> bytes:
    wb = load_workbook(io.BytesIO(data))
    ws = wb.worksheets[0]
    header = [c.value for c in ws[1]]
    col = header.index(column) + 1
    r = next(r for r in range(2, ws.max_row + 1) if ws.cell(r, 1).value == row_id)
    ws.cell(r, col).value = value
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def with_row(doc: Any, row_id: str, **changes: Any) -> Any:
    expected = copy.deepcopy(doc)
    row = next(r for r in expected["rows"] if r["id"] == row_id)
    row.update(changes)
    return expected


def import_sample_cell(column: str, value: str, row_id: str = "a.two") -> Any:
    """The sample row `row_id` after setting one CSV cell, as parsed YAML."""
    data = set_csv(export_table(SAMPLE, "csv"), row_id, column, value)
    doc = load(import_table(data, "csv", SAMPLE))
    return next(r for r in doc["rows"] if r["id"] == row_id)


# -- 1. round trip ------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", TABLES)
def test_round_trip_of_the_shipped_tables_is_identical(name: str, fmt: str) -> None:
    original = table(name)
    back = import_table(export_table(original, fmt), fmt, original)
    assert load(back) == load(original)
    assert back == original


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_of_every_cell_kind(fmt: str) -> None:
    back = import_table(export_table(SAMPLE, fmt), fmt, SAMPLE)
    assert back == SAMPLE
    rows = load(back)["rows"]
    assert rows[0]["principle"] == "2026"
    assert rows[0]["valid_from"] == date(2026, 11, 27)
    assert type(rows[0]["when"]["amount"]["min"]) is int and type(rows[0]["when"]["amount"]["max"]) is float
    assert type(rows[1]["when"]["employees"]["max"]) is float  # 2.0 is not the integer 2
    assert rows[2]["when"]["amount"]["min"] == 100000000000000001  # more digits than a double holds


# -- 2. export shape ----------------------------------------------------------------------------
@pytest.mark.parametrize("name", TABLES)
def test_csv_export_shape(name: str) -> None:
    data = export_table(table(name), "csv")
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in data
    grid = csv_grid(data)
    header = grid[0]
    assert header[0] == "id"
    assert {"primary", "reason.nl", "reason.en"} <= set(header)
    rows = load(table(name))["rows"]
    assert [r[0] for r in grid[1:]] == [r["id"] for r in rows]
    assert all(len(r) == len(header) for r in grid)
    primary = header.index("primary")
    assert [r[primary] for r in grid[1:]] == [r["primary"] for r in rows]


@pytest.mark.parametrize("name", TABLES)
def test_xlsx_export_shape(name: str) -> None:
    wb = load_workbook(io.BytesIO(export_table(table(name), "xlsx")))
    ws = wb.worksheets[0]
    assert ws.title == load(table(name))["table"]
    assert "about" in wb.sheetnames and wb.sheetnames[0] != "about"
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert all(c.font.bold for c in ws[1])
    assert header == csv_grid(export_table(table(name), "csv"))[0]
    rows = load(table(name))["rows"]
    assert [ws.cell(r, 1).value for r in range(2, ws.max_row + 1)] == [r["id"] for r in rows]


def test_xlsx_number_and_date_cells() -> None:
    ws = load_workbook(io.BytesIO(export_table(SAMPLE, "xlsx"))).worksheets[0]
    header = [c.value for c in ws[1]]

    def cell(row: int, column: str) -> Any:
        return ws.cell(row, header.index(column) + 1)

    assert cell(2, "when.amount.min").data_type == "n" and cell(2, "when.amount.min").value == 250000
    assert cell(2, "when.amount.max").data_type == "n" and cell(2, "when.amount.max").value == 1.5
    assert cell(2, "valid_from").is_date and cell(2, "valid_from").value == datetime(2026, 11, 27)
    assert cell(3, "valid_from").value is None  # not set: the table's default applies
    assert cell(2, "principle").data_type == "s" and cell(2, "principle").value == "2026"
    # numbers Excel cannot hold exactly are text cells
    assert cell(3, "when.employees.max").data_type == "s" and cell(3, "when.employees.max").value == "2.0"
    assert cell(4, "when.amount.min").data_type == "s"


def test_xlsx_number_cells_in_a_shipped_table() -> None:
    ws = load_workbook(io.BytesIO(export_table(table("tier2_needs"), "xlsx"))).worksheets[0]
    header = [c.value for c in ws[1]]
    col = header.index("when.amount.min") + 1
    values = [ws.cell(r, col) for r in range(2, ws.max_row + 1) if ws.cell(r, col).value is not None]
    assert values and all(c.data_type == "n" for c in values)
    assert {c.value for c in values} == {1000000, 250001}  # Invest-NL's floor, above Qredits' ceiling


# -- 3. edits -----------------------------------------------------------------------------------
EDITED = "labour_market.scheme.szw"


def one_line_changed(before: bytes, after: bytes) -> list[str]:
    diff = difflib.unified_diff(before.decode().splitlines(), after.decode().splitlines(), n=0, lineterm="")
    return [line for line in diff if line[:1] in "+-" and line[:3] not in ("+++", "---")]


@pytest.mark.parametrize("fmt", FORMATS)
def test_edit_primary_takes_effect(fmt: str, router: Router) -> None:
    original = table("tier2_needs")
    exported = export_table(original, fmt)
    edit = set_csv if fmt == "csv" else set_xlsx
    edited = edit(exported, EDITED, "primary", "uwv")
    new = import_table(edited, fmt, original)
    assert load(new) == with_row(load(original), EDITED, primary="uwv")
    assert one_line_changed(original, new) == ["-    primary: szw", "+    primary: uwv"]

    needs = RouteInput(needs=(("labour_market", "scheme"),))
    before = router.route(needs).routes[0]
    assert (before.provider_id, before.rule) == ("szw", EDITED)
    files = read_rule_files(RULES)
    assert "decisions/tier2_needs.yaml" in files
    files["decisions/tier2_needs.yaml"] = new
    after = Router.from_files(files).route(needs).routes[0]
    assert (after.provider_id, after.rule) == ("uwv", EDITED)


@pytest.mark.parametrize("fmt", FORMATS)
def test_delete_reorder_and_add_rows(fmt: str) -> None:
    original = table("tier2_needs")
    doc = load(original)
    grid = csv_grid(export_table(original, "csv"))
    header, body = grid[0], grid[1:]
    deleted = body.pop(0)[0]  # starting.non_eu.ind, the first row
    tax = next(i for i, r in enumerate(body) if r[0] == "tax.any.belastingdienst")
    body.insert(0, body.pop(tax))  # a row with a section comment above it goes first
    new_row = {c: "" for c in header} | {"id": "tax.new.rvo", "when.theme": "tax", "when.service": "scheme",
                                           "primary": "rvo", "also": "kvk; belastingdienst", "principle": "P2",
                                           "reason.nl": "Nieuw.", "reason.en": "New."}
    body.insert(3, [new_row[c] for c in header])
    if fmt == "csv":
        data = csv_bytes([header, *body])
    else:
        wb = Workbook()
        ws = wb.worksheets[0]
        for r in [header, *body]:
            ws.append([v or None for v in r])
        out = io.BytesIO()
        wb.save(out)
        data = out.getvalue()
    new = import_table(data, fmt, original)

    by_id = {r["id"]: r for r in doc["rows"]}
    added = {"id": "tax.new.rvo", "when": {"theme": "tax", "service": "scheme"}, "primary": "rvo",
             "also": ["kvk", "belastingdienst"], "principle": "P2", "reason": {"nl": "Nieuw.", "en": "New."}}
    expected = copy.deepcopy(doc)
    expected["rows"] = [by_id.get(r[0], added) for r in body]
    assert load(new) == expected
    assert deleted not in new.decode()
    text = new.decode()
    # header kept byte for byte; the section comment moved with its row
    assert text.startswith(original.decode()[: original.decode().index("rows:\n") + len("rows:\n")])
    assert "  # --- tax, permits ---" in text.split("  - id: tax.any.belastingdienst")[0].splitlines()[-1]
    assert "# --- starting ---" not in text  # its row is gone


def test_an_added_condition_column_is_accepted() -> None:
    original = table("tier3_fallback")
    grid = csv_grid(export_table(original, "csv"))
    grid[0].append("when.phase")
    grid[1].append("start;")
    grid[1][grid[0].index("when")] = ""
    row = load(import_table(csv_bytes(grid), "csv", original))["rows"][0]
    assert row["when"] == {"phase": ["start"]}


def test_xlsx_edits_typed_as_excel_values() -> None:
    # Excel turns what staff type into numbers and dates; the column decides what it becomes.
    data = export_table(SAMPLE, "xlsx")
    data = set_xlsx(data, "a.two", "principle", 2026)
    data = set_xlsx(data, "a.two", "valid_from", datetime(2027, 1, 2))
    data = set_xlsx(data, "a.two", "when.amount.min", "250000")
    data = set_xlsx(data, "a.one", "when.amount.max", 3)
    rows = load(import_table(data, "xlsx", SAMPLE))["rows"]
    assert rows[1]["principle"] == "2026"
    assert rows[1]["valid_from"] == date(2027, 1, 2)
    assert rows[1]["when"]["amount"] == {"min": 250000} and type(rows[1]["when"]["amount"]["min"]) is int
    assert rows[0]["when"]["amount"]["max"] == 3


def test_xlsx_about_sheet_first_is_skipped() -> None:
    wb = load_workbook(io.BytesIO(export_table(SAMPLE, "xlsx")))
    wb.move_sheet("about", offset=-1)
    assert wb.sheetnames[0] == "about"
    out = io.BytesIO()
    wb.save(out)
    assert import_table(out.getvalue(), "xlsx", SAMPLE) == SAMPLE


# -- 4. cell syntax -----------------------------------------------------------------------------
@pytest.mark.parametrize(("cell", "value"), [
    ("rvo", "rvo"),
    ("rvo; kvk", ["rvo", "kvk"]),
    ("rvo;kvk;", ["rvo", "kvk"]),
    ("rvo;", ["rvo"]),
    (" rvo ; ", ["rvo"]),
    (";", []),
    ("invest-nl when {signal: large}", {"provider": "invest-nl", "when": {"signal": "large"}}),
    ("invest-nl when {signal: large};", [{"provider": "invest-nl", "when": {"signal": "large"}}]),
    ("rvo; invest-nl when {signal: [large, growing]}; kvk",
     ["rvo", {"provider": "invest-nl", "when": {"signal": ["large", "growing"]}}, "kvk"]),
    ('"a;b"; kvk', ["a;b", "kvk"]),
    ("{provider: rom, note: x}", {"provider": "rom", "note": "x"}),
])
def test_list_cells(cell: str, value: Any) -> None:
    assert import_sample_cell("also", cell)["also"] == value


def test_texts_that_look_like_cell_syntax_round_trip() -> None:
    original = SAMPLE.replace(b"also: rvo\n", b'also: ["x when {a: 1} extra", "{b}", "c;d", "e when {f: g}"]\n')
    grid = csv_grid(export_table(original, "csv"))
    assert grid[2][grid[0].index("also")].startswith('"x when {a: 1} extra"; ')
    assert load(import_table(csv_bytes(grid), "csv", original)) == load(original)


def test_list_cell_in_a_condition_column() -> None:
    assert import_sample_cell("when.signal", "innovative; growing")["when"]["signal"] == ["innovative", "growing"]
    assert import_sample_cell("when.signal", "large")["when"]["signal"] == "large"


def test_conditional_also_survives_the_round_trip() -> None:
    original = table("tier2_needs")
    grid = csv_grid(export_table(original, "csv"))
    row = next(r for r in grid if r[0] == "sustainability.capital.rom")
    assert row[grid[0].index("also")] == "rvo; invest-nl when {signal: large}"
    doc = load(import_table(csv_bytes(grid), "csv", original))
    rom = next(r for r in doc["rows"] if r["id"] == "sustainability.capital.rom")
    assert rom["also"] == ["rvo", {"provider": "invest-nl", "when": {"signal": "large"}}]


@pytest.mark.parametrize(("cell", "value"), [
    ("250000", 250000), ("1.5", 1.5), ("2.0", 2.0), ("1.1250", 1.125), ("-3", -3), ("0", 0),
])
def test_number_cells(cell: str, value: int | float) -> None:
    got = import_sample_cell("when.amount.min", cell)["when"]["amount"]["min"]
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize("cell", ["2026", "1.5", "2026-11-27", "true", "null", "P1; P2"])
def test_text_cells_stay_text(cell: str) -> None:
    assert import_sample_cell("principle", cell)["principle"] == cell


def test_empty_cell_removes_the_key() -> None:
    row = import_sample_cell("valid_from", "", row_id="a.one")
    assert "valid_from" not in row
    row = import_sample_cell("also", "", row_id="a.one")
    assert "also" not in row


@pytest.mark.parametrize("name", [*TABLES, "sample"])
def test_dutch_excel_csv(name: str) -> None:
    original = SAMPLE if name == "sample" else table(name)
    grid = csv_grid(export_table(original, "csv"))
    col = grid[0].index("valid_from")
    for row in grid[1:]:
        if row[col]:
            y, m, d = row[col].split("-")
            row[col] = f"{d}-{m}-{y}"
    data = csv_bytes(grid, delimiter=";", bom=False, newline="\n")
    assert not data.startswith(b"\xef\xbb\xbf") and b";" in data.split(b"\n")[0]
    assert import_table(data, "csv", original) == original


def test_dutch_date_cell() -> None:
    assert import_sample_cell("valid_from", "27-11-2026")["valid_from"] == date(2026, 11, 27)
    assert import_sample_cell("valid_from", "1-2-2027")["valid_from"] == date(2027, 2, 1)


# -- 5. bad input -------------------------------------------------------------------------------
def csv_error(data: bytes, original: bytes = SAMPLE) -> str:
    with pytest.raises(SpreadsheetError) as e:
        import_table(data, "csv", original)
    return str(e.value)


def sample_cell_error(column: str, value: str, row_id: str = "a.two") -> str:
    return csv_error(set_csv(export_table(SAMPLE, "csv"), row_id, column, value))


def column_letter(column: str) -> str:
    return "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[csv_grid(export_table(SAMPLE, "csv"))[0].index(column)]


@pytest.mark.parametrize(("column", "value"), [
    ("when.amount.min", "1.000.000"),
    ("when.amount.min", "250.000"),
    ("when.amount.min", "1,5"),
    ("when.amount.min", "veel"),
    ("valid_from", "2026-13-01"),
    ("valid_from", "31-02-2026"),
    ("valid_from", "morgen"),
    ("also", "{provider: rom"),
    ("also", "rvo; invest-nl when {signal: [large}"),
    ("also", "invest-nl when {signal: large"),
])
def test_bad_cell_names_row_and_column(column: str, value: str) -> None:
    message = sample_cell_error(column, value)
    assert f"row 3, column {column_letter(column)} ({column})" in message, message


def test_bad_yaml_cell() -> None:
    original = table("tier3_fallback")
    data = set_csv(export_table(original, "csv"), "fallback.kvk", "when", "{theme: [")
    message = csv_error(data, original)
    assert "row 2, column B (when)" in message, message


def test_unknown_column() -> None:
    grid = csv_grid(export_table(SAMPLE, "csv"))
    grid[0][grid[0].index("primary")] = "primay"
    message = csv_error(csv_bytes(grid))
    assert f"column {column_letter('primary')}: unknown column 'primay'" in message, message
    grid[0][grid[0].index("primay")] = "primary"
    grid[0].append("remark")
    message = csv_error(csv_bytes(grid))
    assert "unknown column 'remark'" in message, message


def test_missing_id_column() -> None:
    grid = csv_grid(export_table(SAMPLE, "csv"))
    for row in grid:
        del row[0]
    message = csv_error(csv_bytes(grid))
    assert "no column 'id'" in message, message


def test_missing_id_and_duplicate_id() -> None:
    grid = csv_grid(export_table(SAMPLE, "csv"))
    grid[2][0] = ""
    grid[3][0] = "a.one"
    message = csv_error(csv_bytes(grid))
    assert "row 3: no id (column A)" in message and "row 4: duplicate id 'a.one' (also in row 2)" in message


def test_xlsx_error_names_sheet_row_and_column() -> None:
    data = set_xlsx(export_table(SAMPLE, "xlsx"), "a.two", "when.amount.min", "1.000.000")
    with pytest.raises(SpreadsheetError) as e:
        import_table(data, "xlsx", SAMPLE)
    assert f"sheet 'sample' row 3, column {column_letter('when.amount.min')} (when.amount.min)" in str(e.value)


@pytest.mark.parametrize(("data", "fmt"), [
    (b"", "csv"),
    (b"\xef\xbb\xbf", "csv"),
    (b"\r\n\r\n", "csv"),
    (b"", "xlsx"),
    (bytes(range(256)) * 4, "csv"),
    (b"\x00\x01\x02garbage\x00,\x00\n\x00", "csv"),
    (bytes(range(256)) * 4, "xlsx"),
    (b"PK\x03\x04 not really a zip", "xlsx"),
    (export_table(SAMPLE, "csv"), "xlsx"),
    (export_table(SAMPLE, "xlsx"), "csv"),
])
def test_garbage_is_a_spreadsheet_error(data: bytes, fmt: str) -> None:
    with pytest.raises(SpreadsheetError):
        import_table(data, fmt, SAMPLE)


def test_unknown_format() -> None:
    for call in (lambda: export_table(SAMPLE, "ods"), lambda: import_table(b"id\r\n", "ods", SAMPLE)):
        with pytest.raises(SpreadsheetError, match="unknown format 'ods'"):
            call()
    assert export_table(SAMPLE, ".CSV") == export_table(SAMPLE, "csv")


NASTY = ["", " ", ";", ";;", "{", "}", "[", "{}", "[]", '"', "'", "=1+1", "1.000", "1,5", "-", "x when {",
         "x when {a: 1}", "x when []", "\x00", "\t", "null", "~", "2026-02-30", "27-11-2026", "é", "a\nb",
         "{a: [1, {b: 2}]}", "&anchor x", "*alias", "!!python/object:os.system x", "? x", "- x", "1e400"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_random_edits_give_yaml_or_a_spreadsheet_error(fmt: str) -> None:
    rng = random.Random(20261127)
    original = SAMPLE
    base = csv_grid(export_table(original, "csv"))
    for _ in range(150 if fmt == "csv" else 40):
        grid = [list(r) for r in base]
        for _ in range(rng.randint(1, 3)):
            r = rng.randrange(len(grid))
            grid[r][rng.randrange(len(grid[r]))] = rng.choice(NASTY)
        if fmt == "csv":
            data = csv_bytes(grid)
        else:
            wb = Workbook()
            for row in grid:
                wb.worksheets[0].append([v.replace("\x00", "") for v in row])  # not allowed in XLSX
            out = io.BytesIO()
            wb.save(out)
            data = out.getvalue()
        try:
            result = import_table(data, fmt, original)
        except SpreadsheetError:
            continue
        assert isinstance(load(result), dict)
        # what was written exports and imports back to itself
        assert import_table(export_table(result, "csv"), "csv", result) == result


@pytest.mark.parametrize("fmt", FORMATS)
def test_truncated_files_give_a_spreadsheet_error_or_a_table(fmt: str) -> None:
    original = SAMPLE
    data = export_table(original, fmt)
    for cut in range(0, len(data), max(1, len(data) // 60)):
        with contextlib.suppress(SpreadsheetError):
            import_table(data[:cut], fmt, original)


def test_a_worker_does_not_import_openpyxl_at_start_up() -> None:
    """Cold start (issue 14): the spreadsheet library loads when a workbook is written or read."""
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", "import sys, app.main; print('openpyxl' in sys.modules)"],
                         capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
