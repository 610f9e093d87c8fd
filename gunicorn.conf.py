"""gunicorn settings for `make serve` (``gunicorn -c gunicorn.conf.py 'server:create_app()'``).

Slow clients must not starve the server (issue 17): with the sync workers each gunicorn worker served
one connection at a time, so two idle TCP connections (or two that sent half a request line) held
both and every route waited for gunicorn's 90 s timeout.  Here:

* ``gthread`` workers: a connection that has sent nothing goes back to the poller after
  ``FIRST_BYTE_WAIT`` (it holds no thread) and is closed after ``keepalive`` seconds;
* a request is handed to a thread only once its request line and headers have all arrived: until
  then what it sends is read without blocking and it waits in the poller, and it is closed when they
  are not complete ``HEADER_TIMEOUT`` seconds after they started (gunicorn 27 has no such setting);
* the body must arrive within ``BODY_TIMEOUT`` seconds of the end of the headers: a watchdog shuts
  the socket down, and a body cut short that way is never handed on (400); the same watchdog bounds
  the thread's read of the headers;
* ``threads`` per worker: slow bodies, pages and queries waiting for a query worker each hold one;
* the query pools are started in ``post_fork``, before the worker starts its threads, and each worker
  prepares the stored queries' default answers (``server.api.prepare``).

In production put nginx in front (``deploy/nginx.conf``): it buffers whole requests and responses, so
gunicorn only ever sees complete requests from a fast local client.
"""
from __future__ import annotations

import os
import socket
import threading
import time
from typing import Any

from gunicorn.http.errors import NoMoreData
from gunicorn.workers import gthread

# seconds for the request line and headers (from the first byte of a request), and for the whole body
# (256 KiB at most: ~9 KB/s) from the end of the headers; the environment may lower them (tests)
HEADER_TIMEOUT = float(os.environ.get("KUNTAKG_HEADER_TIMEOUT", 10))
BODY_TIMEOUT = float(os.environ.get("KUNTAKG_BODY_TIMEOUT", 30))
FIRST_BYTE_WAIT = 0.5   # a new connection that sent nothing goes back to the poller after this
HEAD_MAX_BYTES = 128 * 1024  # more than gunicorn accepts as a request line and headers

wsgi_app = "server:create_app()"
bind = "127.0.0.1:8000"
workers = 2
threads = 64
worker_connections = 1000
keepalive = 5
timeout = 90                 # heartbeat of a worker's main loop (requests in threads do not block it)
graceful_timeout = 30
preload_app = True           # the store is loaded once in the master and shared copy-on-write
limit_request_line = 8190
control_socket_disable = True  # gunicorn 27's control socket: not needed, and one per user ($HOME/.gunicorn)
raw_env = ["KUNTAKG_QUERY_POOL_START=lazy"]  # the master builds no pool; post_fork starts one per worker


def post_fork(server: Any, worker: Any) -> None:
    """Start this worker's query pool (its zygote) while the worker is still single-threaded, then the
    preparation of the stored queries' default answers (``server.start``)."""
    import server

    app = worker.app.wsgi()
    if app.extensions.get("kuntakg") is not None:
        server.start(app)


class ReadDeadlines:
    """Shuts down the socket of a request that is still being read at its deadline: the blocked read
    returns end of file, and gunicorn closes the connection."""

    def __init__(self, tick: float = 0.2):
        self.tick = tick
        self._lock = threading.Lock()
        self._armed: dict[int, tuple[float, socket.socket]] = {}
        self._fired: set[int] = set()
        self._next = 0

    def start(self) -> None:
        threading.Thread(target=self._run, name="read-deadlines", daemon=True).start()

    def arm(self, sock: socket.socket, deadline: float) -> int:
        with self._lock:
            self._next += 1
            self._armed[self._next] = (deadline, sock)
            return self._next

    def disarm(self, token: int | None) -> bool:
        """Forget `token`; True if its deadline had passed and its socket was shut down."""
        if token is None:
            return False
        with self._lock:
            self._armed.pop(token, None)
            if token in self._fired:
                self._fired.discard(token)
                return True
            return False

    def _run(self) -> None:
        while True:
            time.sleep(self.tick)
            now = time.monotonic()
            with self._lock:
                due = [t for t, (deadline, _) in self._armed.items() if deadline <= now]
                socks = [self._armed.pop(t)[1] for t in due]
                self._fired.update(due)
            for sock in socks:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:  # closed meanwhile (a closed socket object has no descriptor to reuse)
                    pass


class _BodyUnderDeadline:
    """``wsgi.input`` whose reads must finish by one deadline; a read the watchdog cut raises
    gunicorn's NoMoreData (the app answers 400) instead of returning a short body."""

    def __init__(self, body: Any, deadlines: ReadDeadlines, sock: socket.socket, deadline: float):
        self._body, self._deadlines, self._sock, self._deadline = body, deadlines, sock, deadline

    def _call(self, fn: Any, *args: Any) -> Any:
        token = self._deadlines.arm(self._sock, self._deadline)
        try:
            data = fn(*args)
        finally:
            cut = self._deadlines.disarm(token)
        if cut:
            raise NoMoreData(b"request body not received within %g s" % BODY_TIMEOUT)
        return data

    def read(self, size: int | None = None) -> bytes:
        return self._call(self._body.read, size)

    def readline(self, size: int | None = None) -> bytes:
        return self._call(self._body.readline, size)

    def readlines(self, size: int | None = None) -> list[bytes]:
        return self._call(self._body.readlines, size)

    def __iter__(self) -> "_BodyUnderDeadline":
        return self

    def __next__(self) -> bytes:
        line = self.readline()
        if not line:
            raise StopIteration
        return line

    def __getattr__(self, name: str) -> Any:  # e.g. gunicorn's `failed` flag
        return getattr(self._body, name)


class DeadlineThreadWorker(gthread.ThreadWorker):
    """gunicorn's gthread worker with read deadlines for request headers and bodies."""

    def init_process(self) -> None:
        self.read_deadlines = ReadDeadlines()
        self.read_deadlines.start()
        super().init_process()

    def handle(self, conn: Any) -> Any:
        if not conn.initialized and not conn.data_ready and not conn.wait_for_data(FIRST_BYTE_WAIT):
            return gthread._DEFER  # nothing sent yet: wait in the poller, not in a thread
        if not self.cfg.is_ssl and not self._head_arrived(conn):
            now = time.monotonic()
            since = getattr(conn, "head_since", None)
            if since is None:
                conn.head_since = since = now
            if now - since > HEADER_TIMEOUT:
                return False  # close: the request line and headers did not arrive in time
            return gthread._DEFER  # the rest of the headers: wait in the poller, not in a thread
        conn.head_since = None
        token = self.read_deadlines.arm(conn.sock, time.monotonic() + HEADER_TIMEOUT)
        conn.header_deadline_token = token
        try:
            return super().handle(conn)
        finally:
            self.read_deadlines.disarm(token)

    @staticmethod
    def _head_arrived(conn: Any) -> bool:
        """Read what the client has sent, without blocking, into the parser's buffer; True when the
        request line and headers are all there (a blank line ends them), when they are too long to wait
        for (gunicorn then refuses them), or at end of file.  Reading it all keeps a slow sender in the
        poller, which wakes again only on new bytes."""
        conn.init()  # the HTTP/1 parser, which reads nothing until asked
        if conn.is_http2:
            return True
        unreader = conn.parser.unreader
        have = unreader.take_buffered()
        ended = False
        conn.sock.setblocking(False)
        try:
            while len(have) < HEAD_MAX_BYTES:
                chunk = conn.sock.recv(65536)
                if not chunk:
                    ended = True
                    break
                have += chunk
        except (BlockingIOError, InterruptedError):
            pass
        finally:
            conn.sock.setblocking(True)
            unreader.unread(have)
        return ended or len(have) >= HEAD_MAX_BYTES or b"\r\n\r\n" in have or b"\n\n" in have

    def handle_request(self, req: Any, conn: Any) -> Any:
        self.read_deadlines.disarm(getattr(conn, "header_deadline_token", None))  # the headers are in
        if req.body is not None:
            req.body = _BodyUnderDeadline(req.body, self.read_deadlines, conn.sock,
                                          time.monotonic() + BODY_TIMEOUT)
        return super().handle_request(req, conn)


worker_class = DeadlineThreadWorker
