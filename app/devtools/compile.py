"""Build the routing core's hot modules with mypyc (`make compile`): ~1.4x faster routing.

The modules named in `app.routing.COMPILED` are compiled in a scratch copy of the package (mypyc
type-checks them against the rest of `app`), and the extension modules are installed into
`build/mypyc/` with a digest of the sources they were built from. `app/routing/__init__.py` uses
the build only while that digest matches the working tree, so editing a module never leaves a
stale build in charge; `make compile` again (or `WEGWIJZER_PURE=1`) after a change.

Needs a C compiler and the Python headers (Debian: gcc; the interpreter's own headers) and mypy
(the dev extra): a machine without them keeps the pure-Python core, with the same decisions
(tests/test_compiled.py compares the two).
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
import sysconfig
import tempfile
from pathlib import Path

from app.routing import BUILD_DIR, COMPILED, DIGEST_FILE, PROJECT_ROOT, source_digest


def missing_tools() -> str | None:
    """Why this machine cannot build the extension modules (no C compiler, no Python headers, no
    mypyc), or None: checked first, so a machine without them falls back at once."""
    if not (shutil.which("cc") or shutil.which("gcc")):
        return "no C compiler (cc / gcc)"
    if not (Path(sysconfig.get_paths()["include"]) / "Python.h").is_file():
        return "no Python headers (Python.h)"
    if importlib.util.find_spec("mypyc") is None:
        return "no mypyc (the dev extra's mypy)"
    return None


def build(dest: Path = BUILD_DIR) -> list[Path]:
    """Compile COMPILED and install the extension modules into `dest`; returns what was installed."""
    with tempfile.TemporaryDirectory(prefix="wegwijzer-mypyc-") as tmp:
        work = Path(tmp)
        # the whole package, for the type information of what the compiled modules import
        shutil.copytree(PROJECT_ROOT / "app", work / "app", ignore=shutil.ignore_patterns("__pycache__", "*.so"))
        sources = [f"app/routing/{name}.py" for name in COMPILED]
        subprocess.run([sys.executable, "-m", "mypyc", *sources], cwd=work, check=True,
                       stdout=subprocess.DEVNULL)
        built = [*work.glob("*.so"), *(work / "app" / "routing").glob("*.so")]
        if not built:
            raise RuntimeError("mypyc built no extension modules")
        shutil.rmtree(dest, ignore_errors=True)
        (dest / "app" / "routing").mkdir(parents=True)
        installed = []
        for so in built:
            target = dest / so.relative_to(work)
            shutil.copy2(so, target)
            installed.append(target)
    (dest / DIGEST_FILE.name).write_text(source_digest() + "\n", encoding="utf-8")
    return installed


def main() -> int:
    why = missing_tools()
    if why is not None:
        print(f"compile: not built ({why}); the pure-Python routing core is used", file=sys.stderr)
        return 1
    try:
        installed = build()
    except (OSError, RuntimeError, subprocess.CalledProcessError) as e:
        print(f"compile: not built ({e}); the pure-Python routing core is used", file=sys.stderr)
        return 1
    print(f"compile: {len(installed)} extension modules in {BUILD_DIR.relative_to(PROJECT_ROOT)}; "
          f"used while {', '.join(COMPILED)} are unchanged")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
