"""Coverage matrix of a rule set: which door answers every theme x service, without a location
and in every province (pure Python; used by app.rules.validate).

The input space of tier 2 is finite: every theme x every service of the taxonomy, with no other
facts (no signals, amount, staff, phase or instrument). For each cell the decision tables give a
row; the row's primary is resolved the way the router does it, first without a location (a
regional family then asks for the location, which still counts as a door) and then for every
municipality of every province. A municipality for which the family has no door is a gap.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from app.routing.engine import Router
from app.routing.geo import Location
from app.routing.loader import RuleSetData
from app.routing.tables import Context, Row

NO_LOCATION = "no location"
NAMED = "$named"


@dataclass(frozen=True)
class Cell:
    """One cell of the matrix: the door for a theme x service in one column."""

    door: str | None  # provider id, or family id when it differs per municipality; None = no door
    per_municipality: bool = False  # the door differs between the municipalities of the province
    needs_location: bool = False  # "no location" column: the family's finder, the answer asks where
    municipalities: int = 0  # municipalities checked in this column (0 for "no location")
    gaps: tuple[tuple[str, str], ...] = ()  # (code, name) of the municipalities without a door

    @property
    def is_gap(self) -> bool:
        return self.door is None or bool(self.gaps)

    @property
    def label(self) -> str:
        """Short text for the table."""
        if self.door is None and not self.gaps:
            return "GAP"
        if self.door is None:
            return f"GAP {len(self.gaps)}/{self.municipalities}"
        text = self.door
        if self.per_municipality:
            text += " (per municipality)"
        if self.needs_location:
            text += " (asks location)"
        if self.gaps:
            text += f"; GAP {len(self.gaps)}/{self.municipalities}"
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "door": self.door,
            "label": self.label,
            "per_municipality": self.per_municipality,
            "needs_location": self.needs_location,
            "municipalities": self.municipalities,
            "gaps": [{"code": c, "name": n} for c, n in self.gaps],
        }


@dataclass(frozen=True)
class CoverageRow:
    """The cells of one theme x service."""

    theme: str
    service: str
    rule: str | None  # id of the decision row that answers it; None = no row applies
    file: str  # the file of that row ("" without a row)
    primary: str | None
    no_location: Cell
    provinces: tuple[Cell, ...]  # in the order of Coverage.provinces

    @property
    def need(self) -> str:
        return f"{self.theme}/{self.service}"



@dataclass(frozen=True)
class Province:
    """A column of the matrix."""

    code: str  # CBS code, PV20-PV31
    name: str
    municipalities: int  # municipalities of the province in the region tables


@dataclass(frozen=True)
class Coverage:
    """The gap analysis of a rule set: a row per theme x service, a column without a location
    and one per province. Publishable as JSON (`as_dict`) or as a table (`as_table`)."""

    provinces: tuple[Province, ...]  # sorted by code
    rows: tuple[CoverageRow, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return (NO_LOCATION, *(p.code for p in self.provinces))

    def cells(self, row: CoverageRow) -> Iterator[tuple[str, Cell]]:
        """(column, cell) pairs of a row; the column is "no location" or a province code."""
        yield NO_LOCATION, row.no_location
        for p, cell in zip(self.provinces, row.provinces, strict=True):
            yield p.code, cell

    def gaps(self) -> Iterator[tuple[CoverageRow, str, Cell]]:
        """(row, column, cell) of every cell with a gap."""
        for row in self.rows:
            for column, cell in self.cells(row):
                if cell.is_gap:
                    yield row, column, cell

    @property
    def gap_count(self) -> int:
        return sum(1 for _ in self.gaps())

    @property
    def ok(self) -> bool:
        return not any(True for _ in self.gaps())

    def province_name(self, code: str) -> str:
        return next((p.name for p in self.provinces if p.code == code), code)

    def as_dict(self) -> dict[str, Any]:
        return {
            "columns": list(self.columns),
            "provinces": [{"code": p.code, "name": p.name, "municipalities": p.municipalities}
                          for p in self.provinces],
            "rows": [
                {
                    "theme": r.theme,
                    "service": r.service,
                    "rule": r.rule,
                    "file": r.file,
                    "primary": r.primary,
                    "cells": {column: cell.as_dict() for column, cell in self.cells(r)},
                }
                for r in self.rows
            ],
            "gaps": self.gap_count,
        }

    def as_table(self) -> str:
        """A Markdown table (readable as plain text): a row per theme/service, the column
        "no location" and one per province code; the gaps are listed below it."""
        header = ["theme/service", *self.columns]
        body = [[r.need, *(cell.label for _, cell in self.cells(r))] for r in self.rows]
        widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]

        def fmt(cols: list[str]) -> str:
            return "| " + " | ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)) + " |"

        out = [fmt(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
        out += [fmt(line) for line in body]
        out.append("")
        out.append("Provinces: " + ", ".join(f"{p.code} {p.name}" for p in self.provinces) + ".")
        gaps = list(self.gaps())
        if not gaps:
            out.append("No gaps: every theme/service has a door, in every municipality.")
        else:
            out.append(f"Gaps ({len(gaps)}):")
            for row, column, cell in gaps:
                if cell.door is None and not cell.gaps:
                    out.append(f"- {row.need} @ {column}: no decision row applies")
                else:
                    names = ", ".join(f"{name} ({code})" for code, name in cell.gaps)
                    out.append(f"- {row.need} @ {column} ({self.province_name(column)}), rule {row.rule}: "
                               f"no door for {len(cell.gaps)} of {cell.municipalities} municipalities: {names}")
        return "\n".join(out)


def _family(pid: str) -> str:
    return pid.split(":", 1)[0]


def build_coverage(data: RuleSetData, router: Router | None = None) -> Coverage:
    """The coverage matrix of a loaded rule set."""
    router = router or Router(data)
    geo = data.geo
    by_province: dict[str, list[tuple[str, str, Location]]] = {code: [] for code in sorted(geo.provinces)}
    for m in sorted(geo.municipalities.values(), key=lambda m: m.code):
        if m.province in by_province:
            by_province[m.province].append((m.code, m.name, geo.locate_municipality(m, "validate")))
    provinces = tuple(Province(code, geo.provinces[code].name, len(munis)) for code, munis in by_province.items())
    # A province without municipalities in the region tables is checked at province level.
    province_only = {code: geo.locate_province(geo.provinces[code], "validate")
                     for code, munis in by_province.items() if not munis}

    memo: dict[tuple[str, str], Cell] = {}

    def column(primary: str, province: str) -> Cell:
        key = (primary, province)
        cell = memo.get(key)
        if cell is None:
            cell = _province_cell(router, primary, province, by_province[province], province_only.get(province))
            memo[key] = cell
        return cell

    rows: list[CoverageRow] = []
    for theme in data.taxonomy.themes:
        for service in data.taxonomy.services:
            row: Row | None = data.tables.evaluate(Context(theme=theme, service=service))
            if row is None:
                gap = Cell(door=None)
                rows.append(CoverageRow(theme, service, None, "", None, gap, tuple(gap for _ in provinces)))
                continue
            if row.primary == NAMED:
                named = Cell(door=NAMED)
                rows.append(CoverageRow(theme, service, row.id, row.file, row.primary, named,
                                        tuple(named for _ in provinces)))
                continue
            pid, needs_location, _ = router._resolve(row.primary, None, None)
            rows.append(CoverageRow(
                theme, service, row.id, row.file, row.primary,
                Cell(door=pid, needs_location=needs_location),
                tuple(column(row.primary, p.code) for p in provinces),
            ))
    return Coverage(provinces=provinces, rows=tuple(rows))


def _province_cell(router: Router, primary: str, province: str, munis: list[tuple[str, str, Location]],
                   province_location: Location | None) -> Cell:
    if province_location is not None:  # no municipality known in this province
        pid, needs_location, _ = router._resolve(primary, province_location, None)
        if needs_location:
            return Cell(door=None, municipalities=1,
                        gaps=((province, "the whole province (no municipality in the region tables)"),))
        return Cell(door=pid, municipalities=1)
    doors: set[str] = set()
    gaps: list[tuple[str, str]] = []
    for code, name, loc in munis:
        pid, needs_location, _ = router._resolve(primary, loc, None)
        if needs_location:
            gaps.append((code, name))
        else:
            doors.add(pid)
    # one door for the whole province, else the family (its door differs per municipality)
    door = next(iter(doors), None) if len(doors) <= 1 else "/".join(sorted({_family(d) for d in doors}))
    return Cell(door=door, per_municipality=len(doors) > 1, municipalities=len(munis), gaps=tuple(gaps))

