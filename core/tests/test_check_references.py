"""References without a database constraint are checked set-based by `check_references`."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from core import testing
from core.imports import run_import
from core.integrity import dangling, unchecked_references
from subjects.imports import SubjectImport
from subjects.models import Subject

pytestmark = pytest.mark.django_db


def test_the_subject_registry_references_are_listed() -> None:
    listed = {str(r) for r in unchecked_references()}
    assert "subjects_subject.department_id → organisations_department.id" in listed
    assert "subjects_subject.subject_type_id → subjects_subjecttype.id" in listed
    assert "subjects_subject_licence_types.subject_id → subjects_subject.id" in listed


def test_an_import_leaves_no_dangling_reference_and_a_broken_one_is_reported(
    demo_org: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = testing.write_csv(tmp_path / "s.csv", testing.SUBJECT_HEADERS, testing.subject_rows(30))
    assert run_import(SubjectImport(testing.department(), None), path, commit=True).committed
    call_command("check_references")
    assert "引用完整" in capsys.readouterr().out

    victim = Subject.objects.order_by("pk").first()
    assert victim is not None
    with connection.cursor() as cursor:  # what only a hand-written SQL statement could do
        cursor.execute(
            "UPDATE subjects_subject SET industry_id = %s WHERE id = %s", [987654, victim.pk]
        )
    reference = next(
        r for r in unchecked_references() if str(r).startswith("subjects_subject.industry_id")
    )
    assert dangling(reference) == (1, [987654])
    with pytest.raises(CommandError, match="1 处悬空引用"):
        call_command("check_references")
    assert "subjects_subject.industry_id → subjects_industry.id：1 行" in capsys.readouterr().out
