"""Who may see and act on a stored decision: object-level authorization, in one place.

A client sees, gives feedback on and refers the decisions it made; a provider's client (one
with a `provider_id`) also those routed to its door; an admin all. Everyone else is told the
decision does not exist (404), so ids cannot be probed. Of a decision it did not make, a
provider's client sees neither the client nor the page origin, and every client sees only its
own feedback.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from app.clients.auth import Caller


def feedback_source(caller: Caller) -> str:
    """The feedback source of a client: one feedback per decision per client."""
    return f"client:{caller.name}"


def may_act_on(caller: Caller, client: str | None, routes: Iterable[Mapping[str, Any]]) -> bool:
    """Whether `caller` may see and act on a decision made by `client` with these routes
    (the stored route documents: provider_id, family)."""
    if caller.may("admin"):
        return True
    if caller.name is not None and caller.name == client:
        return True
    door = caller.provider_id
    return door is not None and any(r.get("provider_id") == door or r.get("family") == door for r in routes)


def view(caller: Caller, decision: dict[str, Any]) -> dict[str, Any]:
    """The part of a decision `caller` may read (it may act on it: see `may_act_on`)."""
    if caller.may("admin"):
        return decision
    own = feedback_source(caller)
    shown = {**decision, "feedback": [f for f in decision["feedback"] if f["source"] == own]}
    if decision["client"] != caller.name:  # routed to the caller's door, made by someone else
        shown["client"] = shown["origin"] = None
    return shown
