"""The public draw record (E3, C11, security 15): verifiable by anyone, no credit-risk class."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import re
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError

import suiji
from accounts.models import User
from tasks import draws, teams
from tasks.bundle import PublicDrawBundle
from tasks.models import SubjectDraw
from tasks.tests.test_draws import locked_draw, make_task, staff  # noqa: F401 — fixtures

REPO = pathlib.Path(__file__).resolve().parents[2]
CLASS_NAMES = ("A类", "B类", "C类", "D类", "未分类", "经营异常", "credit_risk", "risk")
# A whole token, so that digit runs inside hex digests (keys, pseudonyms, salts) do not count.
ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dX](?![0-9A-Za-z])")
MOBILE = re.compile(r"(?<![0-9A-Za-z])1[3-9]\d{9}(?![0-9A-Za-z])")


def ratios(**percent: str) -> dict[str, Decimal | None]:
    return {k: Decimal(v) for k, v in percent.items()}


@pytest.fixture
def drawn(
    staff: User,  # noqa: F811
    make_item: Callable[..., Any],
    make_subjects: Callable[..., list[Any]],
) -> SubjectDraw:
    make_subjects(80)
    task = make_task(staff, make_item("ZR-PUB", cap="100"))
    settings = draws.DrawSettings(
        ratios=ratios(lists="50", A="5", B="10", C="20", D="40"), substitutes=2, weighted=True
    )
    return draws.execute_draw(staff, draws.prepare_draw(staff, task, settings))


def _text(bundle: PublicDrawBundle) -> str:
    files = "\n".join(content.decode("utf-8") for content in bundle.files().values())
    return files + json.dumps(bundle.explanation, ensure_ascii=False)


def test_public_bundle_names_no_class_and_no_undrawn_firm(drawn: SubjectDraw) -> None:
    from subjects.models import Subject

    bundle = draws.public_draw_bundle(drawn)
    text = _text(bundle)
    for word in CLASS_NAMES:
        assert word not in text
    assert bundle.pool_csv.splitlines()[0] == b"id,layer,weight"
    assert all(re.fullmatch(r"第\d层", s["name"]) for s in bundle.params["strata"])
    revealed = set(drawn.selections.values_list("public_id", flat=True))
    assert revealed == {r.public_id for r in bundle.revealed}
    for subject in Subject.objects.exclude(uscc__in=revealed):
        assert subject.uscc not in text
        assert subject.name not in text
    assert not ID_NUMBER.search(text)
    assert not MOBILE.search(text)
    assert bundle.explanation["pool_count"] == 80
    assert (
        sum(s["drawn"] for s in bundle.explanation["strata"])
        == drawn.selections.filter(is_substitute=False).count()
    )
    assert "python -m suiji verify" in bundle.explanation["commands"][-1]


def test_strata_are_numbered_in_a_random_order_known_only_internally(
    drawn: SubjectDraw,
) -> None:
    layers = drawn.internal["layers"]
    assert sorted(lay["key"] for lay in layers) == ["A", "B", "C", "D", "lists"]
    assert [lay["name"] for lay in layers] == [f"第{n}层" for n in range(1, 6)]
    pick = drawn.selections.first()
    assert pick is not None
    key = next(lay["key"] for lay in layers if lay["name"] == pick.layer)
    assert pick.subject.credit_risk_class == key or pick.stratum == "经营异常或严重违法失信"


def test_revealed_rows_hash_to_their_pseudonyms(drawn: SubjectDraw) -> None:
    bundle = draws.public_draw_bundle(drawn)
    pool_ids = {line.split(b",")[0].decode() for line in bundle.pool_csv.splitlines()[1:]}
    for row in bundle.revealed:
        assert suiji.pseudonym("sha256", row.salt, row.public_id) == row.pseudonym
        assert row.pseudonym in pool_ids
    assert suiji.check_reveal(bundle.reveal, bundle.record).ok


def _run_verify(folder: pathlib.Path, bundle: PublicDrawBundle) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "suiji",
            "verify",
            str(folder / bundle.record_name),
            "--pool",
            str(folder / bundle.pool_name),
            "--reveal",
            str(folder / bundle.reveal_name),
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )


def test_suiji_verify_accepts_the_bundle_and_refuses_any_alteration(
    drawn: SubjectDraw, tmp_path: pathlib.Path
) -> None:
    bundle = draws.public_draw_bundle(drawn)
    for name, content in bundle.files().items():
        (tmp_path / name).write_bytes(content)
    ok = _run_verify(tmp_path, bundle)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "揭示核对通过" in ok.stdout

    reveal = json.loads((tmp_path / bundle.reveal_name).read_text("utf-8"))
    first = reveal["rows"][0]["id"]
    reveal["rows"][0]["id"] = first[:-1] + ("1" if first[-1] != "1" else "2")
    (tmp_path / bundle.reveal_name).write_text(json.dumps(reveal), "utf-8")
    assert _run_verify(tmp_path, bundle).returncode == 1
    (tmp_path / bundle.reveal_name).write_bytes(bundle.files()[bundle.reveal_name])

    lines = bundle.pool_csv.decode().splitlines(keepends=True)
    pid, layer, weight = lines[5].rstrip("\n").split(",")
    lines[5] = f"{pid},{layer},{int(weight) + 1}\n"
    (tmp_path / bundle.pool_name).write_text("".join(lines), "utf-8")
    altered = _run_verify(tmp_path, bundle)
    assert altered.returncode == 1
    assert "验证未通过" in altered.stdout or "验证失败" in altered.stdout


def test_an_unfinished_draw_has_no_public_bundle(
    staff: User,  # noqa: F811
    make_item: Callable[..., Any],
    make_subjects: Callable[..., list[Any]],
) -> None:
    make_subjects(10)
    task = make_task(staff, make_item("ZR-NOPUB", cap="100"))
    draw = draws.prepare_draw(staff, task, draws.DrawSettings(ratios=ratios(A="50")))
    with pytest.raises(ValidationError, match="尚未完成"):
        draws.public_draw_bundle(draw)


def test_internal_verify_command_checks_the_private_mapping(
    drawn: SubjectDraw, capsys: pytest.CaptureFixture[str]
) -> None:
    call_command("draw", "verify", drawn.task.code)
    out = capsys.readouterr().out
    assert "全部核验通过" in out
    assert "未通过" not in out
    path = pathlib.Path(drawn.mapping_file)
    text = path.read_text("utf-8")
    line = text.splitlines()[1].split(",")
    line[6] = "A" if line[6] != "A" else "B"  # the risk class of one row in the snapshot
    path.write_text(text.replace(text.splitlines()[1], ",".join(line)), "utf-8")
    with pytest.raises(CommandError, match="核验未通过"):
        call_command("draw", "verify", drawn.task.code)
    assert "假名对照表的摘要与承诺时记录的不一致" in capsys.readouterr().out


def test_team_bundle_shows_inspectors_by_name_and_certificate_only(
    locked_draw: SubjectDraw,  # noqa: F811
    staff: User,  # noqa: F811
) -> None:
    from inspectors.choices import InspectorStatus
    from inspectors.models import Inspector

    assert staff.department is not None
    away = Inspector.objects.create(
        department=staff.department,
        name="病休人员",
        certificate_no="ZF48039999",
        certificate_valid_until=dt.date(2030, 1, 1),
        status=InspectorStatus.LEAVE,
    )
    team_draw = teams.draw_teams(staff, locked_draw, teams.TeamSettings())
    member = team_draw.members.first()
    assert member is not None
    teams.recuse(staff, member, "与该企业法定代表人系亲属关系")
    team_draw.refresh_from_db()
    bundle = draws.public_team_bundle(team_draw)
    text = json.dumps(bundle.record, ensure_ascii=False) + json.dumps(
        bundle.explanation, ensure_ascii=False
    )
    assert "亲属" not in text
    assert "leave" not in text
    assert f"I{away.pk}," not in text
    assert set(bundle.record["inspector_pool"]["columns"]) == set(teams.LIBRARY_COLUMNS)
    assert suiji.verify_record(bundle.record).ok
    people = {p.id: p for p in bundle.inspectors}
    for row in team_draw.members.select_related("inspector"):
        assert row.inspector is not None
        person = people[f"I{row.inspector_id}"]
        assert (person.name, person.certificate_no) == (
            row.inspector.name,
            row.inspector.certificate_no,
        )
    assert set(vars(bundle.inspectors[0])) == {"id", "name", "certificate_no", "role"}
    assert not ID_NUMBER.search(text)
    assert not MOBILE.search(text)
