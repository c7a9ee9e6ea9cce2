"""Each figure against the hand-computed year in conftest.py."""

from __future__ import annotations

import dataclasses

import pytest

from oversight import figures, reports
from oversight.periods import month_period, year_period
from oversight.tests.conftest import EXPECTED_RATES, EXPECTED_YEAR, TODAY, YEAR, Year, counts

pytestmark = pytest.mark.django_db


def _all(y: Year) -> frozenset[int]:
    return frozenset({y.a.pk, y.b.pk, y.c.pk, y.d.pk})


def _plain(c: figures.Counts) -> dict[str, int]:
    return dataclasses.asdict(c)


def test_year_totals_and_rates_match_the_hand_count(year: Year) -> None:
    result = figures.attribute(_all(year), year_period(YEAR), TODAY)
    assert _plain(result.total) == EXPECTED_YEAR["total"]
    assert result.total.rates() == EXPECTED_RATES


def test_a_joint_task_counts_once_for_each_participating_department(year: Year) -> None:
    result = figures.attribute(_all(year), year_period(YEAR), TODAY)
    for key in ("a", "b", "c"):
        dept = getattr(year, key)
        assert _plain(result.by_department[dept.pk]) == EXPECTED_YEAR[key], key
    assert year.d.pk not in result.by_department
    t2 = year.tasks["T2"].pk
    for dept in (year.a, year.b, year.c):
        assert result.by_task_department[(t2, dept.pk)].drawn == 5
    assert result.by_task[t2].drawn == 5  # the total counts the joint task once


def test_a_task_spanning_months_counts_each_figure_in_its_own_month(year: Year) -> None:
    a = frozenset({year.a.pk})

    def month(m: int) -> figures.Counts:
        return figures.attribute(a, month_period(YEAR, m), TODAY).by_task[year.tasks["T1"].pk]

    assert _plain(month(2)) == counts()  # the voided draw is not counted
    assert _plain(month(3)) == counts(pool=100, drawn=10)  # its replacement is
    assert _plain(month(4)) == counts(inspected=5, problems=2)
    assert _plain(month(5)) == counts(
        inspected=3,
        problems=1,
        published=4,
        published_on_time=3,
        published_late=1,
        overdue_pending=2,
        closed=3,
    )
    # The corrected result counts once, as published in June; the correction in July.
    assert _plain(month(6)) == counts(published=1, published_on_time=1, closed=1)
    assert _plain(month(7)) == counts(corrections=1, corrections_late=1)


def test_targeted_inspections_are_not_counted(year: Year) -> None:
    result = figures.attribute(_all(year), month_period(YEAR, 4), TODAY)
    assert year.tasks["T4"].pk not in result.tasks
    assert result.total.inspected == 5 + 5 + 4


def test_problem_rate_by_item(year: Year) -> None:
    attribution = figures.attribute(_all(year), year_period(YEAR), TODAY)
    rows = {r["code"]: r for r in figures.by_item(attribution)}
    assert {c: (r["inspected"], r["problems"]) for c, r in rows.items()} == {
        "OV-I1": (8, 3),
        "OV-I2": (5, 1),
        "OV-I3": (4, 0),
    }
    assert rows["OV-I1"]["problem_rate"] == 37.5


def test_problem_rate_by_risk_class(year: Year) -> None:
    attribution = figures.attribute(_all(year), year_period(YEAR), TODAY)
    rows = {r["risk_class"]: r for r in figures.by_risk_class(attribution)}
    assert {k: (r["inspected"], r["problems"]) for k, r in rows.items()} == {
        "A": (5, 1),
        "B": (0, 0),
        "C": (8, 3),
        "D": (0, 0),
        "": (4, 0),
    }
    assert rows["B"]["problem_rate"] is None


def test_joint_share_and_targets(year: Year) -> None:
    scope = _all(year)
    attribution = figures.attribute(scope, year_period(YEAR), TODAY)
    joint = figures.joint_figures(attribution, scope, [year.a.pk, year.b.pk, year.c.pk, year.d.pk])
    assert (joint["random_tasks"], joint["joint_tasks"], joint["joint_share"]) == (3, 1, 33.3)
    assert joint["min_departments"] == 3
    assert [(t["code"], t["departments"], t["meets_target"]) for t in joint["tasks"]] == [
        ("2025-OV-T2", 3, True)
    ]
    per = joint["per_department"]
    assert (per[year.a.pk]["random_tasks"], per[year.a.pk]["joint_tasks"]) == (2, 1)
    assert per[year.c.pk]["meets_target"] is True
    assert per[year.d.pk] == {
        "random_tasks": 0,
        "joint_tasks": 0,
        "joint_share": None,
        "meets_target": False,
    }


def test_repeat_inspection_by_a_second_department_within_the_window(year: Year) -> None:
    rows = figures.repeat_inspections(_all(year), year_period(YEAR))
    assert len(rows) == 1
    (row,) = rows
    assert (row["department_id"], row["prev_department"]) == (year.a.pk, year.b.pk)
    assert (row["inspected_on"] - row["prev_on"]).days == 5
    # Department D sees none: neither inspection is its own.
    assert figures.repeat_inspections(frozenset({year.d.pk}), year_period(YEAR)) == []


def test_repeat_inspection_outside_the_window_is_not_warned(year: Year, settings: object) -> None:
    settings.REPEAT_INSPECTION_DAYS = 4  # type: ignore[attr-defined]
    assert figures.repeat_inspections(_all(year), year_period(YEAR)) == []


@pytest.mark.parametrize("figure", list(figures.FIGURE_SOURCE))
def test_the_drill_down_lists_exactly_the_counted_rows(year: Year, figure: str) -> None:
    scope = _all(year)
    period = year_period(YEAR)
    expected = EXPECTED_YEAR["total"][figure]
    rows = figures.figure_rows(figure, scope, period, TODAY)
    if figure == "pool":
        assert sum(rows.values_list("pool_count", flat=True)) == expected
    else:
        assert rows.count() == expected
    b_rows = figures.figure_rows(figure, frozenset({year.b.pk}), period, TODAY)
    if figure != "pool":
        assert b_rows.count() == EXPECTED_YEAR["b"][figure]


def test_dashboard_lists_every_department_with_its_figures(year: Year) -> None:
    listed = [year.a.pk, year.b.pk, year.c.pk, year.d.pk]
    data = reports.dashboard(_all(year), YEAR, listed, TODAY)
    by_id = {row["id"]: row for row in data["departments"]}
    assert by_id[year.b.pk]["published"] == 5
    assert by_id[year.b.pk]["joint_tasks"] == 1
    assert by_id[year.d.pk]["drawn"] == 0
    assert data["totals"]["completion"] == EXPECTED_RATES["completion"]
    assert data["repeat"]["count"] == 1
