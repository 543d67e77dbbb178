"""The client's address, as seen through the trusted proxies configured (ProxyFix)."""

from __future__ import annotations

from flask import request


def client_ip() -> str:
    return request.remote_addr or "0.0.0.0"
