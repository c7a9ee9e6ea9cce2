"""命令行：python -m suiji {commit,witness,draw,verify,recuse}。部门可离线使用。

``verify --reveal`` 另核对假名名单的揭示文件（spec §12）。
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from suiji.canonical import load_json_file
from suiji.commitment import Commitment, commit
from suiji.errors import InputError, SuijiError
from suiji.params import Params, parse_params
from suiji.pool import PoolFile, PoolSource, load_pool_csv
from suiji.record import draw, dump_record, load_record, recuse
from suiji.reveal import check_reveal
from suiji.scan import NotSortedError
from suiji.seed import Sources, new_witness_secret, parse_lottery_numbers, witness_commitment
from suiji.verify import verify_record


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m suiji",
        description=(
            "双随机、一公开 抽取引擎：先承诺、后取种子；抽取检查对象与执法检查人员，任何人可复核。"
        ),
    )
    sub = p.add_subparsers(dest="command", required=True, metavar="命令")

    c = sub.add_parser("commit", help="计算并输出承诺（在任何随机数产生之前公布）")
    _inputs(c)
    c.add_argument("-o", "--output", help="承诺写入的 JSON 文件")

    w = sub.add_parser("witness", help="为见证人生成秘密及其承诺值")
    w.add_argument("--name", required=True, help="见证人姓名（须与参数中登记的一致）")
    w.add_argument("--secret", help="自备秘密（默认随机生成 128 位）")
    w.add_argument("--hash", default="sha256", choices=["sha256", "sm3"], help="哈希算法")

    d = sub.add_parser("draw", help="抽取检查对象（及检查人员），输出抽取记录")
    _inputs(d)
    d.add_argument("--commitment", help="事先公布的承诺 JSON；抽取前核对名单与参数未被更改")
    d.add_argument(
        "--witness",
        action="append",
        default=[],
        metavar="姓名=秘密",
        help="见证人揭示的秘密，可多次给出",
    )
    d.add_argument(
        "--lottery",
        action="append",
        default=[],
        metavar="名称=号码",
        help="事先宣布的彩票开奖结果，如 “双色球2025045期=3 8 12 19 25 31/7”（“/”分隔各组）",
    )
    d.add_argument("--csprng", metavar="HEX", help="指定系统随机值（仅用于复现测试；默认现场生成）")
    d.add_argument(
        "--no-inline-pool",
        action="store_true",
        help="记录中不内嵌候选名单（大名单时使用，复核需另附名单文件）",
    )
    d.add_argument("-o", "--output", required=True, help="抽取记录输出文件")

    v = sub.add_parser("verify", help="按抽取记录重新计算并核对，输出“验证通过”或首个不一致之处")
    v.add_argument("record", help="抽取记录 JSON 文件")
    v.add_argument("--pool", help="候选名单 CSV（记录未内嵌名单时必需）")
    v.add_argument(
        "--reveal",
        help="揭示文件 JSON（假名名单时：核对抽中和备选对象的公开标识、盐值与假名一致）",
    )

    r = sub.add_parser("recuse", help="抽取后回避：替换一名检查人员，作为新步骤追加到记录")
    r.add_argument("record", help="抽取记录 JSON 文件")
    r.add_argument("--subject", required=True, help="检查对象编号")
    r.add_argument("--inspector", required=True, help="需回避的检查人员编号")
    r.add_argument("--reason", required=True, help="回避理由")
    r.add_argument("--pool", help="候选名单 CSV（记录未内嵌名单时必需）")
    r.add_argument("-o", "--output", required=True, help="新的抽取记录输出文件")
    return p


def _inputs(p: argparse.ArgumentParser) -> None:
    p.add_argument("--pool", required=True, help="候选名单 CSV（UTF-8，含 id 列；建议按 id 升序）")
    p.add_argument("--params", required=True, help="抽取参数 JSON（suiji-params/1）")
    p.add_argument("--inspectors", help="执法检查人员名录 CSV（分派检查人员时必需）")


def _pairs(items: Sequence[str], what: str) -> dict[str, str]:
    out = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InputError(f"{what}应写成“名称=值”，实际为“{item}”")
        out[name.strip()] = value
    return out


def _commit(args: argparse.Namespace) -> tuple[PoolSource, Params, PoolSource | None, Commitment]:
    params = parse_params(load_json_file(args.params))
    inspectors = load_pool_csv(args.inspectors) if args.inspectors else None
    pool: PoolSource = PoolFile(args.pool)
    try:
        return pool, params, inspectors, commit(pool, params, inspectors)
    except NotSortedError:
        print("提示：候选名单未按 id 升序排列，改为读入内存排序后处理。", file=sys.stderr)
        pool = load_pool_csv(args.pool)
        return pool, params, inspectors, commit(pool, params, inspectors)


def _print_commitment(c: Commitment) -> None:
    body = c.body
    pool = body["pool"]
    assert isinstance(pool, dict)
    print(f"承诺摘要（commitment）：{c.digest}")
    print(f"候选名单摘要：{pool['digest']}（{pool['count']} 条，未入层 {pool['outside']} 条）")
    print(f"参数摘要：{body['params_digest']}    哈希算法：{body['hash']}")
    for s in c.plans:
        print(
            f"  层“{s.stratum.name}”：名单 {s.population}，排除 {s.excluded}，可抽 {s.eligible}，"
            f"抽取 {s.size}，备选 {s.stratum.substitutes}（{s.stratum.method}）"
        )


def cmd_commit(args: argparse.Namespace) -> int:
    _, _, _, c = _commit(args)
    _print_commitment(c)
    if args.output:
        with open(args.output, "w", encoding="utf-8") as fh:
            fh.write(json.dumps(c.as_json(), ensure_ascii=False, indent=1) + "\n")
    return 0


def cmd_witness(args: argparse.Namespace) -> int:
    secret = args.secret or new_witness_secret()
    print(f"见证人：{args.name}")
    print(f"秘密（抽取时当众揭示，此前妥善保管）：{secret}")
    commitment = witness_commitment(args.hash, args.name, secret)
    print(f"承诺值（抽取前登记到参数 sources.witnesses）：{commitment}")
    return 0


def cmd_draw(args: argparse.Namespace) -> int:
    pool, params, inspectors, c = _commit(args)
    if args.commitment:
        published = load_json_file(args.commitment)
        if not isinstance(published, dict) or published.get("digest") != c.digest:
            raise InputError("候选名单、参数或检查人员名录与事先公布的承诺不一致，拒绝抽取")
    lotteries = {k: parse_lottery_numbers(v) for k, v in _pairs(args.lottery, "--lottery").items()}
    sources = Sources(args.csprng, _pairs(args.witness, "--witness"), lotteries)
    record = draw(
        pool,
        params,
        sources=sources,
        commitment=c,
        inspectors=inspectors,
        inline_pool=not args.no_inline_pool,
    )
    with open(args.output, "w", encoding="utf-8") as fh:
        fh.write(dump_record(record))
    _print_commitment(c)
    print(f"种子（seed）：{record['seed']}")
    for st in record["subjects"]:
        print(
            f"  层“{st['name']}”：抽中 {len(st['selected'])} 户，备选 {len(st['substitutes'])} 户"
        )
    if record["assignment"]:
        print(f"  已为 {len(record['assignment']['teams'])} 个检查对象分派检查组")
    print(f"抽取记录已写入 {args.output}")
    return 0


def cmd_verify(args: argparse.Namespace) -> int:
    record = load_record(args.record)
    result = verify_record(record, PoolFile(args.pool) if args.pool else None)
    print(result.message)
    if not args.reveal:
        return 0 if result.ok else 1
    revealed = check_reveal(load_json_file(args.reveal), record)
    print(revealed.message)
    return 0 if result.ok and revealed.ok else 1


def cmd_recuse(args: argparse.Namespace) -> int:
    record = load_record(args.record)
    pool = PoolFile(args.pool) if args.pool else None
    new = recuse(record, args.subject, args.inspector, args.reason, pool=pool)
    step = new["steps"][-1]
    with open(args.output, "w", encoding="utf-8") as fh:
        fh.write(dump_record(new))
    kind = "（递补）" if step["substitute"] else ""
    print(
        f"第 {step['step']} 步：检查对象“{step['subject']}”的检查人员“{step['removed']}”回避，"
        f"由“{step['added']}”{kind}替换；记录已写入 {args.output}"
    )
    return 0


COMMANDS = {
    "commit": cmd_commit,
    "witness": cmd_witness,
    "draw": cmd_draw,
    "verify": cmd_verify,
    "recuse": cmd_recuse,
}


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except SuijiError as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 1 if args.command == "verify" else 2
