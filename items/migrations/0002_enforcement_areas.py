from django.db import migrations

from items.reference_data import ENFORCEMENT_AREAS


def load(apps, schema_editor):
    area = apps.get_model("items", "EnforcementArea")
    for order, (code, name, sector) in enumerate(ENFORCEMENT_AREAS, start=1):
        area.objects.get_or_create(code=code, defaults={"name": name, "sector": sector, "sort_order": order})


def unload(apps, schema_editor):
    area = apps.get_model("items", "EnforcementArea")
    area.objects.filter(code__in=[c for c, *_ in ENFORCEMENT_AREAS], items__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("items", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
