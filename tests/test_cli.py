import json
import subprocess
import sys

from app.cli import main
from app.config import PROJECT_ROOT


def test_route_prints_a_readable_decision(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["route", "Heb ik een terrasvergunning nodig?", "--postcode", "5038AB"]) == 0
    out = capsys.readouterr().out
    assert "gemeente:GM0855" in out and "Gemeente Tilburg" in out and "named.municipal" in out


def test_route_json_matches_the_api_shape(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["route", "What is the WBSO?", "--json"]) == 0
    body = json.loads(capsys.readouterr().out)
    assert body["language"] == "en" and body["routes"][0]["provider"]["id"] == "rvo"


def test_route_reports_bad_input(capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["route", "vraag", "--postcode", "12"]) == 2
    assert "location.postcode" in capsys.readouterr().err


def test_module_entry_point_runs() -> None:
    out = subprocess.run([sys.executable, "-m", "app", "route", "Wat is de KOR?"], cwd=PROJECT_ROOT,
                         capture_output=True, text=True, check=True).stdout
    assert "belastingdienst" in out
