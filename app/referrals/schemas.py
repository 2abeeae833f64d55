"""Request and response shapes of /v1/referrals."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from app.pages import PageEnvelope


class ContactIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    name: str | None = Field(None, max_length=200)
    email: str | None = Field(None, max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
    phone: str | None = Field(None, max_length=32, pattern=r"^\+?[0-9][0-9 ()\-]{5,30}$")


class ReferralIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    decision_id: str = Field(min_length=1, max_length=64, description="The request_id of the decision")
    provider_id: str = Field(min_length=1, max_length=64, description="The door the entrepreneur is handed to")
    contact: ContactIn = Field(description="How the provider reaches the entrepreneur (e-mail or phone)")
    consent: bool = Field(description="The entrepreneur agreed to the hand-over (must be true)")
    note: str | None = Field(None, max_length=2000, description="The question in the entrepreneur's words")


class StatusIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    status: Literal["delivered", "accepted", "declined", "forwarded", "closed"]
    reason: str | None = Field(None, max_length=1000)
    forward_to: str | None = Field(None, min_length=1, max_length=64,
                                   description="With status forwarded: the next provider")


class DeliveryOut(BaseModel):
    mode: Literal["webhook", "pull"]
    status: Literal["pending", "delivered", "dead"] | None
    attempts: int
    last_error: str | None


class EventOut(BaseModel):
    from_: str | None = Field(alias="from")
    to: str
    actor: str
    at: str
    reason: str | None


class ReferralOut(BaseModel):
    id: str
    decision_id: str
    provider_id: str
    status: Literal["created", "delivered", "accepted", "declined", "forwarded", "closed"]
    contact: dict[str, Any] | None
    note: str | None
    consent_at: str
    created_by: str
    created_at: str
    updated_at: str
    closed_at: str | None
    purged_at: str | None
    parent_id: str | None
    forwarded_to: str | None
    delivery: DeliveryOut
    events: list[EventOut] | None = None


class ReferralPage(PageEnvelope):
    """Open Referral HSDS 3.0 page envelope."""

    contents: list[ReferralOut]
