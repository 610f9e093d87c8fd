"""Query isolation: killable worker processes that share the loaded store.

pyoxigraph cannot cancel a running query (no timeout, and signals only run
after the query returns), so queries run in worker processes:

1. the web process loads the store once;
2. :class:`ProcessPool` forks a *zygote* right away, while the process is
   still single-threaded; the zygote never queries or serves anything;
3. the zygote forks the workers on demand.  Every worker shares the store's
   memory with the web process copy-on-write (the store is read-only, so the
   pages stay shared), and gets a socket back to the web process (its file
   descriptor is passed over the zygote's control socket with SCM_RIGHTS);
4. a request borrows an idle worker, sends it the :class:`QueryRequest` and
   waits at most until the deadline.  A worker past the time limit is killed
   with SIGKILL and replaced; the request gets 503 at the limit (the
   replacement is forked by the zygote, so the threaded web process itself
   never forks).
5. a result larger than ``QueryRequest.spool_after`` is written to an anonymous temporary file
   and its descriptor is passed back (SCM_RIGHTS), not its bytes: the web process streams it
   from the file, so slow readers of large results do not pin them in its memory.

Capacity (issue 17): ``workers`` run queries up to the full time limit; when
all of them are busy, a query runs on one of the ``short_workers`` kept in
reserve, but only for ``short_timeout`` seconds, so cheap queries are
answered while long ones hold the others (a query over the short limit there
gets 503 with ``Retry-After``).  When no worker is free at all, at most
``queue_size`` queries wait, each at most ``queue_wait`` seconds; any more get
503 with ``Retry-After`` at once (:class:`Busy`), never after the time limit.

Each worker runs its queries on a thread with a large stack
(:data:`QUERY_STACK_BYTES`; the engine recurses on long operator chains) and,
with ``memory_limit`` set, under ``RLIMIT_DATA``: the memory it had at fork
(the shared store) plus the limit.  The engine aborts the process when an
allocation fails, so the web process asks the zygote how a worker died:
SIGABRT under a memory limit is answered 503 "needed more memory than …",
SIGSEGV (a stack overflow) 400, anything else 500.

Workers die with the zygote (``PR_SET_PDEATHSIG``), and the zygote exits when
the web process goes away (end of file on the control socket).  A pool is
bound to the process that started it: after an outside fork (gunicorn
``--preload``) the child starts its own pool (``gunicorn.conf.py`` does so in
``post_fork``, before the worker starts its threads).
"""
from __future__ import annotations

import atexit
import ctypes
import logging
import math
import os
import signal
import socket
import struct
import threading
import time
import weakref
from multiprocessing import reduction
from multiprocessing.connection import Connection
from typing import Any

from ..store import Backend, QueryError, QueryRequest, QueryResult

log = logging.getLogger("server.worker")

_PR_SET_PDEATHSIG = 1

#: Stack of the thread that runs a worker's queries.  pyoxigraph's parser, optimiser and evaluator
#: recurse on long chains (measured on an 8 MiB stack: `1+1+…` overflows at 8,000 terms, `||` at
#: 16,000, 4,000 MINUS or BIND); the guard refuses far shorter chains, and a fixed large stack keeps
#: that margin whichever thread forked the zygote.  Only the pages a query touches are used.
QUERY_STACK_BYTES = 64 * 1024 * 1024

LONG, SHORT = "long", "short"


class Busy(QueryError):
    """503: no query worker can take this query now; ``Retry-After`` says when one is expected."""

    def __init__(self, message: str, retry_after: float):
        self.retry_after = max(1, int(math.ceil(retry_after)))
        super().__init__(503, "%s; retry after %d s" % (message, self.retry_after))

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": str(self.retry_after)}


def _die_with_parent() -> None:
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError):  # not Linux: the control-socket EOF still ends the zygote
        pass


def _reset_signals() -> None:
    for sig in (signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT, signal.SIGUSR1, signal.SIGUSR2,
                signal.SIGWINCH, signal.SIGTTIN, signal.SIGTTOU, signal.SIGCHLD):
        try:
            signal.signal(sig, signal.SIG_DFL)
        except (OSError, ValueError):
            pass
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the web process's business
    try:
        signal.set_wakeup_fd(-1)
    except ValueError:
        pass


def _memory_message(limit_mib: int) -> str:
    return ("the query needed more than the %s MiB of memory one query may use and was stopped "
            "(narrow it, or add LIMIT)" % format(limit_mib, ","))


def _vm_data_bytes() -> int | None:
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmData:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def _limit_memory(limit_mib: int) -> None:
    """RLIMIT_DATA = what the worker holds now (its copy-on-write share of the store, the query
    thread's stack) + the limit.  RLIMIT_DATA counts private writable memory only, not address space
    reserved by allocator arenas, so the limit is what queries really allocate."""
    import resource

    now = _vm_data_bytes()
    if now is None:  # not Linux
        log.warning("QUERY_MEMORY_LIMIT is not enforced here (no /proc/self/status)")
        return
    limit = now + limit_mib * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, hard))


def _serve(conn: Connection, backend: Backend, ready: threading.Event, limit_mib: int) -> None:
    ready.wait()
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            return
        out: tuple
        spool = None
        try:
            result = backend.execute(req)
            spool, result.spool = result.spool, None
            out = ("ok", result) if spool is None else ("ok+fd", result)
        except QueryError as e:
            out = ("err", e.status, e.message)
        except MemoryError:  # Python's side ran out under the limit: report it, then leave ("retire")
            out = ("err", 503, _memory_message(limit_mib) if limit_mib else "query failed: out of memory",
                   "retire")
        except Exception as e:  # noqa: BLE001 - reported, never a traceback
            out = ("err", 500, "query failed: %s: %s" % (type(e).__name__, e))
        try:
            conn.send(out)
            if spool is not None:  # a large result: its temporary file, not its bytes
                reduction.send_handle(conn, spool.fileno(), 0)
        except (OSError, ValueError, MemoryError):
            return
        finally:
            if spool is not None:
                spool.close()
        if len(out) > 3:
            return


def _worker_main(sock: socket.socket, backend: Backend, limit_mib: int) -> None:
    _die_with_parent()
    conn = Connection(sock.detach())
    backend.after_fork()
    ready = threading.Event()
    threading.stack_size(QUERY_STACK_BYTES)
    try:
        runner = threading.Thread(target=_serve, args=(conn, backend, ready, limit_mib), name="query")
        runner.start()
    finally:
        threading.stack_size(0)
    if limit_mib:
        _limit_memory(limit_mib)  # after the thread exists: its stack is part of "what it holds now"
    ready.set()
    runner.join()


def _close_inherited_fds(keep: int) -> None:
    """Drop every descriptor inherited from the web process (listening sockets, client
    connections, other pools' sockets) except stdio and the control socket."""
    try:
        fds = [int(x) for x in os.listdir("/proc/self/fd")]
    except OSError:
        return
    for fd in fds:
        if fd > 2 and fd != keep:
            try:
                os.close(fd)
            except OSError:
                pass


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        chunk = sock.recv(n - len(data))
        if not chunk:
            raise EOFError("control socket closed")
        data += chunk
    return data


def _reap(pid: int, wait: float = 2.0) -> int:
    """The wait status of worker `pid` (the web process asks after it saw it die or killed it);
    -1 when unknown.  Polls: a killed worker is gone within milliseconds."""
    deadline = time.monotonic() + wait
    while True:
        try:
            done, status = os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            return -1
        if done:
            return status
        if time.monotonic() > deadline:
            return -1
        time.sleep(0.002)


def _reap_leftovers() -> None:
    while True:
        try:
            done, _ = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if not done:
            return


def _zygote_main(ctl: socket.socket, backend: Backend, pdeathsig: bool, limit_mib: int) -> None:
    _reset_signals()
    if getattr(backend, "fork_closes_fds", True):
        _close_inherited_fds(ctl.fileno())
    if pdeathsig:  # tied to the forking *thread*: only when forked from the main thread
        _die_with_parent()
    # Commands on the control socket: b"s" forks a worker (answer: its pid, and the web process's
    # end of its socket as SCM_RIGHTS); b"w" + pid reaps a dead worker (answer: its wait status).
    while True:
        try:
            cmd = ctl.recv(1)
        except OSError:
            break
        if not cmd:
            break  # the web process is gone
        if cmd == b"w":
            try:
                (pid,) = struct.unpack("!i", _recv_exact(ctl, 4))
                ctl.sendall(struct.pack("!i", _reap(pid)))
            except (OSError, EOFError):
                break
            continue
        _reap_leftovers()
        a, b = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            try:
                ctl.close()
                a.close()
                _worker_main(b, backend, limit_mib)
            finally:
                os._exit(0)
        b.close()
        try:
            socket.send_fds(ctl, [struct.pack("!i", pid)], [a.fileno()])
        except OSError:
            break
        finally:
            a.close()


class _Worker:
    __slots__ = ("pid", "conn", "lane", "deadline")

    def __init__(self, pid: int, conn: Connection, lane: str):
        self.pid, self.conn, self.lane = pid, conn, lane
        self.deadline = 0.0

    def kill(self) -> None:
        try:
            os.kill(self.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        try:
            self.conn.close()
        except OSError:
            pass


class ProcessPool:
    """Run queries in killable worker processes forked after the store was loaded."""

    isolation = "process"

    def __init__(self, backend: Backend, workers: int = 2, short_workers: int = 1, short_timeout: float = 2.0,
                 queue_size: int = 8, queue_wait: float = 2.0, memory_limit: int = 0):
        self.backend = backend
        self.size = max(1, int(workers))
        self.short_size = max(0, int(short_workers))
        self.short_timeout = float(short_timeout)
        self.queue_size = max(0, int(queue_size))
        self.queue_wait = max(0.0, float(queue_wait))
        self.memory_limit = max(0, int(memory_limit))  # MiB, 0: none
        self._lock = threading.Lock()       # start / close
        self._ctl_lock = threading.Lock()   # the zygote's control socket
        self._cond = threading.Condition()  # the lanes below
        self._pid: int | None = None
        self._ctl: socket.socket | None = None
        self._zygote: int | None = None
        self._idle: dict[str, list[_Worker]] = {LONG: [], SHORT: []}
        self._busy: set[_Worker] = set()
        self._all: set[_Worker] = set()
        self._waiting = 0
        self.kills = 0
        _POOLS.add(self)

    @classmethod
    def from_config(cls, backend: Backend, config: Any) -> "ProcessPool":
        """The pool :mod:`server.config` describes (QUERY_WORKERS, QUERY_SHORT_*, QUERY_QUEUE*,
        QUERY_MEMORY_LIMIT)."""
        return cls(backend, int(config["QUERY_WORKERS"]), short_workers=int(config["QUERY_SHORT_WORKERS"]),
                   short_timeout=float(config["QUERY_SHORT_TIMEOUT"]), queue_size=int(config["QUERY_QUEUE"]),
                   queue_wait=float(config["QUERY_QUEUE_WAIT"]), memory_limit=int(config["QUERY_MEMORY_LIMIT"]))

    @property
    def capacity(self) -> int:
        return self.size + self.short_size

    # -- life cycle
    def start(self) -> "ProcessPool":
        with self._lock:
            if self._pid == os.getpid():
                return self
            # after an outside fork, forget the parent's pool (don't touch its processes)
            with self._cond:
                self._idle = {LONG: [], SHORT: []}
                self._busy = set()
                self._all = set()
            parent_end, child_end = socket.socketpair()
            main = threading.current_thread() is threading.main_thread()
            pid = os.fork()
            if pid == 0:
                try:
                    parent_end.close()
                    _zygote_main(child_end, self.backend, main, self.memory_limit)
                finally:
                    os._exit(0)
            child_end.close()
            self._ctl, self._zygote = parent_end, pid
            for lane, n in ((LONG, self.size), (SHORT, self.short_size)):
                for _ in range(n):
                    self._add(self._spawn(lane))
            self._pid = os.getpid()  # last: a concurrent first query waits on _lock until the pool is full
        return self

    def _spawn(self, lane: str) -> _Worker:
        if self._ctl is None:
            raise QueryError(503, "query worker could not be started")
        with self._ctl_lock:
            self._ctl.sendall(b"s")
            msg, fds, _flags, _addr = socket.recv_fds(self._ctl, 4, 1)
        if len(msg) != 4 or not fds:
            raise QueryError(503, "query worker could not be started")
        return _Worker(struct.unpack("!i", msg)[0], Connection(fds[0]), lane)

    def _add(self, w: _Worker) -> None:
        with self._cond:
            self._all.add(w)
            self._idle[w.lane].append(w)
            self._cond.notify()

    def _exit_status(self, pid: int) -> int:
        """Ask the zygote how worker `pid` ended (it reaps it); -1 when unknown."""
        if self._ctl is None:
            return -1
        try:
            with self._ctl_lock:
                self._ctl.sendall(b"w" + struct.pack("!i", pid))
                return struct.unpack("!i", _recv_exact(self._ctl, 4))[0]
        except (OSError, EOFError):
            return -1

    def close(self) -> None:
        with self._lock:
            if self._pid != os.getpid():
                return
            with self._cond:
                workers = list(self._all)
                self._all.clear()
                self._idle = {LONG: [], SHORT: []}
                self._busy.clear()
            for w in workers:
                w.kill()
            try:
                if self._ctl is not None:
                    self._ctl.close()
            except OSError:
                pass
            try:
                if self._zygote is not None:
                    os.kill(self._zygote, signal.SIGKILL)
                    os.waitpid(self._zygote, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self._pid = None

    @property
    def worker_pids(self) -> list[int]:
        with self._cond:
            return sorted(w.pid for w in self._all)

    # -- queries
    def execute(self, req: QueryRequest) -> QueryResult:
        if self._pid != os.getpid():
            self.start()
        w = self._acquire()
        limit = req.timeout if w.lane == LONG else min(req.timeout, self.short_timeout)
        w.deadline = time.monotonic() + limit
        try:
            outcome, msg = self._run(w, req, limit)
        except BaseException:
            self._retire(w)
            raise
        if outcome == "ok" and len(msg) < 4:  # a fourth item: the worker leaves after this answer
            self._release(w)
        else:
            status = self._retire(w)
            if outcome == "late":
                if limit < req.timeout:
                    raise Busy("the endpoint is busy with long queries: this query ran on a worker kept for "
                               "short ones, which allows %g s" % limit, self._retry_after())
                raise QueryError(503, "query exceeded the time limit of %g s and was stopped" % req.timeout)
            if outcome == "died":
                raise self._death(status)
        if msg[0] in ("ok", "ok+fd"):
            return msg[1]
        raise QueryError(msg[1], msg[2])

    @staticmethod
    def _run(w: _Worker, req: QueryRequest, limit: float) -> tuple[str, Any]:
        try:
            w.conn.send(req)
            if not w.conn.poll(max(0.0, limit)):
                return "late", None
            msg = w.conn.recv()
            if msg[0] == "ok+fd":  # a large result spooled to a file: its descriptor follows
                msg[1].spool = os.fdopen(reduction.recv_handle(w.conn), "rb")
            return "ok", msg
        except (EOFError, OSError):
            return "died", None

    def _death(self, status: int) -> QueryError:
        if status != -1 and os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            if sig == signal.SIGABRT and self.memory_limit:  # the engine aborts when an allocation fails
                return QueryError(503, _memory_message(self.memory_limit))
            if sig == signal.SIGSEGV:  # its stack overflowed: a chain the guard's bounds let through
                return QueryError(400, "the query is too complex for the engine (its query worker ran out of "
                                       "stack); shorten its chains of operators, path steps or patterns")
        return QueryError(500, "the query worker stopped unexpectedly")

    def _acquire(self) -> _Worker:
        with self._cond:
            end: float | None = None
            try:
                while True:
                    for lane in (LONG, SHORT):
                        if self._idle[lane]:
                            w = self._idle[lane].pop()
                            self._busy.add(w)
                            return w
                    now = time.monotonic()
                    if end is None:
                        if self._waiting >= self.queue_size:
                            waiting = " and %d more queries are waiting" % self._waiting if self._waiting else ""
                            raise Busy("the endpoint is busy: all %d query workers are running queries%s"
                                       % (self.capacity, waiting), self._retry_after())
                        self._waiting += 1
                        end = now + self.queue_wait
                    elif now >= end:
                        raise Busy("the endpoint is busy: no query worker became free within %g s"
                                   % self.queue_wait, self._retry_after())
                    self._cond.wait(end - now)
            finally:
                if end is not None:
                    self._waiting -= 1

    def _retry_after(self) -> float:
        """Seconds until a worker for long queries is expected to be free (call under _cond)."""
        now = time.monotonic()
        ends = [w.deadline for w in self._busy if w.lane == LONG and w.deadline > now]
        return (min(ends) - now) if ends else self.short_timeout

    def _release(self, w: _Worker) -> None:
        with self._cond:
            self._busy.discard(w)
            if w in self._all:
                self._idle[w.lane].append(w)
                self._cond.notify()

    def _retire(self, w: _Worker) -> int:
        """Kill `w`, learn how it ended, and fork its replacement; returns its wait status."""
        w.kill()
        status = self._exit_status(w.pid)
        with self._cond:
            self._busy.discard(w)
            was_member = w in self._all
            self._all.discard(w)
            self.kills += 1
        if not was_member or self._pid != os.getpid():
            return status  # the pool was closed or restarted meanwhile
        try:
            self._add(self._spawn(w.lane))
        except (OSError, EOFError, QueryError) as e:
            # the zygote is gone (killed, or out of memory): without it no worker can be replaced
            # and the pool would drain to permanent 503s, so a new zygote is forked
            log.error("could not replace a query worker (%s): starting a new zygote", e)
            self._restart()
        return status

    def _restart(self) -> None:
        """Fork a new zygote. The web process is threaded by now, which the first fork avoided; the
        new zygote only waits on its socket and forks workers, and queries run in those."""
        self.close()
        self.start()


class ThreadRunner:
    """Run queries in the request thread (remote store: it enforces the limit itself)."""

    isolation = "thread"

    def __init__(self, backend: Backend):
        self.backend = backend
        self.kills = 0

    def start(self) -> "ThreadRunner":
        return self

    def execute(self, req: QueryRequest) -> QueryResult:
        return self.backend.execute(req)

    def close(self) -> None:
        pass


_POOLS: "weakref.WeakSet[ProcessPool]" = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    for pool in list(_POOLS):
        try:
            pool.close()
        except Exception:  # noqa: BLE001
            pass
