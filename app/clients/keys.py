"""Client kinds, scopes and keys.

A key is "wwz_" + 43 random URL-safe characters (256 bits). Keys are that random, so a plain
SHA-256 is the right way to store them (as for GitHub tokens): a slow password hash would add
latency to every request and no protection.
"""

from __future__ import annotations

import hashlib
import secrets

KEY_PREFIX = "wwz_"
SCOPES = ("route", "feedback", "decisions", "stats", "rulesets", "referrals", "admin")
KINDS = ("provider_site", "call_centre", "portal", "admin")
# What each kind of client may do unless created with explicit scopes. `admin` holds every scope.
DEFAULT_SCOPES: dict[str, tuple[str, ...]] = {
    "provider_site": ("route", "feedback", "referrals"),
    "call_centre": ("route", "feedback", "decisions", "referrals"),
    "portal": ("route",),
    "admin": SCOPES,
}


# What each kind may hold at most: `admin` only an admin client, and a portal only `route` (its
# key sits in a public web page, so anyone can read it).
MAX_SCOPES: dict[str, tuple[str, ...]] = {
    "provider_site": tuple(s for s in SCOPES if s != "admin"),
    "call_centre": tuple(s for s in SCOPES if s != "admin"),
    "portal": ("route",),
    "admin": SCOPES,
}


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def digest(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def shown_prefix(key: str) -> str:
    """The part of a key that may be shown in lists and logs to recognise it."""
    return key[: len(KEY_PREFIX) + 4]

