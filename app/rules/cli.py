"""`python -m app rules ...`: check, publish, activate and edit rule sets from the command line."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from pathlib import Path
from typing import Any

from app.config import get_settings


def add_commands(sub: Any) -> None:
    rules = sub.add_parser("rules", help="check, publish, activate, compare and edit rule sets")
    cmds = rules.add_subparsers(dest="rules_command", required=True)

    c = cmds.add_parser("check", help="validate a rule-set directory (exit 1 on errors)")
    c.add_argument("dir", nargs="?", help="rule-set directory (default: the configured one)")
    c.add_argument("--json", action="store_true", help="print the report as JSON")
    c.add_argument("--coverage", action="store_true", help="also print the coverage matrix")
    c.add_argument("--coverage-out", metavar="FILE", help="write the coverage matrix as JSON to FILE")
    c.set_defaults(func=_check)

    p = cmds.add_parser("publish", help="publish a rule-set directory to the database (DATABASE_URL)")
    p.add_argument("dir", nargs="?", help="rule-set directory (default: the configured one)")
    p.add_argument("--actor", default=None, help="who publishes (default: the login name)")
    p.set_defaults(func=_publish)

    ls = cmds.add_parser("list", help="the published rule sets, the active one marked")
    ls.set_defaults(func=_list)

    a = cmds.add_parser("activate", help="make a published set the active one (a pin)")
    a.add_argument("version")
    a.add_argument("--actor", default=None)
    a.add_argument("--note", default=None)
    a.set_defaults(func=_activate)

    u = cmds.add_parser("unpin", help="back to the newest published set whose valid_from has passed")
    u.add_argument("--actor", default=None)
    u.set_defaults(func=_unpin)

    d = cmds.add_parser("diff", help="rows and lexicon entries changed between two rule-set directories")
    d.add_argument("old")
    d.add_argument("new")
    d.set_defaults(func=_diff)

    e = cmds.add_parser("export", help="a decision table as CSV or XLSX for a spreadsheet")
    e.add_argument("table", help="the table file's name, e.g. tier2_needs")
    e.add_argument("--dir", help="rule-set directory (default: the configured one)")
    e.add_argument("--format", choices=["csv", "xlsx"], default="xlsx")
    e.add_argument("-o", "--output", required=True, help="file to write")
    e.set_defaults(func=_export)

    i = cmds.add_parser("import", help="replace a decision table's rows with an edited spreadsheet")
    i.add_argument("file", help="the CSV or XLSX file")
    i.add_argument("table", help="the table file's name, e.g. tier2_needs")
    i.add_argument("--dir", help="rule-set directory (default: the configured one)")
    i.set_defaults(func=_import)


def _dir(value: str | None) -> Path:
    return Path(value) if value else get_settings().rules_dir


def _actor(value: str | None) -> str:
    return value or f"cli:{getpass.getuser()}"


def _check(args: argparse.Namespace) -> int:
    from app.routing.loader import read_rule_files
    from app.rules.validate import render_report, validate

    report = validate(read_rule_files(_dir(args.dir)))
    if args.json:
        print(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        print(render_report(report))
        if args.coverage and report.coverage is not None:
            print()
            print(report.coverage.as_table())
    if args.coverage_out and report.coverage is not None:
        Path(args.coverage_out).write_text(json.dumps(report.coverage.as_dict(), ensure_ascii=False, indent=2),
                                           encoding="utf-8")
    return 0 if report.ok else 1


def _engine() -> Any:
    from app.db import make_engine

    return make_engine(get_settings().database_url)


def _publish(args: argparse.Namespace) -> int:
    from app.routing.loader import read_rule_files
    from app.rulesets import store
    from app.rulesets.validation import validate_cached

    engine = _engine()
    try:
        result = store.publish(engine, read_rule_files(_dir(args.dir)), _actor(args.actor), validate_cached)
    except (store.PublishError, store.VersionConflict) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    state = "published" if result.created else "already published (same content)"
    print(f"{result.version}: {state}; {result.errors} errors, {result.warnings} warnings"
          + ("" if result.errors == 0 else " — it can never become active"))
    return 0


def _list(args: argparse.Namespace) -> int:
    from app.rulesets import store

    engine = _engine()
    active, pinned = store.active_version(engine), store.pinned(engine)
    for row in store.listing(engine):
        marks = " ".join(m for m, on in (("ACTIVE", row.version == active), ("pinned", row.version == pinned)) if on)
        print(f"{row.version:<16} valid from {row.valid_from}  {row.errors} errors  {row.warnings} warnings  "
              f"by {row.published_by}  {marks}")
    engine.dispose()
    return 0


def _activate(args: argparse.Namespace) -> int:
    from app.rulesets import store

    engine = _engine()
    try:
        before, after, action = store.activate(engine, args.version, _actor(args.actor), args.note)
    except (store.NotFound, store.Refused) as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    print(f"{action}: {before} -> {after}; running workers follow within seconds")
    return 0


def _unpin(args: argparse.Namespace) -> int:
    from app.rulesets import store

    engine = _engine()
    before, after = store.unpin(engine, _actor(args.actor))
    engine.dispose()
    print(f"unpinned: {before} -> {after}")
    return 0


def _diff(args: argparse.Namespace) -> int:
    from app.routing.loader import read_rule_files
    from app.rules.diff import diff

    print(json.dumps(diff(read_rule_files(args.old), read_rule_files(args.new)), ensure_ascii=False, indent=2))
    return 0


def _table(directory: Path, name: str) -> Path:
    return directory / "decisions" / f"{Path(name).name.removesuffix('.yaml')}.yaml"


def _export(args: argparse.Namespace) -> int:
    from app.rules.spreadsheet import export_table

    path = _table(_dir(args.dir), args.table)
    if not path.is_file():
        print(f"error: no decision table {path}", file=sys.stderr)
        return 2
    Path(args.output).write_bytes(export_table(path.read_bytes(), args.format))
    print(f"wrote {args.output}")
    return 0


def _import(args: argparse.Namespace) -> int:
    from app.rules.spreadsheet import SpreadsheetError, import_table

    path = _table(_dir(args.dir), args.table)
    source = Path(args.file)
    fmt = source.suffix.lower().removeprefix(".")
    if not path.is_file() or fmt not in ("csv", "xlsx"):
        print(f"error: need an existing table ({path}) and a .csv or .xlsx file", file=sys.stderr)
        return 2
    try:
        path.write_bytes(import_table(source.read_bytes(), fmt, path.read_bytes()))
    except SpreadsheetError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    print(f"updated {path}; now run: python -m app rules check {path.parent.parent}")
    return 0
