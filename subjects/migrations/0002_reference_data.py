from django.db import migrations

from subjects.reference_data import INDUSTRIES, LICENCE_TYPES, SUBJECT_TYPES


def load(apps, schema_editor):
    subject_type = apps.get_model("subjects", "SubjectType")
    industry = apps.get_model("subjects", "Industry")
    licence = apps.get_model("subjects", "LicenceType")
    for order, (code, name, has_uscc, natural) in enumerate(SUBJECT_TYPES, start=1):
        subject_type.objects.get_or_create(code=code, defaults={
            "name": name, "has_uscc": has_uscc, "is_natural_person": natural, "sort_order": order})
    order = 0
    for section, name, divisions in INDUSTRIES:
        order += 1
        parent, _ = industry.objects.get_or_create(
            code=section, defaults={"name": name, "level": "section", "sort_order": order})
        for code, division in divisions:
            order += 1
            industry.objects.get_or_create(code=code, defaults={
                "name": division, "level": "division", "parent": parent, "sort_order": order})
    for order, (code, name, sector) in enumerate(LICENCE_TYPES, start=1):
        licence.objects.get_or_create(code=code, defaults={"name": name, "sector": sector, "sort_order": order})


def unload(apps, schema_editor):
    apps.get_model("subjects", "LicenceType").objects.filter(subjects__isnull=True).delete()
    industry = apps.get_model("subjects", "Industry")
    industry.objects.filter(level="division", subjects__isnull=True).delete()
    industry.objects.filter(level="section", children__isnull=True).delete()
    apps.get_model("subjects", "SubjectType").objects.filter(subjects__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("subjects", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
