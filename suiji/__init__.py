"""suiji (随机): fair, reproducible, publicly verifiable draws of inspection subjects and
inspectors for 双随机、一公开. Standard library only; no Django. Specification:
``docs/draw-algorithm.md``.

The flow: ``commit`` (before any randomness) → publish the commitment digest → collect the
sources → ``draw`` → publish the record → anyone runs ``verify_record``.
"""

from __future__ import annotations

from suiji.assign import assign as assign_inspectors
from suiji.commitment import ALGORITHM, Commitment, commit
from suiji.errors import (
    CommitmentMismatch,
    InfeasibleError,
    InputError,
    SuijiError,
    WitnessMismatch,
)
from suiji.inspectors import InspectorLibrary, load_library
from suiji.params import Params, parse_params
from suiji.pool import PoolData, PoolFile, load_pool_csv, pool_from_rows
from suiji.record import RECORD_FORMAT, draw, dump_record, load_record, recuse
from suiji.reveal import REVEAL_FORMAT, RevealResult, check_reveal, new_salts, pseudonym
from suiji.seed import (
    Sources,
    new_witness_secret,
    parse_lottery_numbers,
    rfc3797_text,
    witness_commitment,
)
from suiji.verify import Difference, VerifyResult, verify_record

__version__ = "1.0.0"
ENGINE = f"suiji {__version__}"

__all__ = [
    "ALGORITHM",
    "ENGINE",
    "RECORD_FORMAT",
    "REVEAL_FORMAT",
    "Commitment",
    "CommitmentMismatch",
    "Difference",
    "InfeasibleError",
    "InputError",
    "InspectorLibrary",
    "Params",
    "PoolData",
    "PoolFile",
    "RevealResult",
    "Sources",
    "SuijiError",
    "VerifyResult",
    "WitnessMismatch",
    "__version__",
    "assign_inspectors",
    "check_reveal",
    "commit",
    "draw",
    "dump_record",
    "load_library",
    "load_pool_csv",
    "load_record",
    "new_salts",
    "new_witness_secret",
    "parse_lottery_numbers",
    "parse_params",
    "pool_from_rows",
    "pseudonym",
    "recuse",
    "rfc3797_text",
    "verify_record",
    "witness_commitment",
]
