"""The USCC format CHECK as `uscc__class_regex`: GLOB in C on SQLite (no Python call per row,
see `core.lookups.ClassRegex`). PostgreSQL's constraint text is unchanged (`~`), so the table is
not rebuilt there: re-adding the CHECK would scan a large registry under an exclusive lock."""

from django.db import migrations, models


class OnSQLiteOnly:
    """An operation whose database part runs on SQLite only (the state changes everywhere)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "sqlite":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "sqlite":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class RemoveConstraintOnSQLite(OnSQLiteOnly, migrations.RemoveConstraint):
    pass


class AddConstraintOnSQLite(OnSQLiteOnly, migrations.AddConstraint):
    pass


class Migration(migrations.Migration):
    dependencies = [
        ("subjects", "0004_subject_references_checked_by_application"),
    ]

    operations = [
        RemoveConstraintOnSQLite(
            model_name="subject",
            name="subject_uscc_format",
        ),
        AddConstraintOnSQLite(
            model_name="subject",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("uscc", ""),
                    ("uscc__class_regex", "^[0-9A-HJ-NPQRTUWXY]{18}$"),
                    _connector="OR",
                ),
                name="subject_uscc_format",
                violation_error_message="统一社会信用代码应为 18 位数字或大写字母（不含 I、O、Z、S、V）",
            ),
        ),
    ]
