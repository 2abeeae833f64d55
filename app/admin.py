"""Who may change rule sets: administrators with a bearer token from WEGWIJZER_ADMIN_TOKENS.
(Client keys with roles for every endpoint come with the hardening issue.)"""

from __future__ import annotations

import hmac

from fastapi import HTTPException, Request


def require_admin(request: Request) -> str:
    """The administrator's name (for the audit log); 401 without a token, 403 with a wrong one."""
    tokens: dict[str, str] = request.app.state.settings.admin_tokens
    header = request.headers.get("authorization", "")
    scheme, _, given = header.partition(" ")
    if scheme.lower() != "bearer" or not given.strip():
        raise HTTPException(401, "this needs an administrator's token: Authorization: Bearer <token>",
                            headers={"WWW-Authenticate": 'Bearer realm="wegwijzer-admin"'})
    given = given.strip()
    for name, token in tokens.items():
        if hmac.compare_digest(given.encode(), token.encode()):
            return name
    raise HTTPException(403, "this token may not administer rule sets")
