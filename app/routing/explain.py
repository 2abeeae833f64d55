"""Render a Decision in the shape of the API contract (api-contract.md), in its language.

Pure Python so the CLI (--json) and the HTTP API print exactly the same answer.
"""

from __future__ import annotations

from typing import Any

from app.routing.engine import Router
from app.routing.geo import Area, Location
from app.routing.model import Decision


def _area(a: Area | None) -> dict[str, str] | None:
    return {"code": a.code, "name": a.name} if a else None


def location_dict(loc: Location | None) -> dict[str, Any] | None:
    if loc is None:
        return None
    out: dict[str, Any] = {
        "postcode4": loc.postcode4,
        "municipality": _area(loc.municipality),
        "province": _area(loc.province),
        "labour_market_region": _area(loc.labour_market_region),
        "rom": loc.rom,
        "source": loc.source,
    }
    if loc.region_name:
        out["region_name"] = loc.region_name
    if loc.evidence:
        out["evidence"] = loc.evidence
    if loc.note:
        out["note"] = loc.note
    return out


def decision_dict(d: Decision, router: Router, request_id: str | None,
                  explain: bool = False) -> dict[str, Any]:
    directory = router.data.directory
    out: dict[str, Any] = {
        "request_id": request_id,
        "ruleset": {"version": router.version, "checksum": router.checksum},
        "language": d.language,
        "outcome": d.outcome,
        "out_of_scope": d.out_of_scope,
        "needs": [
            {"theme": n.theme, "service": n.service, "score": n.score, "evidence": list(n.evidence)}
            for n in d.needs
        ],
        "location": location_dict(d.location),
        "routes": [
            {
                "rank": r.rank,
                "role": r.role,
                "provider": dict(directory.public(r.provider_id, d.language)),
                "needs_location": r.needs_location,
                "rule": r.rule,
                "principle": r.principle,
                "reason": r.reason,
                "score": r.score,
                "evidence": list(r.evidence),
            }
            for r in d.routes
        ],
        "clarify": [
            {
                "field": c.field,
                "question": c.question,
                "options": [
                    {"label": o.label,
                     "needs": [{"theme": t, "service": s, "signals": list(o.signals)} for t, s in o.needs]}
                    for o in c.options
                ],
            }
            for c in d.clarify
        ],
        "message": d.message,
    }
    if d.facts:
        out["facts"] = dict(d.facts)
    if explain:
        out["trace"] = [
            {"concept": t.concept, "cue": t.cue, "evidence": t.evidence, "weight": t.weight,
             "fuzzy": t.fuzzy}
            for t in d.trace
        ]
    return out
