"""Candidate pools: CSV input, the canonical pool text and its streaming digest (spec §4.1)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from suiji.canonical import nfc
from suiji.errors import InputError

_FORBIDDEN = (",", '"', "\r", "\n")


def canonical_columns(columns: Sequence[str]) -> tuple[str, ...]:
    """``id`` first, then the other columns in code-point order."""
    cols = [nfc(c) for c in columns]
    if "id" not in cols:
        raise InputError("候选名单缺少 id 列（检查对象的公开编号）")
    if len(set(cols)) != len(cols):
        raise InputError("候选名单的列名重复")
    for c in cols:
        _check_value(c, "列名", 1)
        if not c:
            raise InputError("候选名单存在空列名")
    return ("id", *sorted(c for c in cols if c != "id"))


def _check_value(value: str, what: str, line_no: int) -> None:
    for ch in _FORBIDDEN:
        if ch in value:
            raise InputError(
                f"第 {line_no} 行：{what}“{value}”含有不允许的字符 {ch!r}（逗号、引号、换行）"
            )


BLOCK_BYTES = 1 << 22
BLOCK_LINES = 1 << 16


@dataclass
class PoolData:
    """A pool held in memory as canonical lines (bytes, each ending in b"\\n"), sorted by id."""

    columns: tuple[str, ...]
    lines: list[bytes] = field(repr=False)

    def header(self) -> bytes:
        return (",".join(self.columns) + "\n").encode("utf-8")

    def iter_blocks(self) -> Iterator[bytes]:
        """Canonical text in blocks of whole lines."""
        for start in range(0, len(self.lines), BLOCK_LINES):
            yield b"".join(self.lines[start : start + BLOCK_LINES])

    def as_text_rows(self) -> list[str]:
        return [line[:-1].decode("utf-8") for line in self.lines]


@dataclass
class PoolFile:
    """A pool CSV read lazily in blocks; rows must already be sorted by id."""

    path: str
    columns: tuple[str, ...] = ()
    _order: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        with _open(self.path) as fh:
            first = fh.readline()
        raw = _split(first.decode("utf-8-sig") if first else "", 1)
        self.columns = canonical_columns(raw)
        self._order = tuple(raw.index(c) for c in self.columns)

    def header(self) -> bytes:
        return (",".join(self.columns) + "\n").encode("utf-8")

    def as_text_rows(self) -> list[str]:
        return [
            line.decode("utf-8") for block in self.iter_blocks() for line in block.split(b"\n")[:-1]
        ]

    def iter_blocks(self, start: int | None = None, end: int | None = None) -> Iterator[bytes]:
        """Canonical text in blocks of whole lines: the file's own bytes when they already are
        canonical (the usual case), otherwise rewritten line by line. ``start``/``end`` are byte
        offsets at line boundaries (for sharding); line numbers in messages are then relative."""
        line_no = 2
        with _open(self.path) as fh:
            fh.readline()
            if start is not None:
                fh.seek(start)
            remaining = -1 if end is None else end - fh.tell()
            carry = b""
            while remaining != 0:
                chunk = fh.read(BLOCK_BYTES if remaining < 0 else min(BLOCK_BYTES, remaining))
                if not chunk:
                    break
                if remaining > 0:
                    remaining -= len(chunk)
                data = carry + chunk
                cut = data.rfind(b"\n") + 1
                carry, data = data[cut:], data[:cut]
                if data:
                    yield self._canonical(data, line_no)
                    line_no += data.count(b"\n")
            if carry:
                yield self._canonical(carry + b"\n", line_no)

    def _canonical(self, block: bytes, line_no: int) -> bytes:
        order = self._order
        plain = b'"' not in block and b"\r" not in block
        if plain and order == tuple(range(len(order))) and block.isascii():
            return block
        out = []
        for n, line in enumerate(block.split(b"\n")[:-1], start=line_no):
            if not plain and (b'"' in line or b"\r" in line):
                out.append(_slow_line(line + b"\n", n, order))
                continue
            if not line.isascii():
                line = _nfc_line(line, n)
            fields = line.split(b",")
            if len(fields) != len(order):
                raise InputError(f"第 {n} 行有 {len(fields)} 个字段，表头有 {len(order)} 列")
            out.append(b",".join([fields[i] for i in order]) + b"\n")
        return b"".join(out)


def _open(path: str) -> io.BufferedReader:
    try:
        return open(path, "rb")  # noqa: SIM115 - closed by the callers' with-blocks
    except OSError as exc:
        raise InputError(f"无法读取候选名单“{path}”：{exc.strerror}") from exc


def _split(text: str, line_no: int) -> list[str]:
    rows = list(csv.reader([text.rstrip("\r\n")]))
    if len(rows) != 1:
        raise InputError(f"第 {line_no} 行：无法解析（字段内不允许换行）")
    return rows[0]


def _slow_line(line: bytes, line_no: int, order: tuple[int, ...]) -> bytes:
    try:
        fields = _split(line.decode("utf-8"), line_no)
    except UnicodeDecodeError as exc:
        raise InputError(f"第 {line_no} 行不是有效的 UTF-8 编码") from exc
    if len(fields) != len(order):
        raise InputError(f"第 {line_no} 行有 {len(fields)} 个字段，表头有 {len(order)} 列")
    values = [nfc(fields[i]) for i in order]
    for v in values:
        _check_value(v, "取值", line_no)
    return (",".join(values) + "\n").encode("utf-8")


def _nfc_line(line: bytes, line_no: int) -> bytes:
    try:
        text = line.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"第 {line_no} 行不是有效的 UTF-8 编码") from exc
    return nfc(text).encode("utf-8")


def pool_from_rows(
    columns: Sequence[str], rows: Iterable[Sequence[str] | Mapping[str, str]]
) -> PoolData:
    """Build a pool from rows in any order (lists in ``columns`` order, or mappings).

    Values are NFC-normalised and checked; rows are sorted by id; a duplicate id is refused.
    """
    cols = canonical_columns(columns)
    raw = [nfc(c) for c in columns]
    order = [raw.index(c) for c in cols]
    keyed: list[tuple[bytes, bytes]] = []
    for n, row in enumerate(rows, start=2):
        if isinstance(row, Mapping):
            values = [nfc(str(row[c])) for c in cols]
        else:
            if len(row) != len(raw):
                raise InputError(f"第 {n} 行有 {len(row)} 个字段，表头有 {len(raw)} 列")
            values = [nfc(str(row[i])) for i in order]
        for v in values:
            _check_value(v, "取值", n)
        line = (",".join(values) + "\n").encode("utf-8")
        keyed.append((values[0].encode("utf-8"), line))
    keyed.sort()
    for (a, _), (b, _) in zip(keyed, keyed[1:], strict=False):
        if a == b:
            raise InputError(f"候选名单中检查对象编号“{a.decode()}”重复")
    return PoolData(cols, [line for _, line in keyed])


def load_pool_csv(path: str) -> PoolData:
    """Read a whole CSV into memory, in any row order, and sort it (for unsorted inputs)."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        try:
            header = next(reader)
        except StopIteration:
            raise InputError(f"候选名单“{path}”为空") from None
        return pool_from_rows(header, reader)


def pool_from_text_rows(columns: Sequence[str], rows: Sequence[str]) -> PoolData:
    """The inline form of a record: canonical lines without their newline."""
    return PoolData(canonical_columns(columns), [(r + "\n").encode("utf-8") for r in rows])


PoolSource = PoolData | PoolFile


def iter_lines(source: PoolSource) -> Iterator[bytes]:
    """Canonical lines one by one, each with its newline (for small inputs)."""
    for block in source.iter_blocks():
        for line in block.split(b"\n")[:-1]:
            yield line + b"\n"
