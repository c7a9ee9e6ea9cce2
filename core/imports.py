"""Batch import from csv and xlsx (A6, security 13 and 17), shared by every registry.

The shape, for every registry (`ImportSpec` subclasses live in each app's `imports.py`):

1. the file is sniffed (xlsx by its zip signature; csv as UTF-8 with or without BOM, else GB18030);
2. the header row is checked first: unknown, duplicate or missing required columns stop the import;
3. rows are streamed and validated one by one (Chinese messages naming row, column and reason),
   and in chunks against the database (existing rows by code, uniqueness);
4. preview (`commit=False`) writes nothing; commit runs the same pass inside one transaction and
   rolls everything back when any row is bad — all or nothing;
5. a row whose code exists is an update, traced with before/after; a row equal to what is stored is
   unchanged, so re-importing the same file changes nothing.

Memory does not grow with the file: rows are never kept beyond their chunk, plus at most
`MAX_ERRORS` errors. Repeated codes are found with a dict of the codes seen so far (small
registries), or, for a spec that `checks_repeats_itself` (the subject registry, millions of rows),
by the spec: a `KeyLedger` on disk when previewing, the database's unique constraints when
committing. When the database refuses a repeated key, the commit rolls back and a preview pass
names the rows.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import gc
import hashlib
import json
import os
import re
import secrets
import threading
import time
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction

MAX_ERRORS = 1000
SAMPLE_CHANGES = 20
LIST_SEPARATORS = re.compile(r"[、,，;；\n]+")
TRUE_WORDS = frozenset({"是", "y", "yes", "true", "1", "√", "有"})
FALSE_WORDS = frozenset({"否", "n", "no", "false", "0", "", "无"})

ProgressFn = Callable[[int, int | None], None]


class ImportRejected(Exception):
    """A problem with the whole file (format, encoding, header): nothing was read."""


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    note: str = ""
    example: str = ""
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str
    value: str = ""

    def __str__(self) -> str:
        where = f"“{self.column}”列" if self.column else ""
        return f"第 {self.row} 行{where}：{self.message}"


@dataclass
class Change:
    action: str  # "create" or "update"
    row: int
    code: str
    before: dict[str, Any]
    after: dict[str, Any]
    state: dict[str, Any] = field(default_factory=dict)  # every column after the change


@dataclass
class ImportResult:
    filename: str = ""
    sha256: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    error_count: int = 0
    errors: list[RowError] = field(default_factory=list)
    samples: list[Change] = field(default_factory=list)
    truncated: bool = False
    committed: bool = False
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return self.error_count == 0

    @property
    def changed(self) -> int:
        return self.created + self.updated

    def summary(self) -> dict[str, Any]:
        """What a committed import's audit event records about the file and its outcome."""
        return {
            "file": self.filename,
            "sha256": self.sha256,
            "rows": self.rows,
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }

    def add_error(self, error: RowError) -> None:
        self.error_count += 1
        if len(self.errors) < MAX_ERRORS:
            self.errors.append(error)


class ImportSpec(ABC):
    """What one registry's import knows: its columns, how to clean a row, how to read and write."""

    label: str = ""  # 检查对象
    columns: tuple[Column, ...] = ()
    key: str = "code"
    chunk_size: int = 2000
    filename: str = ""  # set by run_import, for audit reasons
    committing: bool = False  # set by run_import: this pass writes
    expected_rows: int | None = None  # set by run_import: the file's row count, if known
    # True: the spec finds repeated keys itself (see the module's docstring), not `_process`.
    checks_repeats_itself: bool = False

    def headers(self) -> list[str]:
        """The template's columns (columns whose key starts with "_" are export-only extras that
        an import accepts and ignores, so an exported file can be imported again)."""
        return [c.header for c in self.columns if not c.key.startswith("_")]

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)

    def begin(self) -> None:  # noqa: B027 — optional hook
        """Load reference data before the first row."""

    @abstractmethod
    def clean(self, row: int, raw: Mapping[str, str]) -> tuple[dict[str, Any], list[RowError]]:
        """Parse the present columns of one row into canonical values (and its code)."""

    def clean_values(
        self, row: int, keys: Sequence[str], values: Sequence[str]
    ) -> tuple[dict[str, Any], list[RowError]]:
        """`clean` for the row's cells in `keys` order (a spec may skip building the dict)."""
        return self.clean(row, dict(zip(keys, values, strict=True)))

    @abstractmethod
    def defaults(self) -> dict[str, Any]:
        """Canonical values of the columns a new record gets when the file lacks them."""

    @abstractmethod
    def existing(self, rows: Sequence[tuple[int, dict[str, Any]]]) -> dict[str, dict[str, Any]]:
        """Canonical values of the stored records with the codes of these cleaned rows. A spec
        may return a row's own values for a record it knows to be identical (e.g. by a hash)."""

    def check_chunk(  # noqa: B027 — optional hook
        self, rows: Sequence[tuple[int, dict[str, Any]]], stored: Mapping[str, dict[str, Any]]
    ) -> list[RowError]:
        """Checks that need the database (uniqueness of other fields)."""
        return []

    @abstractmethod
    def write(self, creates: list[dict[str, Any]], updates: list[Change]) -> None:
        """Create and update one chunk (inside the import's transaction), with audit events."""

    @abstractmethod
    def finish(self, result: ImportResult) -> None:
        """Record the import's summary audit event (inside the transaction)."""

    def final_errors(self) -> list[RowError]:
        """Errors only the whole file shows (repeats found at the end), after the last chunk."""
        return []

    def close(self, error: BaseException | None) -> None:  # noqa: B027 — optional hook
        """Release what the pass held (an open COPY, temporary files), also after an error."""

    def row_error(self, row: int, key: str, message: str, value: str = "") -> RowError:
        return RowError(row, self.column(key).header if key else "", message, value[:200])


# --- reading ---------------------------------------------------------------------------------


@dataclass
class Table:
    headers: list[str]
    rows: Iterator[tuple[int, list[str]]]
    total: int | None
    close: Callable[[], None]


def sniff_format(path: Path) -> str:
    with open(path, "rb") as handle:
        head = handle.read(8)
    if head.startswith(b"PK\x03\x04"):
        return "xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportRejected(
            "不支持旧版 Excel（.xls）文件，请在 Excel 中另存为 .xlsx 或 .csv 后再导入"
        )
    return "csv"


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without BOM) if the whole file decodes as UTF-8, else GB18030 (Excel on
    Chinese Windows saves csv as GBK, which GB18030 contains)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with open(path, "rb") as handle:
        try:
            while chunk := handle.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "gb18030"
    return "utf-8-sig"


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _open_csv(path: Path) -> Table:
    encoding = detect_encoding(path)
    with open(path, "rb") as counter:
        total = max(
            sum(chunk.count(b"\n") for chunk in iter(lambda: counter.read(1 << 20), b"")), 1
        )
    handle = open(path, encoding=encoding, newline="")  # noqa: SIM115 — closed by Table.close
    try:
        reader = csv.reader(handle)
        headers = next(reader, None)
    except (csv.Error, UnicodeDecodeError) as exc:
        handle.close()
        raise ImportRejected(f"无法读取 CSV 文件：{exc}") from exc
    if headers is None:
        handle.close()
        raise ImportRejected("文件是空的：第 1 行应为列标题")

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            strip = str.strip
            for number, record in enumerate(reader, start=2):
                yield number, list(map(strip, record))
        except csv.Error as exc:
            raise ImportRejected(f"CSV 格式错误（约第 {reader.line_num} 行）：{exc}") from exc

    return Table([h.strip() for h in headers], rows(), total - 1, handle.close)


def _open_xlsx(path: Path) -> Table:
    from core import xlsx_reader

    try:
        iterator = xlsx_reader.iter_rows(path)
        first = next(iterator, None)
    except Exception as exc:  # a damaged zip or XML raises many kinds
        raise ImportRejected("无法读取 Excel 文件：文件已损坏或不是 .xlsx 格式") from exc
    if first is None:
        raise ImportRejected("文件是空的：第 1 行应为列标题")
    headers = [_cell_text(v) for v in first]
    while headers and not headers[-1]:
        headers.pop()

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for number, values in enumerate(iterator, start=2):
                yield number, [_cell_text(v) for v in values]
        except Exception as exc:  # noqa: BLE001 — reported as a file problem, in Chinese
            raise ImportRejected("Excel 文件内容已损坏，无法继续读取") from exc

    with zipfile.ZipFile(path) as archive:
        total = _xlsx_row_estimate(archive)
    return Table(headers, rows(), total, lambda: None)


def _xlsx_row_estimate(archive: zipfile.ZipFile) -> int | None:
    """The sheet's declared dimension (A1:O100001 → 100000 data rows), if Excel wrote one."""
    for name in archive.namelist():
        if name.startswith("xl/worksheets/") and name.endswith(".xml"):
            with archive.open(name) as handle:
                head = handle.read(4096).decode("utf-8", "ignore")
            match = re.search(r'<dimension ref="[A-Z]+\d+:[A-Z]+(\d+)"', head)
            return int(match.group(1)) - 1 if match else None
    return None


def open_table(path: Path) -> Table:
    return _open_xlsx(path) if sniff_format(path) == "xlsx" else _open_csv(path)


def _normalise_header(text: str) -> str:
    return text.replace("*", "").replace("（", "(").replace("）", ")").replace(" ", "").strip()


def map_headers(spec: ImportSpec, headers: Sequence[str]) -> dict[str, int]:
    """Column key → position. Rejects the file on unknown, duplicate or missing columns."""
    names: dict[str, str] = {}
    for column in spec.columns:
        for name in (column.header, *column.aliases):
            names[_normalise_header(name)] = column.key
    positions: dict[str, int] = {}
    unknown: list[str] = []
    for index, header in enumerate(headers):
        if not header:
            continue
        key = names.get(_normalise_header(header))
        if key is None:
            unknown.append(header)
        elif key in positions:
            raise ImportRejected(f"列“{header}”出现了两次，请删除重复的列")
        else:
            positions[key] = index
    if unknown:
        raise ImportRejected(
            f"无法识别的列：{'、'.join(unknown)}。请使用模板中的列标题（可下载导入模板）"
        )
    missing = [c.header for c in spec.columns if c.required and c.key not in positions]
    if missing:
        raise ImportRejected(f"缺少必填列：{'、'.join(missing)}")
    return positions


# --- running ---------------------------------------------------------------------------------


class _Rollback(Exception):
    pass


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def run_import(
    spec: ImportSpec,
    path: Path,
    *,
    commit: bool,
    filename: str = "",
    progress: ProgressFn | None = None,
) -> ImportResult:
    """Validate (and, with `commit`, write) every row of the file at `path`. All or nothing."""
    with _fewer_collections():
        return _run_import(spec, path, commit, filename, progress)


def _run_import(
    spec: ImportSpec, path: Path, commit: bool, filename: str, progress: ProgressFn | None
) -> ImportResult:
    started = time.perf_counter()
    result = ImportResult(filename=filename or path.name, sha256=file_sha256(path))
    spec.filename = result.filename
    table = open_table(path)
    spec.expected_rows = table.total
    try:
        positions = map_headers(spec, table.headers)
        if commit:
            from core.import_tools import bulk_write_session

            try:
                with bulk_write_session(), transaction.atomic():
                    _committed_pass(spec, table, positions, result, progress)
            except (_Rollback, IntegrityError) as refusal:
                result.committed = False
                if spec.checks_repeats_itself:
                    # The commit streamed rows without keeping every key, so its errors may
                    # miss repeats (or the database refused one): a preview pass names them all.
                    table.close()
                    table = open_table(path)
                    result = _explain_refusal(
                        spec, table, positions, result, isinstance(refusal, IntegrityError)
                    )
                elif isinstance(refusal, IntegrityError):
                    raise
        else:
            _pass(spec, table, positions, result, False, progress)
    finally:
        table.close()
    result.seconds = time.perf_counter() - started
    return result


class _Collections:
    """Shared by the imports running in this process (see `_fewer_collections`)."""

    lock = threading.Lock()
    users = 0
    saved = (700, 10, 10)
    froze = False


IMPORT_GC_THRESHOLD = 20_000  # young objects between collections while importing (default 700)


@contextmanager
def _fewer_collections() -> Iterator[None]:
    """Spare a large import the garbage collector's walks over the long-lived heap.

    Each row allocates a few dicts and lists, so the cyclic collector runs again and again, and
    its older generations hold all of Django (models, the app registry, the URL resolvers): about
    8 % of an import's time went to walking them (100,000 subjects, SQLite). While any import
    runs, the objects alive when the first began are set aside (`gc.freeze`) and young objects
    are collected less often; both are put back when the last one ends. Nothing is leaked: the
    import's own cycles are still collected, and the frozen objects return to the collector.
    """
    with _Collections.lock:
        if _Collections.users == 0:
            _Collections.saved = gc.get_threshold()
            # a server that froze its heap itself (gunicorn --preload) keeps it frozen
            _Collections.froze = gc.get_freeze_count() == 0
            if _Collections.froze:
                gc.freeze()
            gc.set_threshold(IMPORT_GC_THRESHOLD, *_Collections.saved[1:])
        _Collections.users += 1
    try:
        yield
    finally:
        with _Collections.lock:
            _Collections.users -= 1
            if _Collections.users == 0:
                gc.set_threshold(*_Collections.saved)
                if _Collections.froze:
                    gc.unfreeze()


def _committed_pass(
    spec: ImportSpec,
    table: Table,
    positions: dict[str, int],
    result: ImportResult,
    progress: ProgressFn | None,
) -> None:
    spec.committing = True
    try:
        _process(spec, table, positions, result, True, progress)
        if not result.ok:
            raise _Rollback
        spec.finish(result)
    except BaseException as error:
        spec.close(error)
        raise
    spec.close(None)
    result.committed = True


def _pass(
    spec: ImportSpec,
    table: Table,
    positions: dict[str, int],
    result: ImportResult,
    commit: bool,
    progress: ProgressFn | None,
) -> None:
    spec.committing = commit
    try:
        _process(spec, table, positions, result, commit, progress)
    finally:
        spec.close(None)


def _explain_refusal(
    spec: ImportSpec,
    table: Table,
    positions: dict[str, int],
    refused: ImportResult,
    by_database: bool,
) -> ImportResult:
    result = ImportResult(filename=refused.filename, sha256=refused.sha256)
    _pass(spec, table, positions, result, False, None)
    if result.ok and by_database:  # no row repeats a key: another import wrote it meanwhile
        result.add_error(
            RowError(
                0,
                "",
                "数据库拒绝写入：编码或统一社会信用代码与同时进行的其他导入冲突。"
                "本次未导入任何数据，请重新导入",
            )
        )
    elif result.ok:
        result.errors, result.error_count = refused.errors, refused.error_count
    result.seconds = refused.seconds
    return result


def _process(  # noqa: C901 — one flat loop: it runs once per row of files of millions
    spec: ImportSpec,
    table: Table,
    positions: dict[str, int],
    result: ImportResult,
    commit: bool,
    progress: ProgressFn | None,
) -> None:
    spec.begin()
    present = frozenset(positions)
    seen: dict[str, int] | None = None if spec.checks_repeats_itself else {}
    chunk: list[tuple[int, dict[str, Any]]] = []
    items = [(key, index) for key, index in positions.items() if not key.startswith("_")]
    keys = tuple(key for key, _ in items)
    indexes = [index for _, index in items]
    width_needed = max(indexes, default=-1) + 1
    pick = _picker(indexes)
    clean, chunk_size = spec.clean_values, spec.chunk_size
    for number, cells in table.rows:
        if len(cells) >= width_needed:
            values = pick(cells)
        else:  # a short row (trailing empty cells left out)
            values = tuple(cells[index] if index < len(cells) else "" for index in indexes)
        if not any(values):
            continue
        result.rows += 1
        cleaned, problems = clean(number, keys, values)
        if problems:
            if _too_many(result, problems):
                break
        elif seen is None or _first_time(spec, number, cleaned, seen, result):
            chunk.append((number, cleaned))
            if len(chunk) >= chunk_size:
                _flush(spec, chunk, present, result, commit, progress, table.total)
                chunk = []
                if result.error_count >= MAX_ERRORS:  # errors found per chunk count too
                    result.truncated = True
                    break
    if chunk:
        _flush(spec, chunk, present, result, commit)
    _add_final_errors(spec, result)
    if progress is not None:
        progress(result.rows, result.rows)


def _picker(indexes: list[int]) -> Callable[[list[str]], tuple[str, ...]]:
    """The cells at `indexes` as a tuple (in C for two or more)."""
    if len(indexes) == 1:
        index = indexes[0]
        return lambda cells: (cells[index],)
    if not indexes:
        return lambda cells: ()
    return itemgetter(*indexes)


def _too_many(result: ImportResult, problems: list[RowError]) -> bool:
    """Record a row's errors; True when there are so many that reading on is pointless."""
    for problem in problems:
        result.add_error(problem)
    result.truncated = result.error_count >= MAX_ERRORS
    return result.truncated


def _add_final_errors(spec: ImportSpec, result: ImportResult) -> None:
    late = spec.final_errors()
    if late:
        for error in late:
            result.add_error(error)
        result.errors.sort(key=lambda e: e.row)


def _first_time(
    spec: ImportSpec,
    number: int,
    cleaned: dict[str, Any],
    seen: dict[str, int],
    result: ImportResult,
) -> bool:
    """False after recording the error when the row repeats an earlier row's code."""
    code = cleaned[spec.key]
    first = seen.setdefault(code, number)
    if first != number:
        result.add_error(spec.row_error(number, spec.key, f"编码与第 {first} 行重复", code))
        return False
    return True


def _flush(
    spec: ImportSpec,
    chunk: list[tuple[int, dict[str, Any]]],
    present: frozenset[str],
    result: ImportResult,
    commit: bool,
    progress: ProgressFn | None = None,
    total: int | None = None,
) -> None:
    stored = spec.existing(chunk)
    for problem in spec.check_chunk(chunk, stored):
        result.add_error(problem)
    creates: list[dict[str, Any]] = []
    updates: list[Change] = []
    defaults = spec.defaults()
    for number, cleaned in chunk:
        code = cleaned[spec.key]
        old = stored.get(code)
        if old is None:
            after = {**defaults, **cleaned}
            creates.append(after)
            if len(result.samples) < SAMPLE_CHANGES:
                result.samples.append(Change("create", number, code, {}, after, after))
            continue
        new = {**old, **{k: v for k, v in cleaned.items() if k in present or k == spec.key}}
        if new == old:
            result.unchanged += 1
            continue
        changed = [k for k in new if new[k] != old.get(k)]
        change = Change(
            "update",
            number,
            code,
            {k: old.get(k) for k in changed},
            {k: new[k] for k in changed},
            new,
        )
        updates.append(change)
        if len(result.samples) < SAMPLE_CHANGES:
            result.samples.append(change)
    result.created += len(creates)
    result.updated += len(updates)
    if commit and result.ok:
        spec.write(creates, updates)
    if progress is not None:
        progress(result.rows, total)


# --- helpers for specs -------------------------------------------------------------------------


def split_list(text: str) -> list[str]:
    if LIST_SEPARATORS.search(text) is None:  # one value, the common case: no split
        stripped = text.strip()
        return [stripped] if stripped else []
    return [part.strip() for part in LIST_SEPARATORS.split(text) if part.strip()]


_BOOL_WORDS = {word: True for word in TRUE_WORDS} | {word: False for word in FALSE_WORDS}


def parse_bool(text: str) -> bool | None:
    flag = _BOOL_WORDS.get(text)  # cells arrive stripped: most are exactly 是 or 否
    if flag is not None:
        return flag
    lowered = text.strip().lower()
    if lowered in TRUE_WORDS:
        return True
    if lowered in FALSE_WORDS:
        return False
    return None


def parse_date(text: str) -> dt.date | None:
    cleaned = text.strip().replace("/", "-").replace(".", "-")
    cleaned = cleaned.replace("年", "-").replace("月", "-").replace("日", "")
    try:
        return dt.date.fromisoformat("-".join(p.zfill(2) for p in cleaned.split(" ")[0].split("-")))
    except ValueError:
        return None


# --- stored uploads (security 13): private, expiring, deleted after use --------------------------

ALLOWED_SUFFIXES = (".csv", ".xlsx")
_TOKEN = re.compile(r"^[0-9a-f]{32}$")


def import_dir() -> Path:
    path = Path(settings.PRIVATE_FILES_ROOT) / "imports"
    path.mkdir(parents=True, exist_ok=True, mode=0o700)
    return path


def max_upload_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_UPLOAD_MB", 50)) * 1024 * 1024


def file_ttl_seconds() -> int:
    return int(getattr(settings, "IMPORT_FILE_TTL_MINUTES", 60)) * 60


def new_token() -> str:
    return secrets.token_hex(16)


def store_upload(name: str, chunks: Iterator[bytes]) -> tuple[str, Path]:
    """Write an uploaded file under PRIVATE_FILES_ROOT (mode 0600); returns (token, path)."""
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise ImportRejected("只能导入 .xlsx 或 .csv 文件")
    purge_expired()
    token = new_token()
    path = import_dir() / f"{token}{suffix}"
    size = 0
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "wb") as handle:
        for chunk in chunks:
            size += len(chunk)
            if size > max_upload_bytes():
                handle.close()
                path.unlink(missing_ok=True)
                raise ImportRejected(
                    f"文件超过 {max_upload_bytes() // (1024 * 1024)} MB，请拆分后分批导入"
                )
            handle.write(chunk)
    if size == 0:
        path.unlink(missing_ok=True)
        raise ImportRejected("文件是空的")
    return token, path


def stored_upload(token: str) -> Path | None:
    if not _TOKEN.match(token or ""):
        return None
    for suffix in ALLOWED_SUFFIXES:
        path = import_dir() / f"{token}{suffix}"
        if path.exists():
            if time.time() - path.stat().st_mtime > file_ttl_seconds():
                discard_upload(token)
                return None
            return path
    return None


def discard_upload(token: str) -> None:
    if not _TOKEN.match(token or ""):
        return
    for suffix in (*ALLOWED_SUFFIXES, ".progress"):
        (import_dir() / f"{token}{suffix}").unlink(missing_ok=True)


def purge_expired(now: float | None = None) -> int:
    """Delete stored uploads and progress files older than the time to live."""
    limit = (now or time.time()) - file_ttl_seconds()
    removed = 0
    for path in import_dir().iterdir():
        if path.is_file() and path.stat().st_mtime < limit:
            path.unlink(missing_ok=True)
            removed += 1
    return removed


def progress_writer(token: str) -> ProgressFn | None:
    """Progress of a web import, written to a tiny file the page polls (no database transaction
    hides it, and it works across worker processes)."""
    if not _TOKEN.match(token or ""):
        return None
    path = import_dir() / f"{token}.progress"

    def write(done: int, total: int | None) -> None:
        path.write_text(json.dumps({"done": done, "total": total}))

    write(0, None)
    return write


def read_progress(token: str) -> dict[str, Any]:
    if not _TOKEN.match(token or ""):
        return {"done": 0, "total": None}
    path = import_dir() / f"{token}.progress"
    try:
        data: dict[str, Any] = json.loads(path.read_text())
    except (OSError, ValueError):
        return {"done": 0, "total": None}
    return data
