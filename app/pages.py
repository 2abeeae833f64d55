"""The Open Referral HSDS 3.0 page envelope, shared by every list endpoint."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel


class PageEnvelope(BaseModel):
    """HSDS 3.0 page envelope; each list's model adds `contents`."""

    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool


def envelope(contents: list[Any], total: int, page: int, per_page: int) -> dict[str, Any]:
    """The envelope of one page (`contents`) of `total` items; an empty list has one page."""
    pages = max(1, -(-total // per_page))
    return {"total_items": total, "total_pages": pages, "page_number": page, "size": len(contents),
            "first_page": page == 1, "last_page": page >= pages, "empty": not contents, "contents": contents}
