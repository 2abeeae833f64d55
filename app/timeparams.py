"""Time parameters of the query API (`from`/`to`), read one way everywhere."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from fastapi import HTTPException


def moment(value: str | None, name: str, end: bool) -> datetime | None:
    """A date (a whole day: `to` includes it) or an ISO date-time; naive means UTC."""
    if value is None:
        return None
    try:
        if len(value) == 10:
            d = date.fromisoformat(value)
            return datetime.combine(d + timedelta(days=1) if end else d, time.min, UTC)
        dt = datetime.fromisoformat(value)
    except ValueError:
        raise HTTPException(422, f"{name}: use a date (2026-11-27) or an ISO date-time") from None
    except OverflowError:  # the day after 9999-12-31
        raise HTTPException(422, f"{name}: the date is out of range") from None
    return dt if dt.tzinfo else dt.replace(tzinfo=UTC)
