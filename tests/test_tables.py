"""Decision tables: hit policy "most specific wins", conditions, and the shipped tables' shape."""

from datetime import date

from app.routing.engine import Router
from app.routing.tables import AlsoRef, Conditions, Context, DecisionTables, Row


def row(rid: str, tier: int, order: int, primary: str, **when: object) -> Row:
    return Row(id=rid, table="t", tier=tier, order=order, when=Conditions(**when),  # type: ignore[arg-type]
               primary=primary, also=(), principle="P1", source="test", valid_from=date(2026, 1, 1),
               reason={"nl": "x", "en": "x"})


TABLES = DecisionTables([
    row("fallback", 3, 0, "kvk"),
    row("fin.any", 2, 1, "kvk", themes=frozenset({"financing"})),
    row("fin.capital.small", 2, 2, "qredits", themes=frozenset({"financing"}),
        services=frozenset({"capital"}), amount_max=250_000),
    row("fin.capital.risk", 2, 3, "rom", themes=frozenset({"financing"}),
        services=frozenset({"capital"}), signals=frozenset({"risk_capital", "innovative"})),
    row("named.qredits", 1, 4, "qredits", instruments=frozenset({"qredits"})),
])


def test_more_conditions_win_within_a_tier() -> None:
    r = TABLES.evaluate(Context(theme="financing", service="capital", amount=40_000))
    assert r is not None and r.id == "fin.capital.small"


def test_unmet_condition_falls_back_to_fewer_conditions() -> None:
    r = TABLES.evaluate(Context(theme="financing", service="capital", amount=2_000_000))
    assert r is not None and r.id == "fin.any"


def test_signal_condition_is_any_of() -> None:
    r = TABLES.evaluate(Context(theme="financing", service="capital", signals=frozenset({"innovative"})))
    assert r is not None and r.id == "fin.capital.risk"


def test_equal_specificity_goes_to_the_row_written_first() -> None:
    ctx = Context(theme="financing", service="capital", amount=40_000, signals=frozenset({"risk_capital"}))
    r = TABLES.evaluate(ctx)
    assert r is not None and r.id == "fin.capital.small"


def test_lower_tier_wins() -> None:
    r = TABLES.evaluate(Context(instrument="qredits", theme="financing", service="capital"))
    assert r is not None and r.id == "named.qredits"


def test_unknown_theme_reaches_the_fallback() -> None:
    r = TABLES.evaluate(Context(theme="nothing"))
    assert r is not None and r.id == "fallback"


def test_rows_not_yet_valid_are_skipped() -> None:
    future = Row(id="future", table="t", tier=1, order=9, when=Conditions(instruments=frozenset({"x"})),
                 primary="rvo", also=(), principle="P2", source="s", valid_from=date(2099, 1, 1),
                 reason={"nl": "x", "en": "x"})
    tables = DecisionTables([future, row("fb", 3, 0, "kvk")])
    r = tables.evaluate(Context(instrument="x"), on=date(2026, 11, 27))
    assert r is not None and r.id == "fb"


def test_conditional_also() -> None:
    r = Row(id="x", table="t", tier=2, order=0, when=Conditions(), primary="rom",
            also=(AlsoRef("rvo"), AlsoRef("invest-nl", Conditions(signals=frozenset({"large"})))),
            principle="P3", source="s", valid_from=date(2026, 1, 1), reason={"nl": "", "en": ""})
    assert r.also_for(Context()) == ["rvo"]
    assert r.also_for(Context(signals=frozenset({"large"}))) == ["rvo", "invest-nl"]


def test_shipped_tables_cover_every_instrument_and_theme(router: Router) -> None:
    tables = router.data.tables
    for instrument in router.data.instruments:
        r = tables.evaluate(Context(instrument=instrument))
        assert r is not None and r.tier == 1, instrument
    for theme in router.data.taxonomy.themes:
        for service in router.data.taxonomy.services:
            r = tables.evaluate(Context(theme=theme, service=service))
            assert r is not None and r.tier == 2, (theme, service)
    assert all(r.principle in {"P1", "P2", "P3", "P4", "P5"} for r in tables.rows)
    assert len({r.id for r in tables.rows}) == len(tables.rows)
