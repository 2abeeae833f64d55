"""Decision tables as spreadsheets (CSV or XLSX) and back, for policy staff who edit in Excel.

`export_table(yaml_text, fmt)` turns one file of routing_rules/decisions/ into a sheet with one
row per table row and one column per field; `import_table(data, fmt, original_yaml)` turns the
edited sheet back into the YAML file. The original file's header (the leading comment block and
the table-level keys `table`, `tier`, `hit_policy`, `defaults`, ...) is kept byte for byte; only
the `rows:` block is rebuilt. Exporting and importing without edits gives the same data
(`yaml.safe_load` equal: keys, row order, values and their types).

Columns
-------
`id`, then the conditions as `when.<key>` (nested mappings flattened with dots:
`when.amount.min`), `primary`, `also`, `principle`, `source`, `valid_from`, `reason.nl`,
`reason.en`, and every other key a row of this table has (found in the rows, flattened the same
way). `when.*` columns are only there for the conditions the table uses; a column for any other
condition the loader knows (`when.instrument`, `when.theme`, `when.service`, `when.signal`,
`when.phase`, `when.amount.min`/`.max`, `when.employees.min`/`.max`) may be added by hand. Any
other new column is refused, so a typo cannot silently drop a field. The order of the columns
does not matter on import.

Cell syntax
-----------
An empty cell means the key is absent (for `source` and `valid_from`: the table's `defaults`
apply). Every column has a kind, fixed by its name; for a column only this table has, by the
values in the original file:

* text (`id`, `primary`, `principle`, `source`, `reason.nl`, `reason.en`): the cell is the text,
  without surrounding spaces. `2026` in a text column stays the text "2026".
* number (`when.amount.*`, `when.employees.*`): `250000` is an integer, `1.5` or `2.0` a
  decimal number (a point is the decimal point). No thousands separators: `1.000.000`, `250.000`
  and `1,5` are refused as ambiguous (a decimal number with three decimals is written `1.1250`).
* date (`valid_from`): `2026-11-27`; `27-11-2026` (how Dutch Excel saves a date in CSV) and XLSX
  date cells are read too.
* list (`when.instrument`, `when.theme`, `when.service`, `when.signal`, `when.phase`, `also`):
  one value, or a list separated by ";":

  ==================================  ===============================================
  `rvo`                               a single value (YAML `also: rvo`)
  `rvo; kvk`                          a list (YAML `also: [rvo, kvk]`)
  `rvo;`                              a list of one: the trailing ";" marks a list (`[rvo]`)
  `;`                                 the empty list (`also: []`)
  `invest-nl when {signal: large}`    an `also` entry with its own condition, written as in the
                                      files: `{provider: invest-nl, when: {signal: large}}`
  `{...}`, `[...]`, `"..."`           an entry in YAML flow syntax: any other mapping, or a text
                                      containing ";" or starting with a bracket or quote
  ==================================  ===============================================

* yaml: a column whose values fit none of the kinds above (for example `when` holding `{}`, a row
  without conditions, as in the fallback table) holds one line of YAML flow syntax.

In XLSX, numbers and dates are number and date cells (a number Excel cannot hold exactly, such as
`2.0` which Excel would read back as the integer 2, is written as a text cell), everything else
text cells. A second sheet, "about", names the table and explains this syntax; import reads the
first sheet not named "about". CSV is UTF-8 with a byte-order mark, comma-separated, with "\\r\\n"
line ends; import also takes it without the mark, with "\\n" line ends, or semicolon-separated
(as Dutch Excel saves CSV).

The YAML written
----------------
Rows are written in block style like the originals: keys in the usual order (id, when, primary,
also, principle, source, valid_from, reason, then other keys), `when` as a flow mapping, lists in
flow style, texts with spaces in double quotes on one line, unicode as is, a blank line between
rows when the original had them. Comment lines right above a row (section headings, notes) stay
above that row as long as its id is in the sheet; comments between a row's keys are lost. The
written file is parsed again and compared with what the sheet says before it is returned.
"""

from __future__ import annotations

import csv
import io
import math
import re
import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any, Literal

import yaml

if TYPE_CHECKING:
    from openpyxl import Workbook

# openpyxl is imported where a workbook is written or read: importing it takes ~0.2 s, which every
# worker would otherwise pay at start-up (issue 14, cold start) for an admin-only feature.


def _column_letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(n))

__all__ = ["SpreadsheetError", "export_table", "import_table"]

Kind = Literal["text", "number", "date", "list", "yaml"]
Path = tuple[str, ...]

FORMATS = ("csv", "xlsx")
ABOUT_SHEET = "about"
_WIDE = 1 << 30  # YAML line width: never fold a long text
_MAX_PROBLEMS = 20

# The usual order of a row's keys, per nested mapping; other keys follow in the order found.
_ORDER: dict[Path, tuple[str, ...]] = {
    (): ("id", "when", "primary", "also", "principle", "source", "valid_from", "reason"),
    ("when",): ("instrument", "theme", "service", "signal", "phase", "amount", "employees"),
    ("when", "amount"): ("min", "max"),
    ("when", "employees"): ("min", "max"),
    ("reason",): ("nl", "en"),
}
# Columns every table may have, with their kind.
_SCHEMA: dict[str, Kind] = {
    "id": "text",
    "when.instrument": "list",
    "when.theme": "list",
    "when.service": "list",
    "when.signal": "list",
    "when.phase": "list",
    "when.amount.min": "number",
    "when.amount.max": "number",
    "when.employees.min": "number",
    "when.employees.max": "number",
    "primary": "text",
    "also": "list",
    "principle": "text",
    "source": "text",
    "valid_from": "date",
    "reason.nl": "text",
    "reason.en": "text",
}
# Columns every export has, used or not, so that staff see where an override goes.
_ALWAYS = ("id", "primary", "also", "principle", "source", "valid_from", "reason.nl", "reason.en")

SYNTAX_HELP = (
    "One row per table row; the order of the rows is the order in the file (it decides between rows "
    "with equally many conditions).",
    "An empty cell means: not set (source and valid_from then come from the table's defaults).",
    "List columns (when.instrument, when.theme, when.service, when.signal, when.phase, also): "
    "'rvo' is one value, 'rvo; kvk' a list, 'rvo;' a list with one value, ';' the empty list.",
    "An also entry with its own condition: 'invest-nl when {signal: large}' (the condition as in the "
    "YAML files).",
    "Numbers (when.amount.*, when.employees.*): 250000 or 1.5, without thousands separators.",
    "Dates (valid_from): 2026-11-27.",
    "Columns of kind 'yaml' hold YAML flow syntax, e.g. {} for a row without conditions.",
    "A column for another condition (when.phase, when.employees.min, ...) may be added; "
    "other new columns are refused. Comment lines above a row in the YAML file stay with the row's "
    "id; other comments are not kept.",
)


class SpreadsheetError(ValueError):
    """A spreadsheet (or the table it belongs to) cannot be converted; the message names the sheet,
    row and column of each problem."""

    def __init__(self, problems: str | Sequence[str]) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        more = len(self.problems) - _MAX_PROBLEMS
        super().__init__("; ".join(self.problems[:_MAX_PROBLEMS]) + (f" (and {more} more)" if more > 0 else ""))


class _CellError(ValueError):
    """A cell's content does not fit its column; the caller adds the position."""


# -- the table and its columns ---------------------------------------------------------------
@dataclass(frozen=True)
class _Column:
    path: Path
    kind: Kind

    @property
    def name(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class _Layout:
    doc: dict[str, Any]
    rows: list[dict[str, Any]]
    columns: list[_Column]  # what an export shows, in order
    accepted: dict[str, _Column]  # every column an import takes, by name
    rank: dict[Path, tuple[int, ...]]  # sort key of every accepted column: the order of keys in a row


def _check_format(fmt: str) -> str:
    f = fmt.lower().lstrip(".") if isinstance(fmt, str) else ""
    if f not in FORMATS:
        raise SpreadsheetError(f"unknown format {fmt!r} (use {' or '.join(FORMATS)})")
    return f


def _load_doc(yaml_text: bytes) -> dict[str, Any]:
    try:
        doc = yaml.safe_load(yaml_text.decode("utf-8-sig"))
    except (UnicodeDecodeError, yaml.YAMLError) as e:
        raise SpreadsheetError(f"the decision table is not valid YAML: {e}") from None
    if not isinstance(doc, dict):
        raise SpreadsheetError("the decision table is not a YAML mapping with `rows:`")
    rows = doc.get("rows")
    if rows is None:
        rows = []
    if not isinstance(rows, list):
        raise SpreadsheetError("`rows` of the decision table is not a list")
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or not all(_key_ok(k) for k in row):
            raise SpreadsheetError(f"rows[{i}] is not a mapping of names (without dots) to values")
    return doc


def _key_ok(key: Any) -> bool:
    return isinstance(key, str) and bool(key) and key == key.strip() and "." not in key


def _flattenable(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and all(_key_ok(k) for k in value)


def _flatten(mapping: Mapping[str, Any], prefix: Path = ()) -> Iterator[tuple[Path, Any]]:
    """(path, value) of every leaf; non-empty mappings with plain keys are walked into."""
    for key, value in mapping.items():
        path = (*prefix, key)
        if _flattenable(value):
            yield from _flatten(value, path)
        else:
            yield path, value


def _layout(doc: dict[str, Any]) -> _Layout:
    rows: list[dict[str, Any]] = doc.get("rows") or []
    values: dict[Path, list[Any]] = {}
    for row in rows:
        for path, value in _flatten(row):
            values.setdefault(path, []).append(value)
    for name in _ALWAYS:
        values.setdefault(tuple(name.split(".")), [])
    every = list(values) + [p for p in (tuple(n.split(".")) for n in _SCHEMA) if p not in values]
    seen: dict[Path, int] = {}
    for path in every:
        for i in range(1, len(path) + 1):
            seen.setdefault(path[:i], len(seen))

    def sort_key(path: Path) -> tuple[int, ...]:
        key = []
        for i, seg in enumerate(path):
            known = _ORDER.get(path[:i], ())
            key.append(known.index(seg) if seg in known else len(known) + seen[path[: i + 1]])
        return tuple(key)

    rank = {p: sort_key(p) for p in every}
    accepted = {".".join(p): _Column(p, _kind(".".join(p), values.get(p, []))) for p in every}
    columns = [accepted[".".join(p)] for p in sorted(values, key=rank.__getitem__)]
    return _Layout(doc, rows, columns, accepted, rank)


def _text_ok(value: Any) -> bool:
    return (isinstance(value, str) and bool(value) and value == value.strip() and "\r" not in value
            and not any(unicodedata.category(c) in ("Cc", "Cs") and c not in "\n\t" for c in value))


def _number_ok(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _date_ok(value: Any) -> bool:
    return type(value) is date


def _list_ok(value: Any) -> bool:
    def item(v: Any) -> bool:
        return isinstance(v, str | dict)

    return all(item(v) for v in value) if isinstance(value, list) else item(value)


_FITS = {"text": _text_ok, "number": _number_ok, "date": _date_ok, "list": _list_ok}


def _kind(name: str, values: list[Any]) -> Kind:
    """The schema's kind when the values fit it, else the first kind all values fit."""
    schema = _SCHEMA.get(name)
    if schema is not None and all(_FITS[schema](v) for v in values):
        return schema
    for kind in ("text", "number", "date"):
        if all(_FITS[kind](v) for v in values):
            return kind
    if all(_list_ok(v) for v in values) and any(isinstance(v, list) for v in values):
        return "list"
    return "yaml"


# -- cells: values to text and back ----------------------------------------------------------
class _FlowDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _flow(value: Any) -> str:
    """One value as YAML flow syntax on one line."""
    text = yaml.dump([value], Dumper=_FlowDumper, default_flow_style=True, allow_unicode=True,
                     width=_WIDE, sort_keys=False).strip()
    return text[1:-1]


def _quoted(text: str) -> str:
    return yaml.dump(text, Dumper=_FlowDumper, default_style='"', allow_unicode=True, width=_WIDE).strip()


def _load_flow(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as e:
        problem = str(e).splitlines()[0] if str(e) else "syntax error"
        raise _CellError(f"not valid YAML flow syntax: {text!r} ({problem})") from None


_WHEN = re.compile(r"(\S+)\s+when\s+(\{.*\})", re.DOTALL)
_WHEN_START = re.compile(r"\S+\s+when\s+\{")
_YAML_START = ('{', '[', '"', "'")


def _plain_item(text: str) -> bool:
    return (_text_ok(text) and ";" not in text and "\n" not in text and "\t" not in text
            and not text.startswith(_YAML_START) and not _WHEN_START.match(text))


def _item_cell(value: Any) -> str:
    if isinstance(value, str):
        return value if _plain_item(value) else _quoted(value)
    if (isinstance(value, dict) and list(value) == ["provider", "when"] and isinstance(value["when"], dict)
            and isinstance(value["provider"], str) and _plain_item(value["provider"])
            and not re.search(r"\s", value["provider"])):
        return f"{value['provider']} when {_flow(value['when'])}"
    return _flow(value)


def _list_cell(value: Any) -> str:
    if not isinstance(value, list):
        return _item_cell(value)
    items = [_item_cell(v) for v in value]
    return "; ".join(items) + (";" if len(items) < 2 else "")


def _incomplete(text: str) -> bool:
    """True while an entry that starts as YAML flow is not closed yet (its ';' belongs to it)."""
    s = text.strip()
    m = None if s.startswith(_YAML_START) else _WHEN_START.match(s)  # '"a when {b}"' is a quoted text
    if s.startswith(_YAML_START) or m:
        try:
            yaml.safe_load(s[m.end() - 1:] if m else s)
        except yaml.YAMLError:
            return True
    return False


def _parse_item(text: str) -> Any:
    if text.startswith(_YAML_START):
        return _load_flow(text)
    m = _WHEN.fullmatch(text)
    if m:
        cond = _load_flow(m[2])
        if not isinstance(cond, dict):
            raise _CellError(f"the condition after 'when' must be a mapping {{...}}: {text!r}")
        return {"provider": m[1], "when": cond}
    if _WHEN_START.match(text):
        raise _CellError(f"write an entry with a condition as 'provider when {{...}}', the condition "
                         f"closed by '}}' at the end: {text!r}")
    return text


def _parse_list(text: str) -> Any:
    items: list[str] = []
    pending: str | None = None
    for piece in text.split(";"):
        candidate = piece if pending is None else pending + ";" + piece
        if _incomplete(candidate):
            pending = candidate
        else:
            items.append(candidate)
            pending = None
    if pending is not None:
        items.append(pending)  # unclosed: _parse_item reports it
    values = [_parse_item(s.strip()) for s in items if s.strip()]
    if len(items) > 1:
        return values
    return values[0]


_INT = re.compile(r"[+-]?\d+")
_FLOAT = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+)([eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(\.\d{3})+")  # 250.000: a Dutch thousands separator, or 250.0?
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_NL_DATE = re.compile(r"(\d{1,2})-(\d{1,2})-(\d{4})")


def _number_text(value: int | float) -> str:
    if isinstance(value, int):
        return str(value)
    text = repr(value)
    return text + "0" if _THOUSANDS.fullmatch(text) else text


def _as_text(raw: Any) -> str:
    if isinstance(raw, str):
        return raw.strip()
    if isinstance(raw, bool):
        return "true" if raw else "false"
    if isinstance(raw, datetime):
        return raw.date().isoformat() if raw.time() == time() else raw.isoformat()
    if isinstance(raw, date):
        return raw.isoformat()
    if isinstance(raw, float):
        return _number_text(raw)
    return str(raw)


def _parse_number(raw: Any) -> int | float:
    if _number_ok(raw):
        return raw  # type: ignore[no-any-return]
    text = _as_text(raw)
    if _INT.fullmatch(text):
        return int(text)
    if _THOUSANDS.fullmatch(text):
        raise _CellError(f"ambiguous number {text!r}: write it without thousands separators "
                         f"(250000), or with another decimal (250.0)")
    if _FLOAT.fullmatch(text):
        return float(text)
    raise _CellError(f"not a number: {text!r} (write 250000 or 1.5, without thousands separators)")


def _parse_date(raw: Any) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = _as_text(raw)
    try:
        if _ISO_DATE.fullmatch(text):
            return date.fromisoformat(text)
        m = _NL_DATE.fullmatch(text)
        if m:
            return date(int(m[3]), int(m[2]), int(m[1]))
    except ValueError:
        pass
    raise _CellError(f"not a date: {text!r} (write YYYY-MM-DD, e.g. 2026-11-27)")


def _parse_cell(kind: Kind, raw: Any) -> Any:
    if kind == "number":
        return _parse_number(raw)
    if kind == "date":
        return _parse_date(raw)
    text = _as_text(raw)
    if kind == "text":
        return text
    if kind == "list":
        return _parse_list(text)
    return _load_flow(text)


def _empty(raw: Any) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


def _cell_text(column: _Column, value: Any) -> str:
    """A value as the text of a CSV cell."""
    if column.kind == "text":
        return str(value)
    if column.kind == "number":
        return _number_text(value)
    if column.kind == "date":
        return str(value.isoformat())
    if column.kind == "list":
        return _list_cell(value)
    return _flow(value)


def _leaf(row: Mapping[str, Any], path: Path) -> tuple[bool, Any]:
    """(found, value) of a flattened column in a row."""
    node: Any = row
    for i, seg in enumerate(path):
        if not isinstance(node, dict) or seg not in node:
            return False, None
        node = node[seg]
        if i < len(path) - 1 and not _flattenable(node):
            return False, None
    return not _flattenable(node), node


# -- export ----------------------------------------------------------------------------------
def export_table(yaml_text: bytes, fmt: str) -> bytes:
    """The decision table `yaml_text` (a file of routing_rules/decisions/) as a CSV or XLSX sheet."""
    f = _check_format(fmt)
    layout = _layout(_load_doc(yaml_text))
    return _export_csv(layout) if f == "csv" else _export_xlsx(layout)


def _export_csv(layout: _Layout) -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow([c.name for c in layout.columns])
    for row in layout.rows:
        cells = []
        for column in layout.columns:
            found, value = _leaf(row, column.path)
            cells.append(_cell_text(column, value) if found else "")
        writer.writerow(cells)
    return buf.getvalue().encode("utf-8-sig")


def _xlsx_number_exact(value: int | float) -> bool:
    """openpyxl writes numbers as "%.16g" and reads them back as int unless there is a point."""
    text = f"{value:.16g}"
    back: int | float = float(text) if any(c in text for c in ".eE") else int(text)
    return type(back) is type(value) and back == value


def _sheet_title(name: Any) -> str:
    title = re.sub(r"[\[\]:*?/\\]", "_", str(name or "")).strip("' ")[:31] or "table"
    return "table" if title.lower() == ABOUT_SHEET else title


def _export_xlsx(layout: _Layout) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.worksheets[0]
    ws.title = _sheet_title(layout.doc.get("table"))
    bold = Font(bold=True)
    widths = [len(c.name) for c in layout.columns]
    for col, column in enumerate(layout.columns, start=1):
        ws.cell(row=1, column=col, value=column.name).font = bold
    for r, row in enumerate(layout.rows, start=2):
        for col, column in enumerate(layout.columns, start=1):
            cell = ws.cell(row=r, column=col)
            found, value = _leaf(row, column.path)
            if column.kind == "date" and found:
                cell.value = value
                cell.number_format = "yyyy-mm-dd"
            elif column.kind == "number" and found and _xlsx_number_exact(value):
                cell.value = value
            else:
                cell.number_format = "@"  # text: Excel keeps "2026" or "1.10" as typed
                if found:
                    cell.value = _cell_text(column, value)
                    cell.data_type = "s"  # also a text starting with "=" is text, not a formula
            if found:
                widths[col - 1] = max(widths[col - 1], len(_cell_text(column, value)))
    for col, width in enumerate(widths, start=1):
        ws.column_dimensions[_column_letter(col)].width = min(max(width + 2, 8), 60)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{_column_letter(len(layout.columns))}{len(layout.rows) + 1}"
    _about_sheet(wb, layout)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _about_sheet(wb: Workbook, layout: _Layout) -> None:
    from openpyxl.styles import Font

    ws = wb.create_sheet(ABOUT_SHEET)
    bold = Font(bold=True)
    ws.append(["Wegwijzer decision table"])
    ws.append(["table", str(layout.doc.get("table", ""))])
    ws.append(["tier", _as_text(layout.doc.get("tier", ""))])
    ws.append(["hit policy", _as_text(layout.doc.get("hit_policy", "")) + " (most specific wins: tier, then the "
               "number of conditions, then the order of the rows)"])
    defaults = layout.doc.get("defaults")
    if isinstance(defaults, dict):
        for key, value in defaults.items():
            ws.append([f"defaults.{key}", value if isinstance(value, str) else _flow(value)])
    ws.append([])
    ws.append(["How to edit"])
    heading = ws.max_row
    for line in SYNTAX_HELP:
        ws.append(["", line])
    ws.append([])
    ws.append(["column", "kind"])
    columns_heading = ws.max_row
    for column in layout.columns:
        ws.append([column.name, column.kind])
    for r in (1, heading, columns_heading):
        for cell in ws[r]:
            cell.font = bold
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 100


# -- import ----------------------------------------------------------------------------------
def import_table(data: bytes, fmt: str, original_yaml: bytes) -> bytes:
    """The YAML file of the table edited as `data` (CSV or XLSX): the header of `original_yaml` as
    it was, the rows rebuilt from the sheet. Raises SpreadsheetError naming the row and column."""
    f = _check_format(fmt)
    layout = _layout(_load_doc(original_yaml))
    sheet, grid = _read_csv(data) if f == "csv" else _read_xlsx(data)
    rows = _rows_from_grid(sheet, grid, layout)
    return _write_yaml(original_yaml, layout.doc, rows)


def _read_csv(data: bytes) -> tuple[str, list[list[Any]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise SpreadsheetError("the CSV file is not UTF-8 text (save it as \"CSV UTF-8\")") from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if ";" in first and "," not in first else ","
    try:
        grid: list[list[Any]] = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as e:
        raise SpreadsheetError(f"the CSV file cannot be read: {e}") from None
    return "CSV", grid


def _read_xlsx(data: bytes) -> tuple[str, list[list[Any]]]:
    try:
        from openpyxl import load_workbook

        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as e:  # a zip error, a missing part, bad XML: whatever it is, it is no workbook
        raise SpreadsheetError(f"the file is not an Excel workbook (.xlsx): {type(e).__name__}: {e}") from None
    try:
        sheets = [ws for ws in wb.worksheets if ws.title.strip().lower() != ABOUT_SHEET]
        if not sheets:
            raise SpreadsheetError("the workbook has no sheet with the table (only \"about\")")
        ws = sheets[0]
        grid = [list(r) for r in ws.iter_rows(values_only=True)]
        return f"sheet {ws.title!r}", grid
    finally:
        wb.close()


def _rows_from_grid(sheet: str, grid: list[list[Any]], layout: _Layout) -> list[dict[str, Any]]:
    problems: list[str] = []
    if not grid or all(_empty(v) for v in grid[0]):
        raise SpreadsheetError(f"{sheet}: row 1 must hold the column names (id, when.theme, primary, ...)")
    header = grid[0]
    width = max(len(r) for r in grid)
    columns: dict[int, _Column] = {}
    names: dict[str, int] = {}
    for i in range(width):
        letter = _column_letter(i + 1)
        raw = header[i] if i < len(header) else None
        if _empty(raw):
            if any(i < len(r) and not _empty(r[i]) for r in grid[1:]):
                problems.append(f"{sheet} column {letter}: values without a column name in row 1")
            continue
        name = _as_text(raw)
        if name in names:
            problems.append(f"{sheet} column {letter}: column {name!r} appears twice "
                            f"(also column {_column_letter(names[name] + 1)})")
            continue
        names[name] = i
        column = layout.accepted.get(name)
        if column is None:
            problems.append(f"{sheet} column {letter}: unknown column {name!r} "
                            f"(known: {', '.join(layout.accepted)})")
            continue
        columns[i] = column
    if "id" not in names:
        raise SpreadsheetError([f"{sheet}: no column 'id' in row 1 (found: {', '.join(names) or 'nothing'})",
                                *problems])
    if "primary" not in names:
        problems.append(f"{sheet}: no column 'primary' in row 1: every row needs a primary")
    rows: list[dict[str, Any]] = []
    ids: dict[Any, int] = {}
    for r, cells in enumerate(grid[1:], start=2):
        if all(_empty(v) for v in cells):
            continue
        where = f"{sheet} row {r}"
        leaves: list[tuple[Path, Any, str]] = []
        for i, raw in enumerate(cells):
            if _empty(raw) or i not in columns:
                continue
            column = columns[i]
            at = f"{where}, column {_column_letter(i + 1)} ({column.name})"
            try:
                leaves.append((column.path, _parse_cell(column.kind, raw), at))
            except _CellError as e:
                problems.append(f"{at}: {e}")
        row = _nest(leaves, layout, problems)
        rid = row.get("id")
        if rid is None:
            problems.append(f"{where}: no id (column {_column_letter(names['id'] + 1)})")
        elif rid in ids:
            problems.append(f"{where}: duplicate id {rid!r} (also in row {ids[rid]})")
        else:
            ids[rid] = r
        if "primary" in names and row.get("primary") is None:
            problems.append(f"{where}: no primary (column {_column_letter(names['primary'] + 1)}); "
                            f"every row needs one")
        rows.append(row)
    if problems:
        raise SpreadsheetError(problems)
    return rows


def _nest(leaves: list[tuple[Path, Any, str]], layout: _Layout, problems: list[str]) -> dict[str, Any]:
    """A row from its (path, value) cells, keys in the usual order; a cell for a mapping (such as
    `when` = {}) and cells for its keys are merged."""
    row: dict[str, Any] = {}
    for path, value, at in sorted(leaves, key=lambda leaf: layout.rank[leaf[0]]):
        node = row
        for seg in path[:-1]:
            node = node.setdefault(seg, {})
            if not isinstance(node, dict):
                problems.append(f"{at}: column {'.'.join(path[:-1])!r} already holds a value that is not a mapping")
                break
        else:
            last = path[-1]
            if last in node and isinstance(node[last], dict) and isinstance(value, dict):
                clash = set(node[last]) & set(value)
                if clash:
                    problems.append(f"{at}: {', '.join(sorted(clash))} also set by another column")
                node[last].update(value)
            elif last in node:
                problems.append(f"{at}: {'.'.join(path)} also set by another column")
            else:
                node[last] = value
    return row


# -- the YAML file ---------------------------------------------------------------------------
class _FlowMap(dict[str, Any]):
    """A mapping written in flow style: `when: {theme: tax, service: scheme}`."""


class _RowDumper(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def _represent_str(dumper: yaml.SafeDumper, text: str) -> yaml.Node:
    style = '"' if any(c.isspace() for c in text) else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", text, style=style)


def _represent_list(dumper: yaml.SafeDumper, items: list[Any]) -> yaml.Node:
    return dumper.represent_sequence("tag:yaml.org,2002:seq", items, flow_style=True)


def _represent_flow_map(dumper: yaml.SafeDumper, mapping: _FlowMap) -> yaml.Node:
    return dumper.represent_mapping("tag:yaml.org,2002:map", mapping, flow_style=True)


_RowDumper.add_representer(str, _represent_str)
_RowDumper.add_representer(list, _represent_list)
_RowDumper.add_representer(_FlowMap, _represent_flow_map)

_ROWS_KEY = re.compile(r"rows[ \t]*:(?P<rest>.*)")
_ITEM = re.compile(r"([ \t]*)-(\s|$)")
_ITEM_ID = re.compile(r"[ \t]*-[ \t]+id[ \t]*:[ \t]*[\"']?(?P<id>[^\"'#\s]+)")


def _comments_above(block: list[str], items: list[int]) -> dict[str, list[str]]:
    """The comment lines right above each row (section headings, notes), by row id, so that a
    row that still exists after the edit keeps them."""
    found: dict[str, list[str]] = {}
    for i in items:
        m = _ITEM_ID.match(block[i])
        if m is None:
            continue
        j = i
        while j > 0 and (not block[j - 1].strip() or block[j - 1].lstrip().startswith("#")):
            j -= 1
        if any(line.strip() for line in block[j:i]):
            found[m["id"]] = block[j:i]  # with its blank lines: they are part of the layout
    return found


def _blank_above(block: list[str], i: int) -> bool:
    """True when a blank line separates the item at `i` from the one before, above its comments."""
    while i > 0 and block[i - 1].lstrip().startswith("#"):
        i -= 1
    return i > 0 and not block[i - 1].strip()


def _dump_row(row: dict[str, Any]) -> str:
    """One row as a block sequence entry ("- id: ...", the other keys below it)."""
    shown = {k: _FlowMap(v) if k == "when" and isinstance(v, dict) else v for k, v in row.items()}
    text = yaml.dump(shown, Dumper=_RowDumper, default_flow_style=False, allow_unicode=True,
                     width=_WIDE, sort_keys=False, indent=2)
    return "".join(("- " if i == 0 else "  ") + line for i, line in enumerate(text.splitlines(keepends=True)))


def _write_yaml(original: bytes, doc: dict[str, Any], rows: list[dict[str, Any]]) -> bytes:
    text = original.decode("utf-8-sig")
    bom = original.startswith(b"\xef\xbb\xbf")
    nl = "\r\n" if "\r\n" in text else "\n"
    lines = text.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if _ROWS_KEY.fullmatch(line.rstrip("\r\n"))), None)
    if start is None:  # no `rows:` line: add one at the end
        head = text + ("" if not text or text.endswith("\n") else nl)
        block: list[str] = []
        tail: list[str] = []
        rows_line = "rows:" + nl
    else:
        end = start + 1
        while end < len(lines) and (not lines[end].strip() or lines[end][0] in " \t-#"):
            end += 1
        if end < len(lines):  # comments right above the next key belong to that key
            while end > start + 1 and (not lines[end - 1].strip() or lines[end - 1].startswith("#")):
                end -= 1
        head = "".join(lines[:start])
        block, tail = lines[start + 1:end], lines[end:]
        m = _ROWS_KEY.fullmatch(lines[start].rstrip("\r\n"))
        rest = m["rest"].strip() if m else ""
        rows_line = lines[start] if not rest or rest.startswith("#") else "rows:" + nl
    # layout of the original rows: their indent and whether a blank line separates them
    found = [(i, m[1]) for i, line in enumerate(block) if (m := _ITEM.match(line))]
    indent = found[0][1] if found else "  "
    items = [i for i, ind in found if ind == indent]
    blank_before = sum(1 for i in items[1:] if _blank_above(block, i))
    separator = nl if items[1:] and blank_before * 2 > len(items) - 1 else ""
    above = _comments_above(block, items)
    parts: list[str] = []
    for k, row in enumerate(rows):
        gap = above.get(str(row.get("id")), [])
        if k == 0 or not gap or gap[0].strip():
            parts.append("" if k == 0 else separator)
        if k == 0:
            gap = gap[next((n for n, line in enumerate(gap) if line.strip()), len(gap)):]
        parts.append("".join(line.rstrip("\r\n") + nl for line in gap))
        parts.append("".join(indent + line + nl for line in _dump_row(row).splitlines()))
    if not rows:
        rows_line = rows_line.replace("rows:", "rows: []", 1)
    out = head + rows_line + "".join(parts) + "".join(tail)
    result = (b"\xef\xbb\xbf" if bom else b"") + out.encode("utf-8")
    expected = dict(doc)
    expected["rows"] = rows
    try:
        written = yaml.safe_load(out)
    except yaml.YAMLError as e:
        raise SpreadsheetError(f"the YAML written for this table does not parse: {e}") from None
    if written != expected:
        raise SpreadsheetError("the YAML written for this table does not read back as the sheet "
                               "(is `rows:` a top-level key on a line of its own in the original?)")
    return result
