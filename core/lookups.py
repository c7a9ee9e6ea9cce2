"""Lookups of our own, registered when the `core` app is ready."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import CharField
from django.db.models.lookups import Regex

# ^[class]{n}$ : a fixed number of characters from one class (the form of a USCC). A class with
# a backslash, a bracket or a GLOB wildcard inside is left to REGEXP (GLOB reads them otherwise).
_CLASS_RUN = re.compile(r"\^(\[[^\]\[*?\\]+\])\{(\d+)\}\$")


@CharField.register_lookup
class ClassRegex(Regex):
    """`regex` for a pattern of the form ^[class]{n}$, which SQLite answers with GLOB.

    Django's `regex` calls back into Python for each row on SQLite (REGEXP is a Python
    function there). In a CHECK constraint that costs every inserted row a call that needs the
    interpreter, so a bulk insert cannot run beside other work. GLOB with the same character class
    repeated n times accepts the same strings as PostgreSQL's `~` (it is case-sensitive and
    anchored, and SQLite evaluates it in C); Python's `re` behind REGEXP also let a trailing
    newline through. Other databases and other patterns use `regex` unchanged.
    """

    lookup_name = "class_regex"

    def as_sql(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        sql, params = compiler.compile(Regex(self.lhs, self.rhs))
        return sql, list(params)

    def as_sqlite(self, compiler: Any, connection: Any) -> tuple[str, list[Any]]:
        match = _CLASS_RUN.fullmatch(self.rhs) if isinstance(self.rhs, str) else None
        if match is None:
            return self.as_sql(compiler, connection)
        lhs, lhs_params = self.process_lhs(compiler, connection)
        glob = match.group(1) * int(match.group(2))
        # GLOB stops reading at a NUL character; the pattern admits none anywhere
        return f"({lhs} GLOB %s AND instr({lhs}, char(0)) = 0)", [
            *lhs_params,
            glob,
            *lhs_params,
        ]
