"""Portal load test (issue 6): gunicorn on loopback against the 1,000,000-result database left by
bench/portal_bench.py, and wrk against the subject search and a task page. Prints requests per
second and wrk's latency percentiles. Asserts nothing.

    python bench/portal_bench.py && python bench/portal_load.py [--workers 2] [--seconds 20]

Needs wrk (`make bench-deps`). The rate limit is the public API's; these are pages, not limited.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
DB = "bench_portal"
PORT = 8765
TASK = "2026-PORTAL-BENCH-007"
SEARCHES = ["恒发", "城关瑞丰", "商贸", "91480321MA00123456"]


def _psql(sql: str) -> str:
    out = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-Atc", sql, DB],
        capture_output=True,
        text=True,
        check=False,
    )
    return out.stdout.strip()


def _wait(url: str) -> None:
    for _ in range(100):
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer {url}")


def _wrk(url: str, seconds: int, connections: int, label: str, script: Path | None) -> None:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    if script is not None:
        command += ["-s", str(script)]
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    rps = next(line.split()[1] for line in out.splitlines() if line.startswith("Requests/sec"))
    pct = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2 and parts[0] in ("50%", "75%", "90%", "99%"):
            pct[parts[0]] = parts[1]
    errors = [line.strip() for line in out.splitlines() if "Non-2xx" in line or "errors" in line]
    print(
        f"{label:<28}{rps:>10}{pct.get('50%', ''):>10}{pct.get('90%', ''):>10}"
        f"{pct.get('99%', ''):>10}  {' '.join(errors)}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed (make bench-deps): nothing measured")
        return
    if _psql("SELECT count(*) FROM publication_resultpublication") in ("", "0"):
        print(f"database {DB} is missing: run python bench/portal_bench.py first")
        return
    # one task of the bench made public (its page lists its newest 100 results)
    _psql(f"UPDATE tasks_task SET status = 'completed' WHERE code = '{TASK}'")
    env = dict(
        os.environ,
        DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{DB}",
        DATABASE_CONN_MAX_AGE="600",
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        CACHE_URL=os.environ.get("CACHE_URL", "redis://127.0.0.1:6379/9"),
        PRIVATE_FILES_ROOT="/tmp/bench_portal_private",
    )
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "config.wsgi",
            "--bind",
            f"127.0.0.1:{PORT}",
            "--workers",
            str(args.workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    base = f"http://127.0.0.1:{PORT}"
    try:
        _wait(f"{base}/public/")
        print(
            f"gunicorn {args.workers} workers, wrk 2 threads × {args.connections} connections, "
            f"{args.seconds} s each, 1,000,000 published results"
        )
        print(f"{'page':<28}{'req/s':>10}{'p50':>10}{'p90':>10}{'p99':>10}")
        script = Path("/tmp/portal_load_searches.lua")
        paths = ", ".join(f'"/public/results/?q={quote(q)}"' for q in SEARCHES)
        script.write_text(
            f"local paths = {{{paths}}}\nlocal i = 0\n"
            "request = function()\n  i = i % #paths + 1\n"
            "  return wrk.format('GET', paths[i])\nend\n",
            encoding="utf-8",
        )
        _wrk(
            f"{base}/public/results/",
            args.seconds,
            args.connections,
            "subject search (mixed)",
            script,
        )
        _wrk(
            f"{base}/public/results/?q={quote('恒发')}",
            args.seconds,
            args.connections,
            "search by name 恒发",
            None,
        )
        _wrk(
            f"{base}/public/subjects/91480321MA00123456/",
            args.seconds,
            args.connections,
            "subject page by code",
            None,
        )
        _wrk(f"{base}/public/tasks/{TASK}/", args.seconds, args.connections, "task page", None)
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    sys.exit(main())
