"""Sharded scan of a large pool file over two processes (spec §11).

Hash-ranked selection splits exactly over shards: the k smallest keys of a stratum are among the k
smallest of each shard. The file is cut at a line boundary; each half is scanned alone; the parent
hashes the whole canonical text meanwhile, merges counts and buffers, and checks the order across
the cut. Any error is reproduced by a serial scan so the message names the exact row.
"""

from __future__ import annotations

import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

from suiji.errors import InputError
from suiji.hashing import frame, new_hash
from suiji.params import Params
from suiji.pool import PoolFile, PoolSource
from suiji.scan import POOL_TAG, KeyPlan, ScanResult, StratumScan, _Scanner, scan_pool

MIN_BYTES = 16 << 20  # below this, a second process costs more than it saves


def workers() -> int:
    wanted = os.environ.get("SUIJI_WORKERS")
    if wanted is not None:
        return max(1, int(wanted))
    return min(2, os.cpu_count() or 1)


def _cut(path: str) -> tuple[int, int, int]:
    """(start of data, middle line boundary, end of file)."""
    size = os.path.getsize(path)
    with open(path, "rb") as fh:
        fh.readline()
        start = fh.tell()
        fh.seek(max(start, (start + size) // 2))
        fh.readline()
        middle = min(fh.tell(), size)
    return start, middle, size


def _scan_range(
    pool: PoolFile, params: Params, plan: KeyPlan | None, start: int, end: int
) -> tuple[_Scanner, bytes]:
    scanner = _Scanner(pool, params, plan)
    first = b""
    for block in pool.iter_blocks(start, end):
        if not first:
            first = block.partition(b",")[0].partition(b"\n")[0]
        scanner.block(block)
    return scanner, first


def _child(
    pool: PoolFile, params: Params, plan: KeyPlan | None, start: int, end: int
) -> tuple[_Scanner, bytes]:
    import gc

    gc.disable()
    scanner, first = _scan_range(pool, params, plan, start, end)
    scanner.classes.clear()  # the memo holds a closure; it is not needed back in the parent
    scanner.classes.decide = None  # type: ignore[assignment]
    scanner.hfn = None  # type: ignore[assignment]
    return scanner, first


def scan_file(pool: PoolFile, params: Params, plan: KeyPlan | None = None) -> ScanResult:
    start, middle, end = _cut(pool.path)
    if workers() < 2 or end - start < MIN_BYTES or middle >= end:
        return scan_pool(pool, params, plan)
    try:
        return _sharded(pool, params, plan, start, middle, end)
    except InputError:
        return scan_pool(pool, params, plan)  # re-raises with the exact row


def _sharded(
    pool: PoolFile, params: Params, plan: KeyPlan | None, start: int, middle: int, end: int
) -> ScanResult:
    methods = multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as ex:
        future = ex.submit(_child, pool, params, plan, middle, end)
        import gc

        collect = gc.isenabled()
        gc.disable()
        try:
            left, _ = _scan_range(pool, params, plan, start, middle)
            h = new_hash(params.hash)
            h.update(frame(POOL_TAG))
            h.update(pool.header())
            for block in pool.iter_blocks(start, end):
                h.update(block)
        finally:
            if collect:
                gc.enable()
        right, right_first = future.result()
    if right.rows and left.rows and not left.prev < right_first:
        raise InputError("候选名单在分段处未按编号升序排列")
    return _merge(left, right, h.hexdigest())


def _merge(left: _Scanner, right: _Scanner, digest: str) -> ScanResult:
    left.counts.update(right.counts)
    left.found |= right.found
    left.rows += right.rows
    merged: list[StratumScan] = []
    for a, b in zip(left.strata, right.strata, strict=True):
        a.best.extend(b.best)
        a.entries.extend(b.entries)
        a.weights.update(b.weights)
        merged.append(a)
    left.strata = merged
    return left.result(digest)


def scan_any(source: PoolSource, params: Params, plan: KeyPlan | None = None) -> ScanResult:
    if isinstance(source, PoolFile):
        return scan_file(source, params, plan)
    return scan_pool(source, params, plan)
