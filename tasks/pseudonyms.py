"""The public, pseudonymous form of a subject draw (E3, security 15; spec §12).

At commit time every candidate gets a fresh 128-bit salt from the CSPRNG and the pool row's id
becomes `pseudonym = H("suiji/1/pseudonym"; salt; public id)`; the strata are numbered 第1层 …
第n层 in a random order drawn at the same moment. Both are fixed before the seed exists, so they
cannot steer the outcome: the engine draws over the committed pseudonymous pool as over any pool.

The private mapping file (one line per candidate: pseudonym, salt, public id, registry row and the
attributes that placed it — the registry snapshot) stays in private storage; its SHA-256 is kept
in the draw's internal data and the audit trail. After the draw only the selected and substitute
rows are revealed.
"""

from __future__ import annotations

import csv
import hashlib
import io
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import suiji
from tasks.pool import OUTSIDE, POOL_COLUMNS, WEIGHTED_POOL_COLUMNS, Candidate, draws_folder

INTERNAL_FORMAT = "pseudonymous/1"
MAPPING_COLUMNS = (
    "pseudonym",
    "salt",
    "public_id",
    "subject",
    "layer",
    "stratum",
    "risk",
    "lists",
    "complaints",
    "adverse",
    "cases",
    "weight",
)
CLASSES = ("A", "B", "C", "D")
# Internal stratum keys in first-match order, with the names staff see (never published).
STRATUM_NAMES = {
    "lists": "经营异常或严重违法失信",
    "A": "A类",
    "B": "B类",
    "C": "C类",
    "D": "D类",
    "none": "未分类",
    "all": "全部",
}


@dataclass(frozen=True)
class Layer:
    """One stratum: its number in the pool, its public (neutral) and internal names."""

    number: str
    label: str
    key: str
    ratio: Decimal | None  # percent; None for a count

    @property
    def internal_name(self) -> str:
        return STRATUM_NAMES[self.key]

    def as_json(self) -> dict[str, Any]:
        return {"layer": self.number, "name": self.label, "key": self.key}


def stratum_key(c: Candidate, ratios: dict[str, Decimal | None], count: int | None) -> str | None:
    """The first stratum whose condition holds: on a list (if that stratum has a ratio), else
    the credit-risk class (if it has one); None = in no stratum."""
    if count:
        return "all"
    if c.flagged and ratios.get("lists") is not None:
        return "lists"
    key = c.risk or "none"
    return key if ratios.get(key) is not None else None


def plan_layers(
    ratios: dict[str, Decimal | None], count: int | None, *, shuffle: bool
) -> list[Layer]:
    """The strata to draw. Committed draws number them in a random order and name them
    neutrally; a preview keeps the internal order and names (it is never published)."""
    if count:
        return [Layer("1", STRATUM_NAMES["all"], "all", None)]
    keys = [k for k in ("lists", *CLASSES, "none") if ratios.get(k) is not None]
    if shuffle:
        secrets.SystemRandom().shuffle(keys)
    return [
        Layer(str(n), f"第{n}层" if shuffle else STRATUM_NAMES[k], k, ratios[k])
        for n, k in enumerate(keys, start=1)
    ]


@dataclass
class PseudonymousPool:
    pool: suiji.PoolData
    by_public_id: dict[str, str]  # public id → pseudonym
    mapping: list[tuple[str, ...]]  # MAPPING_COLUMNS, sorted by pseudonym


def _layer_of(
    c: Candidate, layers: list[Layer], ratios: dict[str, Decimal | None], count: int | None
) -> Layer | None:
    key = stratum_key(c, ratios, count)
    return next((lay for lay in layers if lay.key == key), None)


def build(
    found: list[Candidate],
    layers: list[Layer],
    ratios: dict[str, Decimal | None],
    count: int | None,
    *,
    weighted: bool,
    alg: str,
    salts: Iterable[str] | None = None,
    preview: bool = False,
) -> PseudonymousPool:
    """The pool over pseudonyms with fresh salts (or the given ones). A preview keeps the public
    ids: it is never committed, and the stratum sizes do not depend on the ids."""
    if preview:
        salt_list = [""] * len(found)
    else:
        salt_list = list(salts) if salts is not None else suiji.new_salts(len(found))
    rows: list[tuple[str, ...]] = []
    mapping: list[tuple[str, ...]] = []
    by_public_id: dict[str, str] = {}
    for c, salt in zip(found, salt_list, strict=True):
        name = c.public_id if preview else suiji.pseudonym(alg, salt, c.public_id)
        layer = _layer_of(c, layers, ratios, count)
        number = layer.number if layer else OUTSIDE
        row = (name, number, str(c.weight)) if weighted else (name, number)
        rows.append(row)
        by_public_id[c.public_id] = name
        mapping.append(
            (
                name,
                salt,
                c.public_id,
                str(c.subject_id),
                number,
                layer.key if layer else "",
                c.risk,
                "1" if c.flagged else "0",
                str(c.complaints),
                str(c.adverse),
                str(c.cases),
                str(c.weight),
            )
        )
    columns = WEIGHTED_POOL_COLUMNS if weighted else POOL_COLUMNS
    mapping.sort()
    return PseudonymousPool(suiji.pool_from_rows(columns, rows), by_public_id, mapping)


def save_mapping(name: str, mapping: list[tuple[str, ...]]) -> tuple[Path, str]:
    """Write the private mapping file; return its path and SHA-256."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(MAPPING_COLUMNS)
    writer.writerows(mapping)
    data = out.getvalue().encode("utf-8")
    path = draws_folder() / name
    path.write_bytes(data)
    return path, hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class MappingRow:
    pseudonym: str
    salt: str
    public_id: str
    subject_id: int
    layer: str
    stratum: str
    risk: str
    flagged: bool
    complaints: int
    adverse: int
    cases: int
    weight: int


class MappingError(Exception):
    pass


def load_mapping(path: str, digest: str) -> dict[str, MappingRow]:
    """Read the private mapping back, refusing a file whose SHA-256 differs from the one kept at
    commit time."""
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise MappingError(f"找不到假名对照表 {path}") from exc
    if hashlib.sha256(data).hexdigest() != digest:
        raise MappingError("假名对照表的摘要与承诺时记录的不一致，可能已被改动")
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    if tuple(next(reader, ())) != MAPPING_COLUMNS:
        raise MappingError("假名对照表的列不正确")
    rows: dict[str, MappingRow] = {}
    for r in reader:
        row = MappingRow(
            r[0],
            r[1],
            r[2],
            int(r[3]),
            r[4],
            r[5],
            r[6],
            r[7] == "1",
            int(r[8]),
            int(r[9]),
            int(r[10]),
            int(r[11]),
        )
        rows[row.pseudonym] = row
    return rows
