"""Answers kept for identical /v1/route requests.

Call-centre scripts, portal example questions and client retries repeat exactly, and the same
input and rule set always give the same answer (routing-policy.md §5, stability). The cache
holds the decision and its rendered JSON (without the request id, which differs per answer);
it belongs to one Router, so a new rule set starts with an empty cache. Bounded, first-in
first-out; size 0 turns it off.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NamedTuple

import orjson

from app.decisions.record import AnswerFields
from app.routing.engine import Router
from app.routing.explain import decision_dict
from app.routing.model import Decision, RouteInput


class Answer(NamedTuple):
    body: bytes  # the JSON object without its request_id member
    log_fields: AnswerFields | None  # the decision log's per-answer fields (None: log off)
    outcome: str  # the decision's outcome and first door, the labels it is counted under
    door: str  # (a door generated per region counts under its family; "none" without a door)


class AnswerCache:
    def __init__(self, router: Router, size: int,
                 describe: Callable[[Router, Decision, RouteInput], AnswerFields] | None = None) -> None:
        self.router = router
        # families whose doors are generated per region (gemeente, provincie, wsp)
        self.generated = frozenset(fid for fid, f in router.data.directory.families.items()
                                   if f.instance_name is not None)
        self.size = size
        self.describe = describe
        self._items: dict[tuple[RouteInput, bool], Answer] = {}

    def answer(self, inp: RouteInput, explain: bool) -> Answer:
        key = (inp, explain)
        hit = self._items.get(key)
        if hit is not None:
            return hit
        decision = self.router.route(inp)
        payload = decision_dict(decision, self.router, None, explain=explain)
        del payload["request_id"]
        fields = self.describe(self.router, decision, inp) if self.describe else None
        # Not the Decision itself: kept for thousands of answers, its objects (about 36 an
        # answer, 11 MB for a full cache) would be a worker's largest use of memory after the
        # rendered bodies.
        first = decision.routes[0] if decision.routes else None
        door = "none" if first is None else (first.family if first.family in self.generated else first.provider_id)
        ans = Answer(orjson.dumps(payload), fields, decision.outcome, door)
        if self.size:
            if len(self._items) >= self.size:
                self._items.pop(next(iter(self._items)), None)
            self._items[key] = ans
        return ans

    def __len__(self) -> int:
        return len(self._items)


def with_request_id(body: bytes, request_id: str) -> bytes:
    """Put the request id first in a rendered answer (ids are [A-Za-z0-9._-], no escaping)."""
    return b'{"request_id":"' + request_id.encode() + b'",' + body[1:]
