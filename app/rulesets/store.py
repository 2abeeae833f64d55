"""Published rule sets in the database.

A published set is immutable: its files, checksum, metadata (from its own ruleset.yaml) and
the validation result at publication. The active set is the one an administrator activated
(the pin), else the newest error-free set whose `valid_from` has passed. A set with validation
errors can be published (so it can be inspected, compared and simulated) but never becomes
active. Every publication, activation, rollback and unpin is written to the audit log, in the
same transaction as the change itself.
"""

from __future__ import annotations

import gzip
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

import orjson
import yaml
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.db import storable
from app.routing.loader import content_checksum
from app.rulesets.models import RuleSetAuditRow, RuleSetPinRow, RuleSetRow

if TYPE_CHECKING:
    from app.rules.validate import Report

Files = Mapping[str, bytes]
Validator = Callable[[Files], "Report"]
_VERSION_CHARS = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_+")


class PublishError(ValueError):
    """The files cannot be published as they are (the client must fix them)."""


class VersionConflict(ValueError):
    """This version was published before with other content: a new version is needed."""


class NotFound(LookupError):
    pass


class Refused(ValueError):
    """The set exists but may not become active (it has validation errors)."""


@dataclass(frozen=True)
class Meta:
    version: str
    valid_from: date
    author: str
    note: str
    checksum: str


def checksum(files: Files) -> str:
    """The identity of a rule set's content; the same as the loader's."""
    return content_checksum(files)


def pack(files: Files) -> bytes:
    # level 6, not gzip's default 9: a quarter of the time (0.13 vs 0.49 s for the shipped set,
    # on every first start against a new database) for 2 % more bytes
    return gzip.compress(orjson.dumps({rel: files[rel].decode("utf-8") for rel in sorted(files)}),
                         compresslevel=6, mtime=0)


def unpack(blob: bytes) -> dict[str, bytes]:
    return {rel: text.encode("utf-8") for rel, text in orjson.loads(gzip.decompress(blob)).items()}


def meta_of(files: Files) -> Meta:
    """The set's identity from its own ruleset.yaml (refused when that is missing or wrong)."""
    try:
        doc = yaml.safe_load(files["ruleset.yaml"].decode("utf-8")) or {}
    except KeyError:
        raise PublishError("ruleset.yaml is missing") from None
    except (UnicodeDecodeError, yaml.YAMLError) as e:
        raise PublishError(f"ruleset.yaml is not valid YAML: {e}") from None
    if not isinstance(doc, dict):
        raise PublishError("ruleset.yaml must be a mapping (version, valid_from, author, note)")
    for rel, data in files.items():
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise PublishError(f"{rel} is not UTF-8 text") from None
    version = str(doc.get("version") or "")
    if not version or len(version) > 32 or not set(version) <= _VERSION_CHARS:
        raise PublishError("ruleset.yaml needs a version of at most 32 letters, digits and .-_+")
    valid_from = doc.get("valid_from")
    if not isinstance(valid_from, date):
        raise PublishError("ruleset.yaml needs valid_from as a date (YYYY-MM-DD)")
    if isinstance(valid_from, datetime):
        valid_from = valid_from.date()
    author, note = storable(str(doc.get("author") or ""))[:128], storable(str(doc.get("note") or ""))
    return Meta(version, valid_from, author, note, checksum(files))


def _without_nul(value: Any) -> Any:
    """Findings quote file content (YAML can hold "\\0"): every text in them without NUL."""
    if isinstance(value, str):
        return storable(value)
    if isinstance(value, list):
        return [_without_nul(v) for v in value]
    if isinstance(value, dict):
        return {storable(str(k)): _without_nul(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class Published:
    version: str
    created: bool  # False: the same content was published before (idempotent)
    errors: int
    warnings: int
    findings: list[dict[str, Any]]


def _audit(s: Session, actor: str, action: str, from_version: str | None, to_version: str | None,
           note: str | None = None) -> None:
    s.add(RuleSetAuditRow(at=datetime.now(UTC), actor=actor[:64], action=action, from_version=from_version,
                          to_version=to_version, note=storable(note) if note is not None else None))


def publish(engine: Engine, files: Files, actor: str, validator: Validator, _retry: bool = True) -> Published:
    meta = meta_of(files)
    existing = find(engine, meta.version)
    if existing is not None:
        if existing.checksum != meta.checksum:
            raise VersionConflict(f"version {meta.version} was published with other content; "
                                  "give the new set its own version in ruleset.yaml")
        return Published(meta.version, False, existing.errors, existing.warnings, existing.findings)
    report = validator(files)
    findings = [_without_nul(f.as_dict()) for f in report.findings]
    row = RuleSetRow(version=meta.version, checksum=meta.checksum, valid_from=meta.valid_from, author=meta.author,
                     note=meta.note, content=pack(files), errors=len(report.errors),
                     warnings=len(report.warnings), findings=findings, published_at=datetime.now(UTC),
                     published_by=actor[:64])
    try:
        with Session(engine) as s:
            s.add(row)
            _audit(s, actor, "publish", None, meta.version,
                   f"{len(report.errors)} errors, {len(report.warnings)} warnings")
            s.commit()
    except IntegrityError:  # published at the same moment by another worker: now it exists
        if not _retry:
            raise
        return publish(engine, files, actor, validator, _retry=False)
    return Published(meta.version, True, len(report.errors), len(report.warnings), findings)


def find(engine: Engine, version: str) -> RuleSetRow | None:
    with Session(engine) as s:
        return s.scalar(select(RuleSetRow).where(RuleSetRow.version == version))


def files_of(engine: Engine, version: str) -> dict[str, bytes]:
    row = find(engine, version)
    if row is None:
        raise NotFound(f"no published rule set {version!r}")
    return unpack(row.content)


def pinned(engine: Engine) -> str | None:
    with Session(engine) as s:
        pin = s.get(RuleSetPinRow, 1)
        return pin.version if pin is not None else None


def _newest(s: Session, today: date | None) -> str | None:
    """The newest (last published) error-free set whose valid_from has passed: the choice
    without a pin. Publication order, not valid_from order, so that a correction published
    today with an earlier valid_from replaces the set it corrects."""
    return s.scalar(select(RuleSetRow.version)
                    .where(RuleSetRow.errors == 0, RuleSetRow.valid_from <= (today or datetime.now(UTC).date()))
                    .order_by(RuleSetRow.id.desc())
                    .limit(1))


def active_version(engine: Engine, today: date | None = None) -> str | None:
    """The pinned version, else the newest error-free set whose valid_from has passed."""
    with Session(engine) as s:
        pin = s.get(RuleSetPinRow, 1)
        if pin is not None and pin.version is not None:
            return pin.version
        return _newest(s, today)


def activate(engine: Engine, version: str, actor: str, note: str | None = None) -> tuple[str | None, str, str]:
    """Pin `version` as the active set. Returns (previous active version, new one, action):
    the action is "rollback" when the set was published before the one it replaces."""
    target = find(engine, version)
    if target is None:
        raise NotFound(f"no published rule set {version!r}")
    if target.errors:
        raise Refused(f"rule set {version} has {target.errors} validation errors and can never become active")
    previous = active_version(engine)
    before = find(engine, previous) if previous else None
    action = "rollback" if before is not None and target.id < before.id else "activate"
    now = datetime.now(UTC)
    with Session(engine) as s:
        pin = s.get(RuleSetPinRow, 1)
        if pin is None:
            s.add(RuleSetPinRow(id=1, version=version, pinned_at=now, pinned_by=actor[:64]))
        else:
            pin.version, pin.pinned_at, pin.pinned_by = version, now, actor[:64]
        _audit(s, actor, action, previous, version, note)
        s.commit()
    return previous, version, action


def unpin(engine: Engine, actor: str, note: str | None = None) -> tuple[str | None, str | None]:
    """Back to the automatic choice (newest valid set). Returns (previous, new active)."""
    previous = active_version(engine)
    with Session(engine) as s:
        pin = s.get(RuleSetPinRow, 1)
        if pin is not None:
            pin.version, pin.pinned_at, pin.pinned_by = None, datetime.now(UTC), actor[:64]
        now_active = _newest(s, None)
        _audit(s, actor, "unpin", previous, now_active, note)
        s.commit()
    return previous, now_active


def listing(engine: Engine) -> list[RuleSetRow]:
    with Session(engine) as s:
        return list(s.scalars(select(RuleSetRow).order_by(RuleSetRow.id)))


def audit_log(engine: Engine, limit: int = 200) -> list[RuleSetAuditRow]:
    with Session(engine) as s:
        return list(s.scalars(select(RuleSetAuditRow).order_by(RuleSetAuditRow.id.desc()).limit(limit)))
