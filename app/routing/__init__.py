"""The routing core: pure Python, no web framework or database imports.

`make compile` (app/devtools/compile.py) can build the hot modules below with mypyc into
`build/mypyc/` (~1.4x faster routing, the same decisions: tests/test_compiled.py). That build is
used only while it is fresh: its digest of these modules' sources and the interpreter must match
the working tree's, so an edited module is never shadowed by a stale build. WEGWIJZER_PURE=1
keeps the pure-Python modules.
"""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

# The project's root: here, since this module is never compiled (a compiled module's __file__ is
# its build's, so the routing modules find the rule tables from this one).
PROJECT_ROOT = Path(__file__).resolve().parents[2]
# The modules mypyc compiles: the per-question hot path (loader, directory and explain stay Python).
COMPILED = ("text", "lexicon", "classify", "facts", "learned", "geo", "tables", "language", "model", "engine")
BUILD_DIR = PROJECT_ROOT / "build" / "mypyc"
DIGEST_FILE = BUILD_DIR / "DIGEST"


def source_digest() -> str:
    """What a compiled build must have been built from: the sources of COMPILED and the interpreter."""
    h = hashlib.sha256(sys.version.encode())
    here = Path(__file__).resolve().parent
    for name in COMPILED:
        h.update(name.encode() + b"\0" + (here / f"{name}.py").read_bytes())
    return h.hexdigest()


def compiled_build_is_fresh() -> bool:
    try:
        return DIGEST_FILE.read_text(encoding="utf-8").strip() == source_digest()
    except OSError:
        return False


USING_COMPILED = os.environ.get("WEGWIJZER_PURE", "").lower() not in ("1", "true", "yes") and compiled_build_is_fresh()
if USING_COMPILED:  # extension modules of a package dir are found before its .py files
    __path__.insert(0, str(BUILD_DIR / "app" / "routing"))
    sys.path.insert(0, str(BUILD_DIR))  # mypyc's shared support module is a top-level module
