"""`class_regex`: the same answers as `regex`, in C on SQLite."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection

from subjects.models import Subject

pytestmark = pytest.mark.django_db

PATTERN = r"^[0-9A-HJ-NPQRTUWXY]{18}$"
TEXTS = [
    "",
    "91480321MA00000009",
    "91480321MA0000000",  # 17
    "91480321MA000000099",  # 19
    "91480321ma00000009",  # lower case
    "91480321MI00000009",  # I is not used
    "９1480321MA00000009",  # a full-width digit
    "91480321MA0000000 ",
]


def test_it_matches_what_regex_matches(make_subjects: Any) -> None:
    subjects = make_subjects(len(TEXTS))
    for subject, text in zip(subjects, TEXTS, strict=True):
        Subject.objects.filter(pk=subject.pk).update(name=text)
    by_regex = set(Subject.objects.filter(name__regex=PATTERN).values_list("name", flat=True))
    by_class = set(Subject.objects.filter(name__class_regex=PATTERN).values_list("name", flat=True))
    assert by_class == by_regex == {"91480321MA00000009"}


def test_sqlite_gets_glob_for_a_class_run_and_regexp_otherwise() -> None:
    glob = str(Subject.objects.filter(name__class_regex=PATTERN).query)
    other = str(Subject.objects.filter(name__class_regex=r"^[1-9][0-9]{5}$").query)
    if connection.vendor == "sqlite":
        assert "GLOB" in glob
        assert "REGEXP" not in glob
        assert "REGEXP" in other
    else:
        assert "GLOB" not in glob
        assert "GLOB" not in other
