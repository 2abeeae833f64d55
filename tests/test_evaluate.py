"""The honest-measurement tools: folds by original question, the judge's scoring rules in
process, and the first-look log that refuses a fold whose misses were read."""

import json
from datetime import date
from pathlib import Path

import pytest

from app.devtools import evaluate
from app.devtools.quality import Outcome, Score, fold_of, split

LOG_TEXT = """# log

## First looks

| date | rule set | fold | mode | n | top1 | top3 | region | oos P | oos R | note |
|---|---|---|---|---|---|---|---|---|---|---|
| 2026-12-01 | 2026.12.1 | 0 | lexicon | 10 | 0.900 | 1.000 | – | – | – | round 1 |

## Folds read

| date | fold | rule set |
|---|---|---|
| 2026-12-02 | 0 | 2026.12.1 |
"""


def test_variants_share_their_originals_fold() -> None:
    rows = [{"id": f"q{i:03d}"} for i in range(200)]
    rows += [{"id": f"q{i:03d}-loc{j}"} for i in range(200) for j in (1, 2)]
    for r in rows:
        assert fold_of(r) == fold_of({"id": r["id"].split("-")[0]})
    sizes = [len(split(rows, f)[1]) for f in range(5)]
    assert sum(sizes) == len(rows) and min(sizes) > 0
    outside, inside = split(rows, 0)
    assert not {r["id"] for r in outside} & {r["id"] for r in inside}


def test_score_follows_the_judges_rules() -> None:
    s = Score()
    row = {"id": "q1", "text": "x", "primary": "rom", "acceptable": ["rvo"], "expect_id": "rom:bom",
           "regional": True, "out_of_scope": False, "lang": "nl"}
    assert s.add(row, Outcome(False, ("rom", "kvk"), "rom:bom", False, "nl"))
    # the family right but the region wrong
    assert not s.add({**row, "id": "q1-loc1"}, Outcome(False, ("rom",), "rom:liof", False, "nl"))
    assert s.add({**row, "id": "q2", "expect_id": None}, Outcome(False, ("rvo",), "rvo", False, "nl"))  # acceptable
    assert not s.add({"id": "o1", "text": "y", "out_of_scope": True, "primary": None}, Outcome(False, ("kvk",), "kvk",
                                                                                               False, None))
    m = s.metrics()
    assert m["top1"] == 1.0 and m["region_exact"] == 0.5 and m["oos_recall"] == 0.0 and m["top1_originals"] == 1.0


def test_the_log_is_read_back(tmp_path: Path) -> None:
    looks = evaluate.first_looks(LOG_TEXT)
    assert looks == [{"date": "2026-12-01", "ruleset": "2026.12.1", "fold": "0", "mode": "lexicon", "n": "10",
                      "top1": "0.900", "top3": "1.000", "region": "–", "oos_p": "–", "oos_r": "–",
                      "note": "round 1"}]
    assert evaluate.read_folds(LOG_TEXT) == {"0": "2026-12-02"}


def test_a_read_fold_gets_no_first_look(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "eval-log.md"
    log.write_text(LOG_TEXT, encoding="utf-8")
    monkeypatch.setattr(evaluate, "LOG", log)
    assert evaluate.main(["first-look", "--fold", "0"]) == 1
    assert "measures memory" in capsys.readouterr().err
    assert log.read_text(encoding="utf-8") == LOG_TEXT  # nothing recorded


def test_appending_keeps_both_tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    log = tmp_path / "eval-log.md"
    log.write_text(LOG_TEXT, encoding="utf-8")
    monkeypatch.setattr(evaluate, "LOG", log)
    evaluate._append("## First looks", "| 2026-12-03 | 2026.12.2 | 1 | lexicon | 9 | 0.889 | 1.000 | – | – | – | r2 |")
    evaluate._append("## Folds read", "| 2026-12-03 | 1 | 2026.12.2 |")
    text = log.read_text(encoding="utf-8")
    assert [look["fold"] for look in evaluate.first_looks(text)] == ["0", "1"]
    assert evaluate.read_folds(text) == {"0": "2026-12-02", "1": "2026-12-03"}


def test_a_further_set_is_logged_under_its_name_and_refused_once_read(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    log = tmp_path / "eval-log.md"
    log.write_text(LOG_TEXT, encoding="utf-8")
    monkeypatch.setattr(evaluate, "LOG", log)
    fresh = tmp_path / "fresh" / "x.jsonl"
    fresh.parent.mkdir()
    fresh.write_text(json.dumps({"id": "x1", "text": "Hoe vraag ik de WBSO aan?", "lang": "nl", "primary": "rvo",
                                 "acceptable": [], "regional": False, "out_of_scope": False}) + "\n",
                     encoding="utf-8")
    assert evaluate.main(["first-look", "--set", str(fresh), "--note", "first"]) == 0
    looks = [look for look in evaluate.first_looks(log.read_text(encoding="utf-8")) if look["fold"] == "fresh-x"]
    assert {look["mode"] for look in looks} == {"lexicon", "model", "combined"}
    assert all(look["top1"] == "1.000" for look in looks)
    assert evaluate.main(["misses", "--set", str(fresh)]) == 0
    assert evaluate.read_folds(log.read_text(encoding="utf-8"))["fresh-x"] == date.today().isoformat()
    capsys.readouterr()
    assert evaluate.main(["first-look", "--set", str(fresh)]) == 1
    assert "measures memory" in capsys.readouterr().err


def test_a_fresh_set_is_learned_from_only_after_its_first_look(tmp_path: Path) -> None:
    """The model trains on further labelled sets whose misses were read, never on one still
    waiting for its first look (that score would measure memory)."""
    from app.devtools.train_model import load_training_rows, read_fresh_sets

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    row = {"id": "fa001", "text": "Waar schrijf ik mijn eenmanszaak in?", "lang": "nl", "primary": "kvk",
           "acceptable": [], "out_of_scope": False, "theme": "starting", "service": "registration"}
    for name in ("a", "b"):
        (fresh / f"{name}.jsonl").write_text(json.dumps({**row, "id": f"f{name}001"}) + "\n", encoding="utf-8")
    log = tmp_path / "eval-log.md"
    log.write_text(LOG_TEXT + "| 2026-12-03 | fresh-a | 2026.12.2 |\n", encoding="utf-8")
    assert read_fresh_sets(fresh, log) == [fresh / "a.jsonl"]
    rows = load_training_rows(fresh=read_fresh_sets(fresh, log))
    learned = [r for r in rows if r["source"] == "fresh"]
    assert [(r["id"], r["family"], r["file"]) for r in learned] == [("fa001", "kvk", "a.jsonl")]


def test_the_shipped_model_has_not_seen_a_set_awaiting_its_first_look() -> None:
    from app.routing.learned import DEFAULT_PATH, NeedModel

    read = evaluate.read_folds(evaluate.LOG.read_text(encoding="utf-8"))
    names = NeedModel.from_path(DEFAULT_PATH).header["trained_on"]
    fresh = [n for n in names if n.startswith("eval/fresh/")]
    assert all(evaluate.set_name(Path(n)) in read for n in fresh), fresh
