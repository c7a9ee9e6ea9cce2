"""The leak crawl (E3, security 15–16): starting at the portal's home, follow every link to every
public page, JSON endpoint and downloadable draw file of the published demo county, and fail on
any ID number, mobile number, credit-risk class, natural person's address, or JSON key outside
the whitelist."""

from __future__ import annotations

import json
from collections import deque
from html.parser import HTMLParser
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.test import Client
from django.urls import reverse

from portal.tests.leaks import key_leaks, text_leaks

# Every key the public API may send (the serializers in portal/api.py, and pagination).
API_KEYS = {
    # pagination and search
    "count", "more", "page", "next", "previous", "results",
    # result rows and details
    "id", "subject_name", "subject_code", "task_code", "task_name", "authority", "result",
    "completed_on", "published_on", "corrected", "state", "public_until", "content", "original",
    "corrections", "objections", "subject_type", "plan_number", "plan_name", "inspection_type",
    "joint_departments", "items", "inspected_on", "follow_up", "conclusion", "inspectors",
    "name", "certificate_no", "reason", "changes", "field", "label", "before", "after",
    "decision", "decision_text", "decided_on",
    # tasks and draws
    "code", "year", "department", "window_start", "window_end", "status", "participants",
    "methods", "random", "draws", "teams", "number", "voided", "drawn_at", "commitment", "seed",
    "pool_count", "voided_on", "void_reason", "drawn", "layer", "substitutes", "explanation",
    "title", "paragraphs", "strata", "population", "eligible", "method", "expected_output",
    "files", "description", "url", "commands", "draw_number", "role",
    # item lists and plans
    "version", "current", "change_note", "seq", "kind", "legal_basis", "object_scope",
    "standard", "ratio_percent", "ratio_cap_percent", "frequency", "mandate", "inspecting_body",
    "enforcement_area", "points", "versions", "entries", "basis", "lead_department",
    "adjustments", "entry", "approved_on",
}  # fmt: skip
# The keys of the suiji formats in the downloadable draw files (docs/draw-algorithm.md).
FILE_KEYS = {
    "algorithm", "areas", "assignment", "columns", "commitment", "conflicts", "count", "csprng",
    "department", "digest", "eligible", "end", "engine", "excluded", "exclusions",
    "exclusions_in_pool", "format", "group", "groups", "hash", "id", "inspector",
    "inspector_pool", "inspectors", "item_kind", "key", "layer", "lotteries", "max_ratio",
    "members", "method", "min_team_size", "name", "outside", "overrides", "params",
    "params_digest", "pool", "population", "pseudonym", "ratio", "rows", "salt", "seed",
    "selected", "size", "sources", "start", "steps", "strata", "subject", "subjects",
    "substitute", "substitutes", "task", "teams", "version", "where", "window", "witnesses",
    "text", "secret", "added", "removed", "reason", "step", "weight", "number", "role",
}  # fmt: skip
PUBLIC_PREFIXES = ("/public/", "/api/public/")
NOT_DATA = ("/api/public/schema/", "/api/public/docs/")


class Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if tag == "a" and href:
            self.hrefs.append(href)


def _json_urls(value: Any) -> list[str]:
    if isinstance(value, dict):
        return [
            u
            for k, v in value.items()
            for u in (
                [v] if k in ("url", "next", "previous") and isinstance(v, str) else _json_urls(v)
            )
        ]
    if isinstance(value, list):
        return [u for v in value for u in _json_urls(v)]
    return []


def _local(url: str, base: str) -> str | None:
    parts = urlsplit(urljoin(base, url))
    if parts.netloc not in ("", "testserver") or not parts.path.startswith(PUBLIC_PREFIXES):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client: Client, seeds: list[str], addresses: list[str]) -> tuple[set[str], list[str]]:
    seen: set[str] = set()
    queue = deque(seeds)
    problems: list[str] = []
    while queue:
        url = queue.popleft()
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        assert response.status_code in (200, 302), (url, response.status_code)
        if response.status_code == 302:
            queue.append(_local(response["Location"], url) or "/public/")
            continue
        raw = (
            b"".join(response.streaming_content)  # type: ignore[attr-defined]
            if response.streaming
            else response.content
        )
        body = raw.decode("utf-8")
        problems += [f"{url}: {p}" for p in text_leaks(body, addresses)]
        kind = response["Content-Type"]
        if "application/json" in kind:
            data = json.loads(body)
            if url.startswith("/api/public/") and not url.startswith(NOT_DATA):
                problems += [f"{url}: {p}" for p in key_leaks(data, API_KEYS)]
                found = _json_urls(data)
            elif url.startswith("/public/"):
                problems += [f"{url}: {p}" for p in key_leaks(data, FILE_KEYS)]
                found = []
            else:
                found = []
        elif "text/html" in kind:
            parser = Links()
            parser.feed(body)
            found = parser.hrefs
        else:
            found = []
        for href in found:
            local = _local(href, url)
            if local and local not in seen:
                queue.append(local)
    return seen, problems


def test_the_checker_fails_on_a_leaking_page() -> None:
    """Proof that the crawl can fail: a page with each kind of leak is caught."""
    leaking = (
        "<p>联系人身份证 11010519491231002X，电话 139-1234-5678；信用风险分类：C类；"
        "住所：明溪县城关乡东新路8号</p>"
    )
    found = text_leaks(leaking, ["明溪县城关乡东新路8号"])
    assert any("身份证号码" in f for f in found)
    assert any("手机号码" in f for f in found)
    assert any("C类" in f for f in found)
    assert any("自然人住所" in f for f in found)
    assert key_leaks({"results": [{"name": "甲", "credit_risk_class": "A"}]}, API_KEYS) == [
        "白名单外的字段 credit_risk_class"
    ]
    # hex digests and seeds are not phone numbers
    assert text_leaks("seed 8cc5734c13812345678abc and 9a13912345678") == []


def test_crawl_of_every_public_page_json_and_draw_file_finds_no_leak(published: Any) -> None:
    from publication.models import ResultPublication
    from subjects.models import Subject
    from tasks.models import Task

    addresses = [
        a
        for a in Subject.objects.filter(subject_type__is_natural_person=True).values_list(
            "address", flat=True
        )
        if len(a) >= 6
    ]
    assert addresses, "演示数据应含自然人（个体工商户）及其住所"
    public = list(ResultPublication.objects.public())
    coded = next(p for p in public if p.subject_code)
    seeds = [
        reverse("portal:home"),
        f"{reverse('portal:results')}?q=明溪",
        f"{reverse('portal:results')}?q={coded.subject_code}",
        reverse("public-api:results") + "?q=明溪",
        reverse("public-api:results") + f"?q={coded.subject_code}",
        reverse("public-api:tasks"),
        reverse("public-api:item_lists"),
        reverse("public-api:plans"),
        reverse("public-api:schema"),
    ]
    seeds += [reverse("public-api:result", args=[p.pk]) for p in public]
    seeds += [
        reverse("public-api:subject", args=[p.subject_code]) for p in public if p.subject_code
    ]
    seeds += [reverse("public-api:task", args=[t.code]) for t in Task.objects.all()]
    client = Client()
    seen, problems = crawl(client, seeds, addresses)
    assert problems == [], "\n".join(problems[:50])
    # the crawl really went everywhere: every result, task page and draw file
    assert {f"/public/tasks/{t.code}/" for t in Task.objects.all()} <= seen
    assert sum(1 for u in seen if "/files/" in u) >= 4
    assert sum(1 for u in seen if u.startswith("/public/subjects/")) >= 5
    assert any(u.startswith("/public/items/") and u != "/public/items/" for u in seen)
    assert any(u.startswith("/public/plans/") and u != "/public/plans/" for u in seen)
