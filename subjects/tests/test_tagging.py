"""分类标注 (A5): bulk add/remove of a department's tags on the list page and through the API."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client

from accounts.choices import Role
from accounts.models import User
from audit.models import AuditEvent
from conftest import login_client
from organisations.models import Department
from subjects import services
from subjects.models import Subject, SubjectType, Tag

pytestmark = pytest.mark.django_db

ClientAs = Callable[[str], Client]
ZRZY, SCJG = "DEMO-MX-ZRZY", "DEMO-MX-SCJG"


def _department(code: str) -> Department:
    return Department.objects.get(code=code)


def _make_subjects(code: str, count: int, risk: str = "", prefix: str = "T") -> list[Subject]:
    department = _department(code)
    subject_type = SubjectType.objects.get(code="site")
    Subject.objects.bulk_create(
        Subject(
            department=department,
            subject_type=subject_type,
            code=f"{prefix}-{code}-{risk or 'X'}-{i:04d}",
            name=f"测试对象{prefix}{risk}{i}",
            credit_risk_class=risk,
        )
        for i in range(count)
    )
    return list(
        Subject.objects.filter(
            department=department, code__startswith=f"{prefix}-{code}-{risk or 'X'}-"
        )
    )


def _tag(code: str = ZRZY, name: str = "重点用地单位", shared_with: tuple[str, ...] = ()) -> Tag:
    return services.save_tag(
        None, _department(code), name, shared_with=[_department(c) for c in shared_with]
    )


def _registry() -> User:
    return User.objects.get(username="registry")


def _tagged(tag: Tag) -> set[int]:
    return set(Subject.tags.through.objects.filter(tag=tag).values_list("subject_id", flat=True))


def _events(action: str) -> Any:
    return AuditEvent.objects.filter(action=action).order_by("seq")


# --- the service ------------------------------------------------------------------------------


def test_assigning_to_a_selection_links_each_subject_once_and_records_one_event(
    demo_org: None,
) -> None:
    subjects = _make_subjects(ZRZY, 5)
    tag = _tag()
    chosen = Subject.objects.filter(pk__in=[s.pk for s in subjects[:3]])

    change = services.assign_tag(_registry(), tag, chosen, "2027 年重点用地检查")

    assert change.count == 3
    assert change.skipped == 0
    assert _tagged(tag) == {s.pk for s in subjects[:3]}
    event = _events("subject_tag.assigned").get()
    assert event.object_type == "subjects.tag"
    assert event.object_id == str(tag.pk)
    assert event.actor == _registry()
    assert event.reason == "2027 年重点用地检查"
    assert event.after["tag"] == "重点用地单位"
    assert event.after["count"] == 3
    assert event.after["codes"] == sorted(s.code for s in subjects[:3])
    assert Subject.objects.get(pk=subjects[0].pk).modified_by == _registry()


def test_re_adding_skips_existing_links_and_records_nothing_new(demo_org: None) -> None:
    subjects = _make_subjects(ZRZY, 4)
    tag = _tag()
    services.assign_tag(_registry(), tag, Subject.objects.filter(pk=subjects[0].pk))

    change = services.assign_tag(
        _registry(), tag, Subject.objects.filter(pk__in=[s.pk for s in subjects])
    )
    assert (change.count, change.skipped) == (3, 1)
    again = services.assign_tag(
        _registry(), tag, Subject.objects.filter(pk__in=[s.pk for s in subjects])
    )
    assert (again.count, again.skipped) == (0, 4)
    assert Subject.tags.through.objects.filter(tag=tag).count() == 4
    assert _events("subject_tag.assigned").count() == 2


def test_removing_unlinks_only_the_given_subjects_and_keeps_them(demo_org: None) -> None:
    subjects = _make_subjects(ZRZY, 4)
    tag = _tag()
    services.assign_tag(_registry(), tag, Subject.objects.filter(pk__in=[s.pk for s in subjects]))

    change = services.remove_tag(
        _registry(), tag, Subject.objects.filter(pk__in=[s.pk for s in subjects[:2]]), "误标"
    )
    assert (change.count, change.skipped) == (2, 0)
    assert _tagged(tag) == {s.pk for s in subjects[2:]}
    assert Subject.objects.filter(pk__in=[s.pk for s in subjects]).count() == 4
    event = _events("subject_tag.unassigned").get()
    assert event.after["codes"] == sorted(s.code for s in subjects[:2])
    assert event.reason == "误标"
    again = services.remove_tag(_registry(), tag, Subject.objects.filter(pk=subjects[0].pk))
    assert (again.count, again.skipped) == (0, 1)


def test_bulk_tagging_is_set_based(demo_org: None, django_assert_max_num_queries: Any) -> None:
    subjects = _make_subjects(ZRZY, 1200)
    tag = _tag()
    registry = _registry()
    everything = Subject.objects.filter(department__code=ZRZY)
    with django_assert_max_num_queries(25):
        change = services.assign_tag(registry, tag, everything)
    assert change.count == len(subjects)
    with django_assert_max_num_queries(25):
        removed = services.remove_tag(registry, tag, everything)
    assert removed.count == len(subjects)
    assert not _tagged(tag)


def test_another_departments_tag_is_refused(demo_org: None) -> None:
    subjects = _make_subjects(ZRZY, 2)
    shared = _tag(SCJG, "多部门联合监管", shared_with=(ZRZY,))
    with pytest.raises(PermissionDenied, match="其他部门"):
        services.assign_tag(_registry(), shared, Subject.objects.filter(pk=subjects[0].pk))
    assert not _tagged(shared)
    assert not _events("subject_tag.assigned").exists()


def test_a_subject_seen_only_through_a_shared_tag_is_not_editable(demo_org: None) -> None:
    own = _make_subjects(ZRZY, 2)
    theirs = _make_subjects(SCJG, 1)
    shared = _tag(SCJG, "多部门联合监管", shared_with=(ZRZY,))
    market = User.objects.get(username="market")
    services.assign_tag(market, shared, Subject.objects.filter(pk=theirs[0].pk))
    registry = _registry()
    assert Subject.objects.for_user(registry).filter(pk=theirs[0].pk).exists()
    tag = _tag()

    mixed = Subject.objects.filter(pk__in=[own[0].pk, own[1].pk, theirs[0].pk])
    with pytest.raises(PermissionDenied, match="1 个不属于本部门"):
        services.assign_tag(registry, tag, mixed)
    assert not _tagged(tag)  # nothing half written
    with pytest.raises(PermissionDenied):
        services.remove_tag(registry, shared, Subject.objects.filter(pk=theirs[0].pk))
    assert _tagged(shared) == {theirs[0].pk}


def test_only_a_registry_manager_tags(demo_org: None) -> None:
    subjects = _make_subjects(ZRZY, 1)
    tag = _tag()
    staff = User.objects.get(username="staff")
    with pytest.raises(PermissionDenied):
        services.assign_tag(staff, tag, Subject.objects.filter(pk=subjects[0].pk))


def test_archived_subjects_and_empty_selections_are_refused(demo_org: None) -> None:
    subjects = _make_subjects(ZRZY, 2)
    Subject.objects.filter(pk=subjects[0].pk).update(is_archived=True)
    tag = _tag()
    with pytest.raises(ValidationError, match="已移出名录库"):
        services.assign_tag(
            _registry(), tag, Subject.objects.filter(pk__in=[s.pk for s in subjects])
        )
    with pytest.raises(ValidationError, match="请选择"):
        services.assign_tag(_registry(), tag, Subject.objects.none())
    assert not _tagged(tag)


# --- archiving a tag --------------------------------------------------------------------------


def test_an_archived_tag_is_not_added_any_more_nor_shared_but_keeps_its_links(
    demo_org: None,
) -> None:
    theirs = _make_subjects(SCJG, 2)
    market = User.objects.get(username="market")
    shared = _tag(SCJG, "多部门联合监管", shared_with=(ZRZY,))
    services.assign_tag(market, shared, Subject.objects.filter(pk=theirs[0].pk))
    assert Subject.objects.for_user(_registry()).filter(pk=theirs[0].pk).exists()

    with pytest.raises(ValidationError):
        services.archive_tag(market, shared, "")
    services.archive_tag(market, shared, "联合监管结束")

    shared.refresh_from_db()
    assert shared.is_archived
    assert Tag.objects.filter(pk=shared.pk).exists()
    assert _tagged(shared) == {theirs[0].pk}
    assert not Subject.objects.for_user(_registry()).filter(pk=theirs[0].pk).exists()
    assert not Tag.objects.for_user(_registry()).filter(pk=shared.pk).exists()
    with pytest.raises(ValidationError, match="已归档"):
        services.assign_tag(market, shared, Subject.objects.filter(pk=theirs[1].pk))
    with pytest.raises(ValidationError, match="已归档"):
        services.save_tag(market, shared.department, "多部门联合监管")
    with pytest.raises(PermissionDenied):
        services.restore_tag(_registry(), shared)
    services.restore_tag(market, shared)
    assert Subject.objects.for_user(_registry()).filter(pk=theirs[0].pk).exists()
    assert list(
        AuditEvent.objects.filter(object_type="subjects.tag", object_id=str(shared.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    ) == [
        "subject_tag.created",
        "subject_tag.assigned",
        "subject_tag.archived",
        "subject_tag.restored",
    ]


def test_the_subject_form_keeps_an_archived_tag_but_does_not_offer_it(
    client_as: ClientAs,
) -> None:
    subject = _make_subjects(ZRZY, 1)[0]
    old, new = _tag(name="旧标签"), _tag(name="新标签")
    registry = _registry()
    services.assign_tag(registry, old, Subject.objects.filter(pk=subject.pk))
    services.archive_tag(registry, old, "不再使用")

    page = client_as(Role.REGISTRY_MANAGER).get(f"/subjects/{subject.pk}/edit/")
    choices = {t.name for t in page.context["form"].fields["tags"].queryset}
    assert choices == {"新标签", "旧标签"}
    other = _make_subjects(ZRZY, 1, prefix="U")[0]
    page = client_as(Role.REGISTRY_MANAGER).get(f"/subjects/{other.pk}/edit/")
    assert [t.name for t in page.context["form"].fields["tags"].queryset] == [new.name]
    values = services.subject_values(other) | {"tags": ["旧标签"]}
    with pytest.raises(ValidationError, match="已归档"):
        services.save_subject(registry, other.department, values, subject=other)


# --- the list page ----------------------------------------------------------------------------


def test_list_page_tags_the_ticked_subjects(client_as: ClientAs) -> None:
    subjects = _make_subjects(ZRZY, 4)
    tag = _tag()
    client = client_as(Role.REGISTRY_MANAGER)
    page = client.get("/subjects/?credit_risk_class=&page=1")
    body = page.content.decode()
    assert 'name="pk"' in body
    assert 'form="tagging-form"' in body
    assert "当前筛选的全部" in body

    response = client.post(
        "/subjects/tags/bulk/",
        {
            "tag": tag.pk,
            "scope": "selected",
            "operation": "assign",
            "pk": [subjects[0].pk, subjects[1].pk],
            "reason": "专项检查",
            "query": "q=测试&page=1",
        },
        follow=True,
    )
    assert response.redirect_chain[-1][0] == "/subjects/?q=%E6%B5%8B%E8%AF%95&page=1"
    assert "已为 2 个对象添加标签“重点用地单位”" in response.content.decode()
    assert _tagged(tag) == {subjects[0].pk, subjects[1].pk}

    response = client.post(
        "/subjects/tags/bulk/",
        {"tag": tag.pk, "scope": "selected", "operation": "remove", "pk": [subjects[0].pk]},
        follow=True,
    )
    assert "已从 1 个对象移除标签" in response.content.decode()
    assert _tagged(tag) == {subjects[1].pk}


def test_list_page_tags_all_subjects_of_the_current_filters(client_as: ClientAs) -> None:
    risky = _make_subjects(ZRZY, 60, risk="D")
    others = _make_subjects(ZRZY, 7, risk="B")
    tag = _tag()
    client = client_as(Role.REGISTRY_MANAGER)
    page = client.get("/subjects/?credit_risk_class=D")
    assert "当前筛选的全部 60 个对象" in page.content.decode()

    response = client.post(
        "/subjects/tags/bulk/",
        {
            "tag": tag.pk,
            "scope": "filtered",
            "operation": "assign",
            "query": "credit_risk_class=D&page=2",
        },
        follow=True,
    )
    assert "已为 60 个对象添加标签" in response.content.decode()
    assert _tagged(tag) == {s.pk for s in risky}
    assert not _tagged(tag) & {s.pk for s in others}
    assert Subject.objects.filter(tags=tag, credit_risk_class="D").count() == 60
    assert _events("subject_tag.assigned").get().after["count"] == 60


def test_list_page_refuses_other_departments_tags_and_subjects(client_as: ClientAs) -> None:
    own = _make_subjects(ZRZY, 1)
    theirs = _make_subjects(SCJG, 1)
    shared = _tag(SCJG, "多部门联合监管", shared_with=(ZRZY,))
    services.assign_tag(
        User.objects.get(username="market"), shared, Subject.objects.filter(pk=theirs[0].pk)
    )
    tag = _tag()
    client = client_as(Role.REGISTRY_MANAGER)

    response = client.post(
        "/subjects/tags/bulk/",
        {"tag": shared.pk, "scope": "selected", "operation": "assign", "pk": [own[0].pk]},
        follow=True,
    )
    assert "选择一个有效的选项" in response.content.decode()
    assert _tagged(shared) == {theirs[0].pk}

    response = client.post(
        "/subjects/tags/bulk/",
        {
            "tag": tag.pk,
            "scope": "selected",
            "operation": "assign",
            "pk": [own[0].pk, theirs[0].pk],
        },
        follow=True,
    )
    assert "1 个不属于本部门" in response.content.decode()
    assert not _tagged(tag)


def test_list_page_bulk_tagging_needs_the_edit_right(client_as: ClientAs) -> None:
    subjects = _make_subjects(ZRZY, 1)
    tag = _tag()
    for role in (Role.BUSINESS_STAFF, Role.SUPERVISING_LEADER, Role.CONFERENCE_OFFICE):
        client = client_as(role)
        assert 'name="pk"' not in client.get("/subjects/").content.decode()
        response = client.post(
            "/subjects/tags/bulk/",
            {"tag": tag.pk, "scope": "selected", "operation": "assign", "pk": [subjects[0].pk]},
        )
        assert response.status_code == 403, role
    assert not _tagged(tag)


# --- the tag pages ----------------------------------------------------------------------------


def test_tag_list_shows_counts_and_links_to_the_filtered_list(client_as: ClientAs) -> None:
    subjects = _make_subjects(ZRZY, 3)
    tag = _tag()
    services.assign_tag(_registry(), tag, Subject.objects.filter(pk__in=[s.pk for s in subjects]))
    Subject.objects.filter(pk=subjects[0].pk).update(is_archived=True)
    client = client_as(Role.REGISTRY_MANAGER)

    page = client.get("/subjects/tags/")
    row = next(t for t in page.context["tags"] if t.pk == tag.pk)
    assert row.subject_count == 2
    assert f'href="/subjects/?tag={tag.pk}">2</a>' in page.content.decode()
    listed = client.get(f"/subjects/?tag={tag.pk}")
    assert {s.pk for s in listed.context["page"]} == {subjects[1].pk, subjects[2].pk}


def test_a_tag_is_renamed_shared_archived_and_restored_on_its_page(client_as: ClientAs) -> None:
    tag = _tag()
    client = client_as(Role.REGISTRY_MANAGER)
    housing = _department("DEMO-MX-ZJ")
    assert client.get(f"/subjects/tags/{tag.pk}/edit/").status_code == 200

    response = client.post(
        f"/subjects/tags/{tag.pk}/edit/",
        {"name": "重点用地企业", "description": "2027 年专项", "shared_with": [housing.pk]},
    )
    assert response.status_code == 302
    tag.refresh_from_db()
    assert tag.name == "重点用地企业"
    assert list(tag.shared_with.all()) == [housing]
    assert _events("subject_tag.updated").get().after["name"] == "重点用地企业"

    client.post(f"/subjects/tags/{tag.pk}/archive/", {"reason": ""})
    tag.refresh_from_db()
    assert not tag.is_archived
    client.post(f"/subjects/tags/{tag.pk}/archive/", {"reason": "专项结束"})
    tag.refresh_from_db()
    assert tag.is_archived
    assert tag.archived_reason == "专项结束"
    page = client.get("/subjects/")
    assert tag not in page.context["bulk_form"].fields["tag"].queryset
    client.post(f"/subjects/tags/{tag.pk}/restore/")
    tag.refresh_from_db()
    assert not tag.is_archived


def test_other_departments_cannot_edit_a_tag(client_as: ClientAs) -> None:
    shared = _tag(SCJG, "多部门联合监管", shared_with=(ZRZY,))
    registry = client_as(Role.REGISTRY_MANAGER)
    assert registry.get(f"/subjects/tags/{shared.pk}/edit/").status_code == 403
    assert registry.post(f"/subjects/tags/{shared.pk}/archive/", {"reason": "x"}).status_code == 403
    hidden = _tag("DEMO-MX-JT", "交通标签")
    assert registry.get(f"/subjects/tags/{hidden.pk}/edit/").status_code == 404
    assert (
        client_as(Role.BUSINESS_STAFF).get(f"/subjects/tags/{_tag().pk}/edit/").status_code == 403
    )


# --- the API ----------------------------------------------------------------------------------


def test_api_assigns_and_removes_by_ids_and_codes(client_as: ClientAs) -> None:
    subjects = _make_subjects(ZRZY, 4)
    tag = _tag()
    client = client_as(Role.REGISTRY_MANAGER)

    response = client.post(
        f"/api/v1/subjects/tags/{tag.pk}/assign/",
        {"ids": [subjects[0].pk], "codes": [subjects[1].code, subjects[2].code], "reason": "API"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json() == {
        "tag": tag.pk,
        "count": 3,
        "skipped": 0,
        "codes": sorted(s.code for s in subjects[:3]),
    }
    assert _tagged(tag) == {s.pk for s in subjects[:3]}
    assert _events("subject_tag.assigned").get().reason == "API"

    listed = client.get("/api/v1/subjects/tags/").json()["results"]
    assert next(t for t in listed if t["id"] == tag.pk)["subject_count"] == 3

    response = client.post(
        f"/api/v1/subjects/tags/{tag.pk}/remove/",
        {"codes": [subjects[0].code, subjects[3].code]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert (response.json()["count"], response.json()["skipped"]) == (1, 1)
    assert _tagged(tag) == {subjects[1].pk, subjects[2].pk}


def test_api_validates_like_the_page(client_as: ClientAs) -> None:
    own = _make_subjects(ZRZY, 1)
    theirs = _make_subjects(SCJG, 1)
    hidden = _make_subjects("DEMO-MX-JT", 1)
    tag = _tag()
    shared = _tag(SCJG, "多部门联合监管", shared_with=(ZRZY,))
    services.assign_tag(
        User.objects.get(username="market"), shared, Subject.objects.filter(pk=theirs[0].pk)
    )
    client = client_as(Role.REGISTRY_MANAGER)
    url = f"/api/v1/subjects/tags/{tag.pk}/assign/"

    def post(target: str, body: dict[str, Any]) -> Any:
        return client.post(target, body, content_type="application/json")

    assert post(url, {}).status_code == 400
    response = post(url, {"codes": ["NO-SUCH-CODE"]})
    assert response.status_code == 400
    assert "NO-SUCH-CODE" in response.content.decode()
    assert post(url, {"ids": [hidden[0].pk]}).status_code == 400
    assert post(url, {"ids": [own[0].pk, theirs[0].pk]}).status_code == 403
    assert (
        post(f"/api/v1/subjects/tags/{shared.pk}/assign/", {"ids": [own[0].pk]}).status_code == 403
    )
    assert not _tagged(tag)
    assert _tagged(shared) == {theirs[0].pk}

    staff = client_as(Role.BUSINESS_STAFF)
    assert staff.post(url, {"ids": [own[0].pk]}, content_type="application/json").status_code == 403
    assert staff.get(f"/api/v1/subjects/tags/{tag.pk}/").status_code == 200
    assert not _tagged(tag)


def test_subject_api_routes_still_answer_next_to_the_tag_routes(client_as: ClientAs) -> None:
    subject = _make_subjects(ZRZY, 1)[0]
    client = client_as(Role.REGISTRY_MANAGER)
    assert client.get(f"/api/v1/subjects/{subject.pk}/").json()["code"] == subject.code
    assert client.get("/api/v1/subjects/tags/").status_code == 200


def test_schema_documents_the_tagging_endpoints(client_as: ClientAs) -> None:
    schema = client_as(Role.REGISTRY_MANAGER).get("/api/schema/").content.decode()
    assert "/api/v1/subjects/tags/{id}/assign/" in schema
    assert "/api/v1/subjects/tags/{id}/remove/" in schema
    assert "SubjectTagAssignment" in schema


def test_market_registry_manager_uses_own_tags(demo_org: None) -> None:
    theirs = _make_subjects(SCJG, 2)
    tag = _tag(SCJG, "食品经营者")
    client = login_client(Client(), User.objects.get(username="market"))
    response = client.post(
        f"/api/v1/subjects/tags/{tag.pk}/assign/",
        {"ids": [s.pk for s in theirs]},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json()["count"] == 2
