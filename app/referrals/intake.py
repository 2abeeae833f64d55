"""Which providers take referrals by webhook (routing_rules/intake.yaml), and their secrets."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import yaml

_ENV_NAME = re.compile(r"^[A-Z][A-Z0-9_]{2,127}$")
_URL = re.compile(r"^https://[^\s/]+(/\S*)?$|^http://(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(/\S*)?$")


@dataclass(frozen=True)
class Webhook:
    provider_id: str
    url: str
    secret_env: str

    def secret(self) -> str | None:
        value = os.environ.get(self.secret_env)
        return value if value and len(value) >= 16 else None


def problems(text: bytes | None, known: Callable[[str], bool]) -> list[str]:
    """What is wrong with an intake.yaml (empty list: fine). Plain http is only accepted for
    loopback addresses (tests and local demos)."""
    if text is None:
        return []
    try:
        doc = yaml.safe_load(text) or {}
    except yaml.YAMLError as e:
        return [f"not valid YAML: {e}"]
    if not isinstance(doc, dict) or not isinstance(doc.get("webhooks", []), list):
        return ["intake.yaml needs `webhooks:` as a list"]
    out: list[str] = []
    seen: set[str] = set()
    for i, w in enumerate(doc.get("webhooks") or []):
        where = f"webhooks[{i}]"
        if not isinstance(w, dict):
            out.append(f"{where}: must be a mapping")
            continue
        pid = str(w.get("provider", ""))
        where = f"webhooks[{i}] ({pid})"
        if not known(pid):
            out.append(f"{where}: unknown provider {pid!r}")
        if pid in seen:
            out.append(f"{where}: provider listed twice")
        seen.add(pid)
        if not _URL.match(str(w.get("url", ""))):
            out.append(f"{where}: url must be https://... (http only for loopback)")
        if not _ENV_NAME.match(str(w.get("secret_env", ""))):
            out.append(f"{where}: secret_env must name an environment variable (A-Z, 0-9, _)")
    return out


def load(text: bytes | None, known: Callable[[str], bool]) -> Mapping[str, Webhook]:
    """The webhooks by provider id; raises ValueError listing every problem."""
    found = problems(text, known)
    if found:
        raise ValueError("intake.yaml: " + "; ".join(found))
    doc: dict[str, Any] = (yaml.safe_load(text) or {}) if text else {}
    return {str(w["provider"]): Webhook(str(w["provider"]), str(w["url"]), str(w["secret_env"]))
            for w in doc.get("webhooks") or []}
