"""The measuring tools of `make bench` (issue 14): their inputs must be what they claim to be."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.config import get_settings
from app.devtools.growth import grown_files
from app.devtools.load import write_bodies
from app.routing.engine import Router
from app.routing.loader import load_ruleset, read_rule_files
from app.routing.model import LocationInput, RouteInput


def test_every_load_body_stays_valid_json_with_its_unique_tag(tmp_path: Path) -> None:
    bodies: list[dict[str, object]] = [
        {"question": 'Mag ik "zomaar" een terras\tplaatsen?'},
        {"question": "Subsidie voor zonnepanelen in Zwolle?", "location": {"postcode": "8011"}},
    ]
    path = tmp_path / "bodies.txt"
    write_bodies(bodies, path)
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2
    for line, body in zip(lines, bodies, strict=True):
        head, tail = line.split("\t")  # a tab in the question is escaped, so one split point
        sent = json.loads(head + " (1.7)" + tail)  # what varied.lua sends
        assert sent["question"] == f"{body['question']} (1.7)"
        assert sent.get("location") == body.get("location")


def test_the_grown_rule_set_is_ten_times_larger_and_answers_alike(router: Router) -> None:
    root = get_settings().rules_dir
    shipped = load_ruleset(read_rule_files(root))
    grown = load_ruleset(grown_files(str(root), 10))
    assert len(grown.lexicon.cues) >= 9.5 * len(shipped.lexicon.cues)
    tier12 = [r for r in shipped.tables.rows if r.tier in (1, 2)]
    assert len(grown.tables.rows) == len(shipped.tables.rows) + 9 * len(tier12)
    big = Router(grown)
    for q in ("Hoe vraag ik de WBSO aan?", "Ik zoek personeel voor mijn bakkerij",
              "Welke vergunning heb ik nodig voor een terras?"):
        inp = RouteInput(question=q, location=LocationInput(municipality="Tilburg"))
        assert [(r.provider_id, r.rule.split(".grown")[0]) for r in big.route(inp).routes] == \
            [(r.provider_id, r.rule) for r in router.route(inp).routes]


def test_a_baseline_that_cannot_be_built_is_compared_pure_on_both_sides(tmp_path: Path,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    # a compiled checkout against a baseline that has no build of its own read as ~0.7x before
    from app.devtools import bench

    monkeypatch.delenv("WEGWIJZER_PURE", raising=False)
    monkeypatch.setattr(bench, "compiled_build_is_fresh", lambda: True)
    assert bench._same_build(tmp_path) == "pure"  # nothing to build in an empty tree
    monkeypatch.setenv("WEGWIJZER_PURE", "1")
    monkeypatch.setattr(bench, "compiled_build_is_fresh", lambda: pytest.fail("not asked when pure is set"))
    assert bench._same_build(tmp_path) == "pure"
