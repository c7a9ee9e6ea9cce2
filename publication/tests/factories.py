"""A result that has taken effect, hence a pending publication, for this app's tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from accounts.choices import Role
from accounts.models import User
from inspections import services as inspections
from inspections.models import InspectionRecord
from inspections.tests.factories import submitted
from publication import services
from publication.models import ResultPublication


@pytest.fixture
def leader(user_with_role: Callable[[str], User]) -> User:
    return user_with_role(Role.SUPERVISING_LEADER)


def effective(
    record: InspectionRecord, inspector: User, head: User, result: str = "no_problem"
) -> ResultPublication:
    submitted(record, inspector, result)
    inspections.approve_record(head, record)
    return ResultPublication.objects.get(record=record)


def published(publication: ResultPublication, staff: User, head: User) -> ResultPublication:
    services.submit(staff, publication)
    return services.approve(head, publication)


@pytest.fixture
def publication(record: InspectionRecord, inspector: User, head: User) -> ResultPublication:
    return effective(record, inspector, head)
