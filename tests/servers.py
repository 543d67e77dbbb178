"""Servers the tests run in a background thread: the app itself for the browser, webhook
receivers, a TLS endpoint."""

from __future__ import annotations

import threading
from socketserver import BaseServer

# How often serve_forever looks for a shutdown() call. Its default, half a second, was added to
# every test that stops a server: about a minute of each suite run spent waiting.
POLL_SECONDS = 0.02


class Serving:
    """Serve `server` from a daemon thread between start() and stop(), or inside a `with`."""

    def __init__(self, server: BaseServer) -> None:
        self.server = server
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": POLL_SECONDS},
                                        daemon=True)

    def start(self) -> BaseServer:
        self._thread.start()
        return self.server

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> BaseServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
