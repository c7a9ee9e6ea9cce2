"""References the database does not check (foreign keys declared with `db_constraint=False`),
checked here set-based: one anti-join per reference, rather than a trigger per row.

The subject registry drops its constraints for the speed of bulk imports (see
`subjects.models.Subject`); `manage.py check_references` runs this after the fact and in CI.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps
from django.db import connection, models


@dataclass(frozen=True)
class Reference:
    table: str
    column: str
    target_table: str
    target_column: str

    def __str__(self) -> str:
        return f"{self.table}.{self.column} → {self.target_table}.{self.target_column}"


def unchecked_references() -> list[Reference]:
    """Every foreign key of every model (M2M link tables included) without a database
    constraint."""
    found = []
    for model in apps.get_models(include_auto_created=True):
        if not model._meta.managed or model._meta.proxy:
            continue
        for field in model._meta.local_fields:
            if isinstance(field, models.ForeignKey) and not getattr(field, "db_constraint", True):
                target = field.target_field
                found.append(
                    Reference(
                        model._meta.db_table,
                        field.column,
                        target.model._meta.db_table,
                        target.column,
                    )
                )
    return sorted(found, key=str)


def dangling(reference: Reference, sample: int = 5) -> tuple[int, list[object]]:
    """How many rows point at nothing, and a few of the missing values."""
    quote = connection.ops.quote_name
    child, column = quote(reference.table), quote(reference.column)
    parent, key = quote(reference.target_table), quote(reference.target_column)
    where = (
        f"FROM {child} c WHERE c.{column} IS NOT NULL AND NOT EXISTS "
        f"(SELECT 1 FROM {parent} p WHERE p.{key} = c.{column})"
    )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) {where}")  # noqa: S608 — names from the models
        count = int(cursor.fetchone()[0])
        values: list[object] = []
        if count:
            cursor.execute(f"SELECT DISTINCT c.{column} {where} LIMIT %s", [sample])  # noqa: S608
            values = [row[0] for row in cursor.fetchall()]
    return count, values
