"""The routing core compiled with mypyc (`make compile`, app/devtools/compile.py) decides exactly
as the pure-Python modules do, and a build is used only while it matches the sources."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import app.routing as routing
from tests.conftest import RULES

ROOT = Path(__file__).resolve().parents[1]

# Every question of the scenario sets and the golden cases, routed in a child process.
_DUMP = """
import json, sys
from pathlib import Path
import yaml
import app.routing
from app.routing.engine import Router
from app.routing.model import LocationInput, RouteInput
rules, root = sys.argv[1], Path(sys.argv[2])
qs = []
for p in sorted((root / "tests" / "scenarios").glob("*.jsonl")):
    for line in p.read_text(encoding="utf-8").splitlines():
        if line.strip():
            r = json.loads(line)
            qs.append((r["text"], r.get("location")))
for p in sorted((root / "tests" / "golden").glob("*.yaml")):
    for c in yaml.safe_load(p.read_text(encoding="utf-8")) or []:
        loc = c.get("location")
        qs.append((c["question"], loc if isinstance(loc, dict) else None))
router = Router.from_directory(rules)
out = [repr(router.route(RouteInput(question=q, location=LocationInput(**loc) if loc else None)))
       for q, loc in qs]
print(json.dumps({"compiled": app.routing.USING_COMPILED, "n": len(out), "decisions": out}))
"""


def _dump(pure: bool) -> dict[str, object]:
    # one hash seed for both: a frozenset's repr follows its strings' hashes
    env = {**os.environ, "WEGWIJZER_PURE": "1" if pure else "0", "PYTHONHASHSEED": "0"}
    out = subprocess.run([sys.executable, "-c", _DUMP, str(RULES), str(ROOT)], cwd=ROOT, env=env,
                         capture_output=True, text=True, check=True).stdout
    return json.loads(out)  # type: ignore[no-any-return]


def test_the_compiled_core_decides_exactly_as_the_pure_one() -> None:
    if not routing.compiled_build_is_fresh():
        if os.environ.get("WEGWIJZER_REQUIRE_COMPILED"):
            pytest.fail("no fresh compiled routing core: `make compile` failed or was not run")
        pytest.skip("no fresh compiled routing core (`make compile`)")
    compiled, pure = _dump(pure=False), _dump(pure=True)
    assert compiled["compiled"] is True and pure["compiled"] is False
    assert compiled["n"] == pure["n"] and int(str(pure["n"])) > 500
    assert compiled["decisions"] == pure["decisions"]


def test_a_build_is_used_only_while_it_matches_the_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    digest = tmp_path / "DIGEST"
    monkeypatch.setattr(routing, "DIGEST_FILE", digest)
    assert not routing.compiled_build_is_fresh()  # no build
    digest.write_text(routing.source_digest() + "\n", encoding="utf-8")
    assert routing.compiled_build_is_fresh()
    digest.write_text("0" * 64 + "\n", encoding="utf-8")  # built from other sources: stale
    assert not routing.compiled_build_is_fresh()


def test_the_digest_covers_every_compiled_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    before = routing.source_digest()
    here = Path(routing.__file__).parent
    copy = tmp_path / "routing"
    copy.mkdir()
    for name in routing.COMPILED:
        (copy / f"{name}.py").write_bytes((here / f"{name}.py").read_bytes())
    (copy / "__init__.py").write_bytes(Path(routing.__file__).read_bytes())
    monkeypatch.setattr(routing, "__file__", str(copy / "__init__.py"))
    assert routing.source_digest() == before
    for name in routing.COMPILED:
        path = copy / f"{name}.py"
        text = path.read_bytes()
        path.write_bytes(text + b"\n# edited\n")
        assert routing.source_digest() != before, name
        path.write_bytes(text)


def test_a_machine_without_a_compiler_keeps_the_pure_core(monkeypatch: pytest.MonkeyPatch,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    import shutil

    from app.devtools import compile as build

    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setattr(build, "build", lambda *a: pytest.fail("no build without a compiler"))
    assert build.main() == 1
    assert "no C compiler" in capsys.readouterr().err
