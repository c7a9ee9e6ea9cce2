from django.db import migrations

from inspections.reference_data import RESULT_CATEGORIES


def load(apps, schema_editor):
    category = apps.get_model("inspections", "ResultCategory")
    for order, (code, name, adverse, refusal, action) in enumerate(RESULT_CATEGORIES, start=1):
        category.objects.get_or_create(code=code, defaults={
            "name": name, "adverse": adverse, "refusal": refusal, "default_action": action,
            "sort_order": order * 10})


def unload(apps, schema_editor):
    codes = [row[0] for row in RESULT_CATEGORIES]
    apps.get_model("inspections", "ResultCategory").objects.filter(
        code__in=codes, records__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
