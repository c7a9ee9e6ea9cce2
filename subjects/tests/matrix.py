"""URL kwargs for the permission-matrix test: objects of 明溪县自然资源局."""

from collections.abc import Callable

from core import testing


def _subject() -> dict[str, object]:
    return {"pk": testing.sample_subject().pk}


def _removal() -> dict[str, object]:
    return {"pk": testing.sample_removal().pk}


def _tag() -> dict[str, object]:
    from subjects import services
    from subjects.models import Tag

    tag = Tag.objects.filter(department__code=testing.DEPARTMENT, is_archived=False).first()
    if tag is None:
        tag = services.save_tag(None, testing.department(), "示例标签")
    return {"pk": tag.pk}


def _reference(model_path: str) -> Callable[[], dict[str, object]]:
    def get() -> dict[str, object]:
        from django.apps import apps

        return {"pk": apps.get_model(model_path).objects.order_by("pk").first().pk}

    return get


SAMPLES: dict[str, Callable[[], dict[str, object]]] = {
    "subjects:detail": _subject,
    "subjects:edit": _subject,
    "subjects:removal_request": _subject,
    "subjects:removal_decide": _removal,
    "subjects:tag_edit": _tag,
    "subjects:tag_archive": _tag,
    "subjects:tag_restore": _tag,
    "subject-detail": _subject,
    "subject-removal-request": _subject,
    "removal-request-detail": _removal,
    "removal-request-decide": _removal,
    "subject-tag-detail": _tag,
    "subject-tag-assign": _tag,
    "subject-tag-remove": _tag,
    "subject-type-detail": _reference("subjects.SubjectType"),
    "industry-detail": _reference("subjects.Industry"),
    "licence-type-detail": _reference("subjects.LicenceType"),
}
