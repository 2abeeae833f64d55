"""The honest replay (app/devtools/replay.py): a set is routed again by the tree of its own first-look
commit, and without a change it scores exactly what the log says it scored then."""

import subprocess
from pathlib import Path
from typing import Any

import pytest

from app.config import PROJECT_ROOT
from app.devtools.evaluate import first_looks
from app.devtools.quality import Score
from app.devtools.replay import LOG, first_look_commit, logged_sets, replay


def _history() -> bool:
    try:
        shallow = subprocess.run(["git", "rev-parse", "--is-shallow-repository"], cwd=PROJECT_ROOT,
                                 capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return False
    return shallow == "false"


pytestmark = pytest.mark.skipif(not _history(), reason="needs the repository's full git history")


def _log_at(rev: str) -> str:
    return subprocess.run(["git", "show", f"{rev}:{LOG}"], cwd=PROJECT_ROOT, capture_output=True, text=True,
                          check=False).stdout


def test_the_first_look_commit_is_the_one_that_logged_the_set() -> None:
    names = logged_sets()
    assert names[:2] == ["a", "b"] and "cz" in names and len(names) == len(set(names))
    commit = first_look_commit("cz")
    assert commit is not None
    assert "| fresh-cz | combined |" in _log_at(commit) and "| fresh-cz | combined |" not in _log_at(f"{commit}~1")
    assert first_look_commit("no-such-set") is None


def _dc(patch: Path | None = None, overrides: dict[str, Any] | None = None) -> tuple[Score, Score, list[str]]:
    result, = replay(["dc"], patch, overrides or {}).values()
    assert result is not None
    return result


def test_a_replay_without_a_change_reproduces_the_logged_first_look() -> None:
    old, new, changed = _dc()
    assert changed == [] and old.top1 == new.top1 and old.oos_tp == new.oos_tp
    logged = next(r for r in first_looks((PROJECT_ROOT / LOG).read_text(encoding="utf-8"))
                  if r["fold"] == "fresh-dc" and r["mode"] == "combined")
    assert round(old.top1 / old.n_in, 3) == float(logged["top1"])
    assert old.oos_tp / (old.oos_tp + old.oos_fn) == pytest.approx(float(logged["oos_r"]), abs=1e-3)


def test_an_override_changes_the_answers_of_the_old_tree() -> None:
    # in-scope questions only stay answered when the model may not send anything out of scope:
    # with scope_none_p at 1e-6 the model calls nearly every readable question private
    old, new, changed = _dc(overrides={"scope_none_p": 1e-6, "scope_sure_p": 1e-6})
    assert new.oos_fp > old.oos_fp and any(line.startswith("lost ") for line in changed)


def test_pooled_scores_sum_every_counter() -> None:
    old, _, _ = _dc()
    both = Score.pooled([old, old])
    assert (both.n, both.n_in, both.top1, both.oos_tp, both.reg_ok) == (
        2 * old.n, 2 * old.n_in, 2 * old.top1, 2 * old.oos_tp, 2 * old.reg_ok)
    assert both.metrics()["top1"] == old.metrics()["top1"] and len(both.misses) == 2 * len(old.misses)


def test_a_change_that_conflicts_with_a_first_look_tree_is_reported_not_replayed(tmp_path: Path) -> None:
    # a line the change edits that the set's first-look commit does not have
    patch = tmp_path / "conflict.diff"
    patch.write_text("--- a/routing_rules/ruleset.yaml\n+++ b/routing_rules/ruleset.yaml\n"
                     "@@ -1,1 +1,1 @@\n-no such line in this file\n+a replacement\n", encoding="utf-8")
    assert replay(["dc"], patch, {}) == {"dc": None}
