"""Request and response models of the decision log, feedback and statistics endpoints."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

GroupBy = Literal["theme", "service", "provider", "province", "labour_market_region", "channel", "outcome",
                  "language", "day", "week", "month"]


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)
    correct: bool = Field(description="Was routes[0] the right door?")
    actual_provider_id: str | None = Field(None, max_length=64,
                                           description="The door it should have been (a provider id)")
    channel: str = Field(min_length=1, max_length=64, description="Who gives the feedback, e.g. call_centre")
    note: str | None = Field(None, max_length=2000, description="Free text; personal data is removed")


class FeedbackOut(BaseModel):
    request_id: str
    source: str
    correct: bool
    actual_provider_id: str | None
    channel: str
    note: str | None
    created_at: str
    updated_at: str


class DecisionOut(BaseModel):
    request_id: str
    created_at: str
    client: str | None
    channel: str | None
    origin: str | None
    language: str
    outcome: str
    question: str | None = Field(description="Scrubbed question; null after the retention period")
    question_purged_at: str | None = Field(description="When the retention period removed the question")
    needs: list[dict[str, Any]]
    routes: list[dict[str, Any]]
    trace: list[dict[str, Any]]
    location: dict[str, Any]
    ruleset: dict[str, str]
    latency_ms: float
    feedback: list[FeedbackOut]


class GroupOut(BaseModel):
    key: str | None
    decisions: int
    entrepreneurs: int
    clarify_share: float
    out_of_scope_share: float


class AccuracyOut(BaseModel):
    key: str | None
    n: int
    correct_share: float


class StatsOut(BaseModel):
    from_: str | None = Field(alias="from")
    to: str | None
    group_by: GroupBy | None
    decisions: int
    entrepreneurs: int
    entrepreneurs_basis: str
    target: int
    progress: float
    clarify_share: float
    out_of_scope_share: float
    groups: list[GroupOut]
    accuracy_by_provider: list[AccuracyOut]
    accuracy_by_theme: list[AccuracyOut]
