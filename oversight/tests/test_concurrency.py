"""`figures.concurrently`: the dashboard's queries on two connections at once on PostgreSQL,
one after the other inside a transaction (a test's) and on SQLite — the same figures either way."""

from __future__ import annotations

import json
import threading

import pytest
from django.db import connection, transaction

from oversight import figures, reports
from oversight.tests.conftest import TODAY, YEAR, Year

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs PostgreSQL (DATABASE_URL)"
)


def _threads(n: int) -> list[int]:
    return figures.concurrently(*[threading.get_ident for _ in range(n)])


@pytest.mark.django_db
def test_inside_a_transaction_the_calls_run_here_in_order() -> None:
    assert figures.concurrently(lambda: 1, lambda: 2, lambda: 3) == [1, 2, 3]
    assert set(_threads(3)) == {threading.get_ident()}


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_outside_a_transaction_the_others_run_on_threads_of_their_own() -> None:
    here, *there = _threads(3)
    assert here == threading.get_ident()
    assert here not in there


@postgres_only
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_dashboard_is_the_same_computed_side_by_side(year: Year) -> None:
    listed = [year.a.pk, year.b.pk, year.c.pk, year.d.pk]
    scope = frozenset(listed)
    side_by_side = reports.dashboard(scope, YEAR, listed, TODAY)
    assert side_by_side["repeat"]["count"] == 1
    with transaction.atomic():  # one connection, one query after the other
        in_turn = reports.dashboard(scope, YEAR, listed, TODAY)
    assert json.dumps(side_by_side, sort_keys=True) == json.dumps(in_turn, sort_keys=True)
