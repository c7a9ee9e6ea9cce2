"""The whitelist itself (E3): unknown keys and inspectors' extra fields never pass."""

from __future__ import annotations

from portal.public import CONTENT_FIELDS, content_of
from portal.search import parse
from publication.content import FIELD_LABELS


def test_content_keeps_only_the_whitelisted_fields() -> None:
    content = {
        "subject_name": "明溪县某某店",
        "credit_risk_class": "D",
        "address": "明溪县城关乡某路1号",
        "inspectors": [
            {"name": "张三", "certificate_no": "35480000009001", "phone": "13912345678"}
        ],
    }
    shown = content_of(content)
    assert set(shown) == set(CONTENT_FIELDS) == set(FIELD_LABELS)
    assert shown["inspectors"] == [{"name": "张三", "certificate_no": "35480000009001"}]
    assert "13912345678" not in str(shown)
    assert "城关乡" not in str(shown)


def test_search_box_tells_a_code_from_a_name() -> None:
    assert parse("91480321mA00000001").by_code
    assert parse(" 91480321MA00000001 ").text == "91480321MA00000001"
    assert not parse("明溪县恒达").by_code
    assert parse("明").error  # one character is too short for a name search
    assert parse("", "code").error
    assert parse("明溪", "code").by_code
