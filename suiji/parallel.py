"""Sharded scan of a large pool file over two processes (spec §11).

Hash-ranked selection splits exactly over shards: the k smallest keys of a stratum are among the k
smallest of each shard. The file is cut at line boundaries into a few dozen chunks; the parent
takes chunks from the front, a forked child from the back, each claiming the next one from a shared
pair of counters until they meet, so a process slowed by other work on the machine simply scans
fewer chunks. The parent hashes the canonical text in order (its own chunks as it scans them, the
child's afterwards), merges counts and buffers, and checks the order across every cut. Any error
is reproduced by a serial scan so the message names the exact row.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable
from typing import TYPE_CHECKING

from suiji.errors import InputError
from suiji.hashing import frame, new_hash
from suiji.params import Params
from suiji.pool import PoolFile, PoolSource
from suiji.scan import POOL_TAG, KeyPlan, ScanResult, Tally, _Scanner, finish, scan_pool

if TYPE_CHECKING:
    from multiprocessing.connection import Connection
    from multiprocessing.context import ForkContext, SpawnContext
    from multiprocessing.sharedctypes import SynchronizedArray

MIN_BYTES = 16 << 20  # below this, a second process costs more than it saves
CHUNKS = 48  # claimed one at a time: fine enough to balance, coarse enough to cost nothing
MIN_CHUNK = 1 << 20

Bounds = list[tuple[int, bytes, bytes]]  # per scanned chunk: (index, first id, last id)


def workers() -> int:
    wanted = os.environ.get("SUIJI_WORKERS")
    if wanted is not None:
        return max(1, int(wanted))
    return min(2, os.cpu_count() or 1)


def _cuts(path: str) -> list[int]:
    """Line-boundary offsets: start of the data, …, end of file (strictly increasing)."""
    size = os.path.getsize(path)
    with open(path, "rb") as fh:
        fh.readline()
        cuts = [fh.tell()]
        step = max(MIN_CHUNK, (size - cuts[0]) // CHUNKS)
        while cuts[-1] + step < size:
            fh.seek(cuts[-1] + step)
            fh.readline()
            if fh.tell() >= size:
                break
            cuts.append(fh.tell())
    cuts.append(size)
    return cuts


def _claim(shared: SynchronizedArray[int], front: bool) -> int | None:
    with shared.get_lock():
        lo, hi = shared[0], shared[1]
        if lo >= hi:
            return None
        if front:
            shared[0] = lo + 1
            return lo
        shared[1] = hi - 1
        return hi - 1


def _scan_chunks(
    scanner: _Scanner,
    pool: PoolFile,
    cuts: list[int],
    claim: Callable[[], int | None],
    digest: Callable[[bytes], None] | None = None,
) -> Bounds:
    bounds: Bounds = []
    while (i := claim()) is not None:
        scanner.tally.prev = b""  # order is checked inside a chunk here, across chunks later
        first = b""
        for block in pool.iter_blocks(cuts[i], cuts[i + 1]):
            if digest:
                digest(block)
            if not first:
                first = block.partition(b"\n")[0].partition(b",")[0]
            scanner.block(block)
        bounds.append((i, first, scanner.tally.prev))
    return bounds


def _child(
    conn: Connection,
    shared: SynchronizedArray[int],
    pool: PoolFile,
    params: Params,
    plan: KeyPlan | None,
    cuts: list[int],
) -> None:
    gc.disable()
    try:
        scanner = _Scanner(pool, params, plan)
        bounds = _scan_chunks(scanner, pool, cuts, lambda: _claim(shared, False))
        conn.send((scanner.tally, bounds))  # plain data: cheap to send back
    except BaseException:  # noqa: BLE001 - the parent re-runs serially and reports it exactly
        conn.send(None)
    finally:
        conn.close()


def scan_file(pool: PoolFile, params: Params, plan: KeyPlan | None = None) -> ScanResult:
    cuts = _cuts(pool.path)
    if workers() < 2 or cuts[-1] - cuts[0] < MIN_BYTES or len(cuts) < 3:
        return scan_pool(pool, params, plan)
    try:
        result = _sharded(pool, params, plan, cuts)
    except InputError:
        return scan_pool(pool, params, plan)  # re-raises with the exact row
    if plan is not None and not result.complete:
        return scan_pool(pool, params, plan.unhinted())
    return result


def _sharded(pool: PoolFile, params: Params, plan: KeyPlan | None, cuts: list[int]) -> ScanResult:
    context: ForkContext | SpawnContext = (
        multiprocessing.get_context("fork")
        if "fork" in multiprocessing.get_all_start_methods()
        else multiprocessing.get_context("spawn")
    )
    shared = context.Array("l", [0, len(cuts) - 1])
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(send, shared, pool, params, plan, cuts))
    collect = gc.isenabled()
    gc.disable()
    answer: tuple[Tally, Bounds] | None = None
    received = False
    try:
        child.start()
        send.close()
        scanner = _Scanner(pool, params, plan)
        h = new_hash(params.hash)
        h.update(frame(POOL_TAG))
        h.update(pool.header())
        bounds = _scan_chunks(scanner, pool, cuts, lambda: _claim(shared, True), h.update)
        for block in pool.iter_blocks(cuts[len(bounds)], cuts[-1]):
            h.update(block)  # the child's chunks, in order
        try:
            answer = receive.recv()
        except EOFError:
            answer = None  # the child died without answering: the serial scan takes over
        received = True
    finally:
        if child.pid is not None:
            if not received:  # the parent failed first: the child's work is moot
                child.kill()
            child.join()
        receive.close()
        if collect:
            gc.enable()
    if answer is None:
        raise InputError("分段扫描失败")
    right, right_bounds = answer
    _check_cuts(bounds + right_bounds)
    return finish(_merge(scanner.tally, right), scanner.keep, scanner.hinted, h.hexdigest())


def _check_cuts(bounds: Bounds) -> None:
    bounds.sort()
    for (_, _, last), (_, first, _) in zip(bounds, bounds[1:], strict=False):
        if last and first and not last < first:
            raise InputError("候选名单在分段处未按编号升序排列")


def _merge(left: Tally, right: Tally) -> Tally:
    left.counts = [a + b for a, b in zip(left.counts, right.counts, strict=True)]
    left.found |= right.found
    left.rows += right.rows
    for a, b in zip(left.strata, right.strata, strict=True):
        a.buffer.extend(b.buffer)
        a.entries.extend(b.entries)
        a.weights.update(b.weights)
    return left


def scan_any(source: PoolSource, params: Params, plan: KeyPlan | None = None) -> ScanResult:
    if isinstance(source, PoolFile):
        return scan_file(source, params, plan)
    return scan_pool(source, params, plan)
