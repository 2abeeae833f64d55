"""`python -m app clients create|list|revoke`: manage API clients (keys are shown once)."""

from __future__ import annotations

import argparse
import getpass
import json
import sys
from typing import Any

from app.clients.keys import DEFAULT_SCOPES, KINDS, SCOPES
from app.config import get_settings


def add_commands(sub: Any) -> None:
    clients = sub.add_parser("clients", help="create, list and revoke API clients (keys)")
    cmds = clients.add_subparsers(dest="clients_command", required=True)

    defaults = "; ".join(f"{k}: {', '.join(v)}" for k, v in DEFAULT_SCOPES.items() if k != "admin")
    c = cmds.add_parser("create", help="create a client and print its key (shown only this once)",
                        description=f"Default scopes per kind — {defaults}; admin: every scope.")
    c.add_argument("name", help="a short unique name, e.g. portal-brabant (a-z, 0-9, . _ -)")
    c.add_argument("--kind", required=True, choices=KINDS)
    c.add_argument("--scope", action="append", choices=SCOPES, dest="scopes",
                   help="a scope (repeat for more); default: the kind's scopes")
    c.add_argument("--origin", action="append", dest="origins", default=[],
                   help="a web origin (https://host[:port]) whose pages may use the key (repeat for more)")
    c.add_argument("--rate-limit", type=int, default=600, help="requests per minute (default 600)")
    c.add_argument("--provider", dest="provider_id", help="the provider this client represents, e.g. rom:bom")
    c.add_argument("--json", action="store_true", help="print the client and key as JSON")
    c.set_defaults(func=_create)

    ls = cmds.add_parser("list", help="all clients (never their keys)")
    ls.add_argument("--active", action="store_true", help="leave out revoked clients")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(func=_list)

    r = cmds.add_parser("revoke", help="revoke a client's key (within 5 seconds on every worker)")
    r.add_argument("name", help="the client's name or id")
    r.set_defaults(func=_revoke)


def _engine() -> Any:
    from app.db import make_engine

    return make_engine(get_settings().database_url)


def _create(args: argparse.Namespace) -> int:
    from app.clients import store
    from app.routing.engine import Router

    if args.provider_id is not None:
        directory = Router.from_directory(get_settings().rules_dir).data.directory
        if directory.get(args.provider_id) is None:
            print(f"error: unknown provider {args.provider_id!r} (see GET /v1/providers)", file=sys.stderr)
            return 2
    engine = _engine()
    try:
        made = store.create(engine, args.name, args.kind, scopes=args.scopes, origins=args.origins,
                            rate_limit=args.rate_limit, provider_id=args.provider_id,
                            created_by=getpass.getuser())
    except store.ClientError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps({**made.row, "key": made.key}, ensure_ascii=False, indent=2))
    else:
        row = made.row
        origins = f", origins: {', '.join(row['origins'])}" if row["origins"] else ""
        print(f"client {row['name']} ({row['kind']}), scopes: {', '.join(row['scopes'])}, "
              f"{row['rate_limit_per_minute']}/min{origins}")
        print(f"key (shown only now; store it in the client's secret store): {made.key}")
    return 0


def _list(args: argparse.Namespace) -> int:
    from app.clients import store

    engine = _engine()
    try:
        rows = store.list_clients(engine, include_revoked=not args.active)
    finally:
        engine.dispose()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    for r in rows:
        state = f"revoked {r['revoked_at'][:10]}" if r["revoked_at"] else "active"
        print(f"{r['name']:<28} {r['kind']:<14} {r['key_prefix']:<10} {state:<18} {','.join(r['scopes'])}"
              + (f"  origins={','.join(r['origins'])}" if r["origins"] else "")
              + (f"  provider={r['provider_id']}" if r["provider_id"] else ""))
    if not rows:
        print("no clients yet: python -m app clients create NAME --kind KIND")
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from app.clients import store

    engine = _engine()
    try:
        row = store.revoke(engine, args.name)
    finally:
        engine.dispose()
    if row is None:
        print(f"error: no client {args.name!r}", file=sys.stderr)
        return 1
    print(f"client {row['name']} revoked ({row['revoked_at']})")
    return 0
