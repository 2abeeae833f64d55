"""Reading the decision log: one decision with its trace, feedback upserts, statistics."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Engine, case, exists, func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.clients.auth import Caller
from app.db import storable
from app.decisions.access import feedback_source, may_act_on, view
from app.decisions.models import AnswerRow, DecisionRow, FeedbackRow
from app.decisions.scrub import Scrubber

GROUP_COLUMNS = {
    "theme": AnswerRow.theme,
    "service": AnswerRow.service,
    "provider": AnswerRow.provider_id,
    "province": AnswerRow.province_code,
    "labour_market_region": AnswerRow.labour_market_region_code,
    "channel": DecisionRow.channel,
    "outcome": AnswerRow.outcome,
    "language": AnswerRow.language,
    "day": DecisionRow.day,
    "week": DecisionRow.week,
    "month": DecisionRow.month,
}


def _iso(dt: datetime | None) -> str | None:
    if dt is None:
        return None
    if dt.tzinfo is None:  # SQLite returns naive datetimes: they are stored in UTC
        dt = dt.replace(tzinfo=UTC)
    return dt.isoformat()


def _feedback_dict(f: FeedbackRow, request_id: str) -> dict[str, Any]:
    return {"request_id": request_id, "source": f.source, "correct": f.correct,
            "actual_provider_id": f.actual_provider_id, "channel": f.channel, "note": f.note,
            "created_at": _iso(f.created_at), "updated_at": _iso(f.updated_at)}


def get_decision(engine: Engine, request_id: str, caller: Caller) -> dict[str, Any] | None:
    """A decision with its trace and feedback, as far as `caller` may see it; None when there
    is no such decision for this caller."""
    with Session(engine) as s:
        d = s.scalar(select(DecisionRow).where(DecisionRow.request_id == request_id))
        if d is None:
            return None
        a = s.get_one(AnswerRow, d.answer_id)
        if not may_act_on(caller, d.client, a.routes):
            return None
        feedback = s.scalars(select(FeedbackRow).where(FeedbackRow.decision_id == d.id)
                             .order_by(FeedbackRow.id)).all()
        found: dict[str, Any] = {
            "request_id": d.request_id,
            "created_at": _iso(d.created_at),
            "client": d.client,
            "channel": d.channel,
            "origin": d.origin,
            "language": a.language,
            "outcome": a.outcome,
            "question": a.question if d.purged_at is None else None,
            "question_purged_at": _iso(d.purged_at),
            "needs": a.needs,
            "routes": a.routes,
            "trace": a.trace,
            "location": {"postcode4": a.postcode4, "municipality_code": a.municipality_code,
                         "province_code": a.province_code,
                         "labour_market_region_code": a.labour_market_region_code,
                         "source": a.location_source},
            "ruleset": {"version": a.ruleset_version, "checksum": a.ruleset_checksum},
            "latency_ms": d.latency_ms,
            "feedback": [_feedback_dict(f, d.request_id) for f in feedback],
        }
    return view(caller, found)


def decision_for(s: Session, request_id: str, caller: Caller) -> int | None:
    """The row id of a decision `caller` may act on (app.decisions.access), else None: a
    decision the caller may not see is treated as one that does not exist."""
    if "\x00" in request_id:  # no id holds one, and PostgreSQL cannot even compare with one
        return None
    found = s.execute(select(DecisionRow.id, DecisionRow.client, AnswerRow.routes)
                      .join(AnswerRow, DecisionRow.answer_id == AnswerRow.id)
                      .where(DecisionRow.request_id == request_id)).first()
    if found is None or not may_act_on(caller, found.client, found.routes):
        return None
    return int(found.id)


def upsert_feedback(engine: Engine, request_id: str, caller: Caller, correct: bool,
                    actual_provider_id: str | None, channel: str, note: str | None,
                    scrubber: Scrubber) -> tuple[dict[str, Any], bool] | None:
    """Store one client's feedback on a decision it may act on; a repeat replaces it.
    (result, created) or None when there is no such decision for this caller."""
    source, channel = storable(feedback_source(caller)), storable(channel)
    clean_note = scrubber.scrub(storable(note)) if note else None
    for _attempt in range(2):  # a concurrent first insert by the same source: retry as update
        now = datetime.now(UTC)
        with Session(engine) as s:
            decision_id = decision_for(s, request_id, caller)
            if decision_id is None:
                return None
            row = s.scalar(select(FeedbackRow).where(FeedbackRow.decision_id == decision_id,
                                                     FeedbackRow.source == source))
            created = row is None
            if row is None:
                row = FeedbackRow(decision_id=decision_id, source=source, created_at=now)
                s.add(row)
            row.correct = correct
            row.actual_provider_id = actual_provider_id
            row.channel = channel
            row.note = clean_note
            row.updated_at = now
            try:
                s.commit()
            except IntegrityError:
                s.rollback()
                continue
            return _feedback_dict(row, request_id), created
    raise RuntimeError("feedback upsert kept conflicting")


def _share(part: int | None, whole: int) -> float:
    return round((part or 0) / whole, 4) if whole else 0.0


def stats(engine: Engine, start: datetime | None, end: datetime | None, group_by: str | None,
          target: int) -> dict[str, Any]:
    """Counts, reach and accuracy of the decisions in [start, end)."""
    where = []
    if start is not None:
        where.append(DecisionRow.created_at >= start)
    if end is not None:
        where.append(DecisionRow.created_at < end)
    clarify = func.sum(case((AnswerRow.outcome == "clarify", 1), else_=0))
    oos = func.sum(case((AnswerRow.outcome == "out_of_scope", 1), else_=0))
    distinct_firms = func.count(func.distinct(DecisionRow.kvk_hash))
    anonymous = func.sum(case((DecisionRow.kvk_hash.is_(None), 1), else_=0))
    with Session(engine) as s:
        n, n_clarify, n_oos, n_firms, n_anon = s.execute(
            select(func.count(DecisionRow.id), clarify, oos, distinct_firms, anonymous)
            .select_from(DecisionRow).join(AnswerRow, DecisionRow.answer_id == AnswerRow.id).where(*where)).one()
        groups = []
        if group_by is not None:
            col = GROUP_COLUMNS[group_by]
            grouped = (select(col, func.count(DecisionRow.id), clarify, oos, distinct_firms, anonymous)
                       .select_from(DecisionRow).join(AnswerRow, DecisionRow.answer_id == AnswerRow.id)
                       .where(*where).group_by(col).order_by(func.count(DecisionRow.id).desc(), col))
            for key, gn, gc, go, gf, ga in s.execute(grouped):
                groups.append({"key": key, "decisions": gn, "entrepreneurs": (gf or 0) + (ga or 0),
                               "clarify_share": _share(gc, gn), "out_of_scope_share": _share(go, gn)})
        accuracy = {}
        for name, col in (("provider", AnswerRow.provider_id), ("theme", AnswerRow.theme)):
            q = (select(col, func.count(FeedbackRow.id),
                        func.sum(case((FeedbackRow.correct.is_(True), 1), else_=0)))
                 .select_from(FeedbackRow)
                 .join(DecisionRow, FeedbackRow.decision_id == DecisionRow.id)
                 .join(AnswerRow, DecisionRow.answer_id == AnswerRow.id)
                 .where(*where).group_by(col).order_by(func.count(FeedbackRow.id).desc(), col))
            accuracy[name] = [{"key": key, "n": fn, "correct_share": _share(fc, fn)}
                              for key, fn, fc in s.execute(q)]
    n_anon = n_anon or 0
    reached = (n_firms or 0) + n_anon
    return {
        "from": _iso(start),
        "to": _iso(end),
        "group_by": group_by,
        "decisions": n,
        "entrepreneurs": reached,
        "entrepreneurs_basis": (
            f"distinct hashed KVK numbers for the {n - n_anon} decisions that gave one, plus one per "
            f"decision without a KVK number ({n_anon})"),
        "target": target,
        "progress": round(reached / target, 6),
        "clarify_share": _share(n_clarify, n),
        "out_of_scope_share": _share(n_oos, n),
        "groups": groups,
        "accuracy_by_provider": accuracy["provider"],
        "accuracy_by_theme": accuracy["theme"],
    }


def purge(engine: Engine, days: int, now: datetime | None = None) -> tuple[int, int]:
    """Retention: question texts and feedback notes older than `days` are removed; the
    structured fields stay. Returns (decisions whose question was purged, notes purged).

    A decision past retention is marked purged (its question is no longer shown); an answer's
    text is deleted once no unpurged decision refers to it. Its digest goes too, so the same
    question asked again later is stored afresh, with its text."""
    now = now or datetime.now(UTC)
    cutoff = now - timedelta(days=days)
    with Session(engine) as s:
        q = s.execute(update(DecisionRow)
                      .where(DecisionRow.created_at < cutoff, DecisionRow.purged_at.is_(None))
                      .values(purged_at=now))
        in_use = exists().where(DecisionRow.answer_id == AnswerRow.id, DecisionRow.purged_at.is_(None))
        s.execute(update(AnswerRow)
                  .where(AnswerRow.digest.is_not(None), ~in_use)
                  .values(question=None, digest=None))
        f = s.execute(update(FeedbackRow)
                      .where(FeedbackRow.created_at < cutoff, FeedbackRow.note.is_not(None))
                      .values(note=None))
        s.commit()
        return q.rowcount, f.rowcount  # type: ignore[attr-defined]


def logged_inputs(engine: Engine, start: datetime | None, end: datetime | None
                  ) -> tuple[list[tuple[str, str, str | None, str | None, str | None, str | None, int]], int]:
    """What was asked in [start, end), for replay: one row per distinct answer with the number
    of decisions that got it: (question, language, postcode4, municipality_code, province_code,
    location_source, count). Also returns how many decisions cannot be replayed because their
    question was purged."""
    where = []
    if start is not None:
        where.append(DecisionRow.created_at >= start)
    if end is not None:
        where.append(DecisionRow.created_at < end)
    visible = DecisionRow.purged_at.is_(None) & AnswerRow.question.is_not(None)
    with Session(engine) as s:
        rows = s.execute(
            select(AnswerRow.question, AnswerRow.language, AnswerRow.postcode4, AnswerRow.municipality_code,
                   AnswerRow.province_code, AnswerRow.location_source, func.count(DecisionRow.id))
            .select_from(DecisionRow).join(AnswerRow, DecisionRow.answer_id == AnswerRow.id)
            .where(visible, *where).group_by(AnswerRow.id).order_by(AnswerRow.id)).all()
        purged = s.scalar(select(func.count(DecisionRow.id)).select_from(DecisionRow)
                          .join(AnswerRow, DecisionRow.answer_id == AnswerRow.id).where(~visible, *where)) or 0
    return [(q or "", lang, pc4, gm, pv, src, n) for q, lang, pc4, gm, pv, src, n in rows], purged
