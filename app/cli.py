"""Command line: `python -m app route "vraag..." [--postcode 5038AB] [--json]`,
`python -m app migrate` (Alembic, configured in pyproject.toml), `python -m app purge` and
`python -m app rules ...` (app/rules/cli.py), `python -m app clients ...` (app/clients/cli.py),
`python -m app worker` (referral delivery)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from app.clients.cli import add_commands as add_client_commands
from app.config import db_timeouts, get_settings
from app.routing.engine import Router
from app.routing.explain import decision_dict
from app.routing.model import CompanyInput, InvalidInput, LocationInput, RouteInput
from app.rules.cli import add_commands as add_rules_commands


def _route(args: argparse.Namespace) -> int:
    core = Router.from_directory(args.rules or get_settings().rules_dir)
    location = None
    if args.postcode or args.municipality or args.province:
        location = LocationInput(args.postcode, args.municipality, args.province)
    company = CompanyInput(args.employees, args.phase) if (args.employees or args.phase) else None
    try:
        d = core.route(RouteInput(question=args.question, language=args.language,
                                  location=location, company=company))
    except InvalidInput as e:
        print(f"error: {e.field}: {e.message}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(decision_dict(d, core, None, explain=args.trace), ensure_ascii=False, indent=2))
        return 0
    print(f"outcome: {d.outcome}   language: {d.language}   rule set {core.version}")
    if d.message:
        print(d.message)
    if d.location:
        loc = d.location
        where = ", ".join(x for x in (
            loc.postcode4, loc.municipality.name if loc.municipality else None,
            loc.province.name if loc.province else None, loc.region_name) if x)
        print(f"location ({loc.source}): {where}")
    for n in d.needs:
        print(f"need: {n.theme}/{n.service}  score {n.score:.2f}  evidence: {', '.join(n.evidence) or '-'}")
    for r in d.routes:
        name = core.data.directory.public(r.provider_id, d.language)["name"]
        flag = "  [needs location]" if r.needs_location else ""
        print(f"{r.rank}. {r.role:<7} {r.provider_id:<26} {name}{flag}")
        if r.role == "primary":
            print(f"   rule {r.rule} ({r.principle}): {r.reason}")
    for c in d.clarify:
        print(f"? {c.question}")
        for o in c.options:
            print(f"   - {o.label}")
    if args.trace:
        for t in d.trace:
            print(f"   cue {t.cue!r} -> {t.concept} ({t.weight}{', fuzzy' if t.fuzzy else ''}): {t.evidence}")
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from alembic import command
    from alembic.config import Config

    from app.config import PROJECT_ROOT

    cfg = Config(toml_file=str(PROJECT_ROOT / "pyproject.toml"))
    if args.message:
        command.revision(cfg, message=args.message)
    elif args.downgrade:
        command.downgrade(cfg, args.downgrade)
    else:
        command.upgrade(cfg, "head")
        _publish_shipped()
    return 0


def _publish_shipped() -> None:
    """After the upgrade, the shipped rule set is published as every worker's start would
    otherwise do: its validation (~1 s) is then paid once per deploy, not in a worker's start."""
    from app.config import get_settings
    from app.db import make_engine
    from app.routing.loader import read_rule_files
    from app.rulesets.follower import publish_shipped

    settings = get_settings()
    engine = make_engine(settings.database_url)
    try:
        publish_shipped(engine, read_rule_files(settings.rules_dir))
    finally:
        engine.dispose()


def _purge(args: argparse.Namespace) -> int:
    from app.db import make_engine
    from app.decisions.service import purge

    settings = get_settings()
    days = args.days if args.days is not None else settings.question_retention_days
    engine = make_engine(settings.database_url)
    questions, notes = purge(engine, days)
    from app.referrals.service import purge as purge_referrals

    referral_days = settings.referral_retention_days
    referrals = purge_referrals(engine, referral_days)
    engine.dispose()
    print(f"purged the question of {questions} decisions and {notes} feedback notes older than {days} days")
    print(f"purged the contact details of {referrals} referrals closed more than {referral_days} days ago")
    return 0


def _worker(args: argparse.Namespace) -> int:
    """The referral delivery worker as its own process (stops on SIGTERM/SIGINT)."""
    import signal

    from app.db import make_engine
    from app.main import outbox_policy, webhooks_for
    from app.observability import configure_logging
    from app.referrals.outbox import Worker, count_states, retry_dead
    from app.routing.engine import Router

    settings = get_settings()
    configure_logging(settings.log_level)
    engine = make_engine(settings.database_url, db_timeouts(settings))
    if args.retry_dead:
        print(f"{retry_dead(engine)} dead deliveries will be tried again")
    webhooks = webhooks_for(settings, Router.from_directory(settings.rules_dir))
    worker = Worker(engine, webhooks, outbox_policy(settings), settings.referral_poll_s)
    if args.once:
        import httpx

        with httpx.Client(timeout=settings.referral_timeout_s) as http:
            while worker.run_once(http):
                pass
        print(count_states(engine))
        engine.dispose()
        return 0
    signal.signal(signal.SIGTERM, lambda *_: worker.stop(0))
    signal.signal(signal.SIGINT, lambda *_: worker.stop(0))
    worker.run()
    engine.dispose()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m app", description="Wegwijzer command line")
    sub = parser.add_subparsers(dest="command", required=True)
    r = sub.add_parser("route", help="route one question and print the decision")
    r.add_argument("question")
    r.add_argument("--postcode")
    r.add_argument("--municipality")
    r.add_argument("--province")
    r.add_argument("--language", choices=["nl", "en"])
    r.add_argument("--employees", type=int)
    r.add_argument("--phase", choices=["idea", "start", "established", "growth", "trouble"])
    r.add_argument("--json", action="store_true", help="print the API answer as JSON")
    r.add_argument("--trace", action="store_true", help="show the matched cues")
    r.add_argument("--rules", help="rule-set directory (default: the configured one)")
    r.set_defaults(func=_route)
    m = sub.add_parser("migrate", help="bring the database (DATABASE_URL) to the newest schema")
    m.add_argument("--downgrade", metavar="REVISION", help="go back to REVISION instead (e.g. base)")
    m.add_argument("--revision", dest="message", metavar="MESSAGE", help="create a new empty revision")
    m.set_defaults(func=_migrate)
    p = sub.add_parser("purge", help="remove stored question texts and notes older than the retention")
    p.add_argument("--days", type=int, help="retention in days (default: WEGWIJZER_QUESTION_RETENTION_DAYS, 180)")
    p.set_defaults(func=_purge)
    w = sub.add_parser("worker", help="deliver referrals to providers' webhooks (run with "
                                      "WEGWIJZER_REFERRAL_WORKER=false on the API processes)")
    w.add_argument("--once", action="store_true", help="deliver what is due now, then stop")
    w.add_argument("--retry-dead", action="store_true", help="try dead deliveries again from the start")
    w.set_defaults(func=_worker)
    add_rules_commands(sub)
    add_client_commands(sub)
    args = parser.parse_args(argv)
    code: int = args.func(args)
    return code
