"""Policy §5, stability: the same question, profile and rule-set version always give the same
answer — in every worker process too. Python salts string hashes per process, so anything that
follows the order of a set of strings (which of two cues over the same words is reported, which
counts) would differ between workers; this runs the core under several hash seeds."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = sorted((ROOT / "tests" / "scenarios").glob("*.jsonl"))
# Own wording: two cues of one instrument over the same words (one of them with a gap), phrases
# that need other words of the question, a Dutch elision, fuzzy spellings.
OWN = [
    "Who enforces the Energy Saving Notification Obligation for our offices?",
    "Hoe werkt de energiebesparings- en informatieplicht voor mijn garagebedrijf?",
    "Kan ik subsidie krijgen voor zonnepanelen op het dak van onze werkplaats in Zwolle?",
    "Wij willen een innovatiekrediet aanvragen voor ons nieuwe product, wie helpt daarbij?",
    "Ik zoek een lening van 80.000 euro voor mijn bakkerij, de bank zei nee.",
    "Waar vind ik personeel in de regio Twente voor mijn bouwbedrijf?",
    "Subsdie voor verduurzamng van mijn winkelpand?",
]

_SCRIPT = """
import json, sys
from app.routing.engine import Router
from app.routing.explain import decision_dict
from app.routing.model import RouteInput
router = Router.from_directory("routing_rules")
out = [decision_dict(router.route(RouteInput(question=q)), router, None, explain=True)
       for q in json.load(sys.stdin)]
print(json.dumps(out, sort_keys=True))
"""


def _route_in_process(questions: list[str], seed: str) -> str:
    done = subprocess.run([sys.executable, "-c", _SCRIPT], input=json.dumps(questions), cwd=ROOT,
                          env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True,
                          check=True, timeout=300)
    return done.stdout


def test_every_process_gives_the_same_answer_and_trace() -> None:
    questions = OWN + [json.loads(line)["text"] for p in SCENARIOS
                       for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]
    first, *others = (_route_in_process(questions, seed) for seed in ("1", "2", "3"))
    decisions = json.loads(first)
    assert len(decisions) == len(questions)
    for other in others:
        for q, a, b in zip(questions, decisions, json.loads(other), strict=True):
            assert a == b, q
