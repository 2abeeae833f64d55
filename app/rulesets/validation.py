"""The validator as the service uses it: reports remembered by content checksum, because the
same set is validated by every worker that starts (and by every test that builds an app)."""

from __future__ import annotations

from app.routing.loader import RuleSetData
from app.rules.validate import Report, validate
from app.rulesets.store import Files, checksum

_reports: dict[str, Report] = {}


def validate_cached(files: Files, loaded: RuleSetData | None = None) -> Report:
    """The report of `files`; `loaded`: those files as the loader already read them."""
    key = checksum(files)
    report = _reports.get(key)
    if report is None:
        report = validate(files, loaded=loaded)
        if len(_reports) > 32:
            _reports.clear()
        _reports[key] = report
    return report
