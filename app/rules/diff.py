"""What changed between two rule sets: decision rows and lexicon entries added, removed and
changed (by stable id), and which other files differ. Works on the files as published, so it
also compares sets that do not load."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

Files = Mapping[str, bytes]
_LANG_KEYS = ("nl", "en", "any")


def _yaml(files: Files, rel: str) -> Any:
    try:
        return yaml.safe_load(files[rel].decode("utf-8"))
    except (KeyError, UnicodeDecodeError, yaml.YAMLError):
        return None


def _entries(files: Files, folder: str, key: str) -> dict[str, tuple[str, dict[str, Any]]]:
    """The entries with an id under `key` ("rows" of decisions/, "concepts" of lexicon/) of
    every YAML file in `folder`, by id: (file, entry)."""
    out: dict[str, tuple[str, dict[str, Any]]] = {}
    for rel in sorted(files):
        if rel.startswith(folder + "/") and rel.endswith(".yaml"):
            doc = _yaml(files, rel)
            entries = doc.get(key) if isinstance(doc, dict) else None
            for entry in entries if isinstance(entries, list) else []:
                if isinstance(entry, dict) and "id" in entry:
                    out[str(entry["id"])] = (rel, entry)
    return out


def _rows(files: Files) -> dict[str, tuple[str, dict[str, Any]]]:
    return _entries(files, "decisions", "rows")


def _concepts(files: Files) -> dict[str, tuple[str, dict[str, Any]]]:
    return _entries(files, "lexicon", "concepts")


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)  # dates


def _changed_fields(a: dict[str, Any], b: dict[str, Any], skip: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: {"from": _jsonable(a.get(k)), "to": _jsonable(b.get(k))}
            for k in sorted(set(a) | set(b)) if k not in skip and a.get(k) != b.get(k)}


def _cues(concept: dict[str, Any]) -> set[tuple[str, str]]:
    out: set[tuple[str, str]] = set()
    for lang in _LANG_KEYS:
        for cue in concept.get(lang) or []:
            out.add((lang, str(cue)))
    return out


def diff(a: Files, b: Files) -> dict[str, Any]:
    """Changes from set `a` to set `b`."""
    rows_a, rows_b = _rows(a), _rows(b)
    rows = {
        "added": [{"id": k, "file": rows_b[k][0], "row": _jsonable(rows_b[k][1])} for k in rows_b if k not in rows_a],
        "removed": [{"id": k, "file": rows_a[k][0], "row": _jsonable(rows_a[k][1])} for k in rows_a if k not in rows_b],
        "changed": [{"id": k, "file": rows_b[k][0], "fields": _changed_fields(rows_a[k][1], rows_b[k][1])}
                    for k in rows_a if k in rows_b and rows_a[k][1] != rows_b[k][1]],
    }
    con_a, con_b = _concepts(a), _concepts(b)
    added: list[dict[str, Any]] = []
    removed: list[dict[str, Any]] = []
    changed: list[dict[str, Any]] = []
    for cid in sorted(set(con_a) | set(con_b)):
        ca, cb = con_a.get(cid, ("", {}))[1], con_b.get(cid, ("", {}))[1]
        file = (con_b.get(cid) or con_a[cid])[0]
        for lang, cue in sorted(_cues(cb) - _cues(ca)):
            added.append({"concept": cid, "file": file, "lang": lang, "cue": cue})
        for lang, cue in sorted(_cues(ca) - _cues(cb)):
            removed.append({"concept": cid, "file": file, "lang": lang, "cue": cue})
        fields = _changed_fields(ca, cb, skip=_LANG_KEYS) if ca and cb else {}
        if fields:
            changed.append({"concept": cid, "file": file, "fields": fields})
    compared = {rel for rel in set(a) | set(b) if rel.startswith(("decisions/", "lexicon/"))}
    other = sorted((set(a) | set(b)) - compared)
    return {
        "rows": rows,
        "lexicon": {"added": added, "removed": removed, "changed": changed},
        "files": {
            "added": sorted(set(b) - set(a)),
            "removed": sorted(set(a) - set(b)),
            "changed": sorted(rel for rel in other if rel in a and rel in b and a[rel] != b[rel]),
        },
    }
