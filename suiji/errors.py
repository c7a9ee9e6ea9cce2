"""Errors raised by the engine. Every message is Simplified Chinese, for the person at the desk."""

from __future__ import annotations


class SuijiError(Exception):
    """Base class: the draw cannot proceed; ``str(err)`` is the message to show."""


class InputError(SuijiError):
    """The pool, the parameters or a source are malformed."""


class WitnessMismatch(SuijiError):
    """A witness revealed a secret that does not match the commitment made beforehand."""


class CommitmentMismatch(SuijiError):
    """The data presented at draw time is not the data that was committed."""


class InfeasibleError(SuijiError):
    """No assignment satisfies the hard constraints; the message names the constraint."""
