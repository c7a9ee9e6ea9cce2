"""Where the current action comes from: set by middleware for requests, by commands for the CLI."""

from __future__ import annotations

from contextvars import ContextVar

from audit.choices import Channel

client_ip: ContextVar[str | None] = ContextVar("audit_client_ip", default=None)
channel: ContextVar[str] = ContextVar("audit_channel", default=Channel.SYSTEM)
