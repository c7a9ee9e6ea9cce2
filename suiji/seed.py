"""Random sources and the seed (spec §6): CSPRNG, witnesses' commit–reveal, RFC 3797 lotteries."""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from suiji.canonical import Json, canonical_json, nfc
from suiji.errors import InputError, WitnessMismatch
from suiji.hashing import tagged_hash
from suiji.params import Params

WITNESS_TAG = "suiji/1/witness"
SEED_TAG = "suiji/1/seed"
MIN_SECRET_CHARS = 8
_HEX64 = re.compile(r"[0-9a-f]{64}")


def witness_commitment(alg: str, name: str, secret: str) -> str:
    """hex H("suiji/1/witness"; name; secret), both UTF-8 after NFC."""
    return tagged_hash(
        alg, WITNESS_TAG, [nfc(name).encode("utf-8")], nfc(secret).encode("utf-8")
    ).hex()


def new_witness_secret() -> str:
    """128 random bits as 32 hex digits — what a witness writes down and keeps sealed."""
    return secrets.token_hex(16)


def rfc3797_text(groups: Sequence[Sequence[int]]) -> str:
    """Each group's numbers sorted ascending, each followed by "."; each group followed by "/".

    ``[[9319], [2, 5, 12, 8, 10]]`` → ``"9319./2.5.8.10.12./"`` (RFC 3797 §4).
    """
    out = []
    for group in groups:
        if not group:
            raise InputError("彩票开奖结果的每一组号码不能为空")
        for n in group:
            if isinstance(n, bool) or not isinstance(n, int) or n < 0:
                raise InputError(f"彩票号码必须是非负整数，实际为 {n!r}")
        out.append("".join(f"{n}." for n in sorted(group)) + "/")
    return "".join(out)


def parse_lottery_numbers(text: str) -> list[list[int]]:
    """ "3 8 12 19 25 31 / 7" (or with commas) → [[3, 8, 12, 19, 25, 31], [7]]."""
    groups = []
    for part in text.split("/"):
        items = [x for x in re.split(r"[\s,，、]+", part.strip()) if x]
        if not all(x.isdigit() for x in items):
            raise InputError(f"无法解析彩票开奖号码“{text}”：只允许数字、空格、逗号和分隔组的“/”")
        if items:
            groups.append([int(x) for x in items])
    if not groups:
        raise InputError(f"彩票开奖号码“{text}”为空")
    return groups


@dataclass(frozen=True)
class Sources:
    csprng: str | None
    witnesses: dict[str, str]  # name → revealed secret
    lotteries: dict[str, list[list[int]]]  # announced name → groups of numbers


def fresh_csprng() -> str:
    return secrets.token_bytes(32).hex()


def sources_record(params: Params, sources: Sources) -> dict[str, Json]:
    """Check every source against what was announced in the parameters; return the record form."""
    if params.csprng and (sources.csprng is None or not _HEX64.fullmatch(sources.csprng)):
        raise InputError("参数要求使用系统密码学随机数，但未提供 64 位十六进制随机值")
    if not params.csprng and sources.csprng is not None:
        raise InputError("参数未宣布使用系统随机数，不能临时加入")
    return {
        "csprng": sources.csprng,
        "witnesses": _witness_reveals(params, sources),
        "lotteries": _lottery_results(params, sources),
    }


def _witness_reveals(params: Params, sources: Sources) -> list[Json]:
    extra = sorted(set(sources.witnesses) - {w.name for w in params.witnesses})
    if extra:
        raise InputError(f"见证人“{extra[0]}”未在承诺阶段登记")
    out: list[Json] = []
    for w in params.witnesses:
        secret = sources.witnesses.get(w.name)
        if secret is None:
            raise InputError(f"缺少见证人“{w.name}”揭示的秘密")
        secret = nfc(secret)
        if len(secret) < MIN_SECRET_CHARS:
            raise InputError(f"见证人“{w.name}”的秘密过短（至少 {MIN_SECRET_CHARS} 个字符）")
        if witness_commitment(params.hash, w.name, secret) != w.commitment:
            raise WitnessMismatch(
                f"见证人“{w.name}”揭示的秘密与其事先提交的承诺值不符，拒绝使用；"
                "请核对秘密是否抄写有误，或确认承诺值是否被更改"
            )
        out.append({"name": w.name, "commitment": w.commitment, "secret": secret})
    return out


def _lottery_results(params: Params, sources: Sources) -> list[Json]:
    extra = sorted(set(sources.lotteries) - set(params.lotteries))
    if extra:
        raise InputError(f"彩票来源“{extra[0]}”未在承诺阶段宣布")
    out: list[Json] = []
    for name in params.lotteries:
        if name not in sources.lotteries:
            raise InputError(f"缺少事先宣布的彩票开奖结果“{name}”")
        groups = [sorted(g) for g in sources.lotteries[name]]
        out.append({"name": name, "numbers": groups, "text": rfc3797_text(groups)})
    return out


def sources_from_record(value: Json) -> Sources:
    if not isinstance(value, Mapping):
        raise InputError("记录中的 sources 必须是对象")
    try:
        return Sources(
            csprng=value.get("csprng"),
            witnesses={w["name"]: w["secret"] for w in value.get("witnesses", [])},
            lotteries={x["name"]: x["numbers"] for x in value.get("lotteries", [])},
        )
    except (KeyError, TypeError) as exc:
        raise InputError("记录中的 sources 格式不正确") from exc


def derive_seed(alg: str, commitment_digest: str, record_sources: Mapping[str, Json]) -> str:
    """seed = H("suiji/1/seed"; commitment digest; canonical JSON of the seed material)."""
    material = {
        "csprng": record_sources["csprng"],
        "lottery": "".join(x["text"] for x in record_sources["lotteries"]) or None,
        "witnesses": [
            {"name": w["name"], "secret": w["secret"]} for w in record_sources["witnesses"]
        ],
    }
    return tagged_hash(
        alg, SEED_TAG, [bytes.fromhex(commitment_digest)], canonical_json(material)
    ).hex()
