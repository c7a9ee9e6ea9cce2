import json
import pathlib

import pytest

from suiji.cli import main
from suiji.seed import witness_commitment
from suiji.tests.helpers import INSPECTOR_COLUMNS, inspector_row, params


@pytest.fixture
def files(tmp_path: pathlib.Path) -> dict[str, str]:
    pool = tmp_path / "pool.csv"
    rows = [f"S{i:03d},{'ABCD'[i % 4]}" for i in range(120)]
    rows.reverse()  # unsorted on purpose: the CLI sorts in memory
    pool.write_text("id,credit_risk_class\n" + "\n".join(rows) + "\n", encoding="utf-8")
    insp = tmp_path / "inspectors.csv"
    lines = [",".join(INSPECTOR_COLUMNS)] + [",".join(inspector_row(f"I{i}")) for i in range(4)]
    insp.write_text("\n".join(lines) + "\n", encoding="utf-8")
    raw = params(
        strata=[{"name": "A类", "where": {"credit_risk_class": "A"}, "count": 4}],
        sources={
            "csprng": True,
            "witnesses": [
                {"name": "张三", "commitment": witness_commitment("sha256", "张三", "zhang-0001")},
                {"name": "李四", "commitment": witness_commitment("sha256", "李四", "li-00002")},
            ],
            "lotteries": [{"name": "双色球2025045期"}],
        },
        inspectors={
            "window": {"start": "2025-04-01", "end": "2025-04-30"},
            "groups": [
                {"name": "食品", "department": "市场监管局", "areas": ["食品安全"], "count": 2}
            ],
        },
    )
    p = tmp_path / "params.json"
    p.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
    return {"pool": str(pool), "params": str(p), "inspectors": str(insp), "dir": str(tmp_path)}


def test_commit_draw_verify_recuse_round_trip(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    d = files["dir"]
    common = [
        "--pool",
        files["pool"],
        "--params",
        files["params"],
        "--inspectors",
        files["inspectors"],
    ]
    assert main(["commit", *common, "-o", f"{d}/c.json"]) == 0
    assert "承诺摘要" in capsys.readouterr().out
    argv = [
        "draw",
        *common,
        "--commitment",
        f"{d}/c.json",
        "--witness",
        "张三=zhang-0001",
        "--witness",
        "李四=li-00002",
        "--lottery",
        "双色球2025045期=3 8 12 19 25 31/7",
        "-o",
        f"{d}/r.json",
    ]
    assert main(argv) == 0
    assert "抽取记录已写入" in capsys.readouterr().out
    assert main(["verify", f"{d}/r.json"]) == 0
    assert "验证通过" in capsys.readouterr().out
    record = json.loads(pathlib.Path(f"{d}/r.json").read_text(encoding="utf-8"))
    team = record["assignment"]["teams"][0]
    argv = [
        "recuse",
        f"{d}/r.json",
        "--subject",
        team["subject"],
        "--inspector",
        team["members"][0]["inspector"],
        "--reason",
        "近亲属",
        "-o",
        f"{d}/r2.json",
    ]
    assert main(argv) == 0
    assert main(["verify", f"{d}/r2.json"]) == 0
    record["subjects"][0]["selected"][0]["id"] = "S999"
    pathlib.Path(f"{d}/bad.json").write_text(
        json.dumps(record, ensure_ascii=False), encoding="utf-8"
    )
    capsys.readouterr()
    assert main(["verify", f"{d}/bad.json"]) == 1
    assert "首个不一致之处 subjects[0].selected[0].id" in capsys.readouterr().out


def test_wrong_witness_secret_is_refused_in_chinese(
    files: dict[str, str], capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "draw",
        "--pool",
        files["pool"],
        "--params",
        files["params"],
        "--inspectors",
        files["inspectors"],
        "--witness",
        "张三=zhang-0001",
        "--witness",
        "李四=wrong-secret",
        "--lottery",
        "双色球2025045期=1 2 3",
        "-o",
        f"{files['dir']}/r.json",
    ]
    assert main(argv) == 2
    assert "见证人“李四”揭示的秘密与其事先提交的承诺值不符" in capsys.readouterr().err
