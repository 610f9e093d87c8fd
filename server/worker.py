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

Workers die with the zygote (``PR_SET_PDEATHSIG``), and the zygote exits when
the web process goes away (end of file on the control socket).  A pool is
bound to the process that started it: after an outside fork (gunicorn
``--preload``) the child starts its own pool on first use.
"""
from __future__ import annotations

import atexit
import ctypes
import logging
import os
import queue
import signal
import socket
import struct
import threading
import time
import weakref
from multiprocessing import reduction
from multiprocessing.connection import Connection

from .store import Backend, QueryError, QueryRequest, QueryResult

log = logging.getLogger("server.worker")

_PR_SET_PDEATHSIG = 1


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


def _worker_main(sock: socket.socket, backend: Backend) -> None:
    _die_with_parent()
    conn = Connection(sock.detach())
    backend.after_fork()
    while True:
        try:
            req = conn.recv()
        except (EOFError, OSError):
            return
        spool = None
        out: tuple
        try:
            result = backend.execute(req)
            spool, result.spool = result.spool, None
            out = ("ok", result) if spool is None else ("ok+fd", result)
        except QueryError as e:
            out = ("err", e.status, e.message)
        except Exception as e:  # noqa: BLE001 - reported, never a traceback
            out = ("err", 500, "query failed: %s: %s" % (type(e).__name__, e))
        try:
            conn.send(out)
            if spool is not None:  # a large result: its temporary file, not its bytes
                reduction.send_handle(conn, spool.fileno(), 0)
        except (OSError, ValueError):
            return
        finally:
            if spool is not None:
                spool.close()


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


def _zygote_main(ctl: socket.socket, backend: Backend, pdeathsig: bool) -> None:
    _reset_signals()
    if getattr(backend, "fork_closes_fds", True):
        _close_inherited_fds(ctl.fileno())
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # killed workers are reaped by the kernel
    if pdeathsig:  # tied to the forking *thread*: only when forked from the main thread
        _die_with_parent()
    while True:
        try:
            cmd = ctl.recv(1)
        except OSError:
            break
        if not cmd:
            break  # the web process is gone
        a, b = socket.socketpair()
        pid = os.fork()
        if pid == 0:
            try:
                ctl.close()
                a.close()
                signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                _worker_main(b, backend)
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
    __slots__ = ("pid", "conn")

    def __init__(self, pid: int, conn: Connection):
        self.pid, self.conn = pid, conn

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

    def __init__(self, backend: Backend, workers: int = 2):
        self.backend = backend
        self.size = max(1, int(workers))
        self._lock = threading.Lock()       # start / close
        self._ctl_lock = threading.Lock()   # the zygote's control socket
        self._pid = None
        self._ctl = None
        self._zygote = None
        self._idle: queue.LifoQueue = queue.LifoQueue()
        self._all: set = set()
        self.kills = 0
        _POOLS.add(self)

    # -- life cycle
    def start(self) -> "ProcessPool":
        with self._lock:
            if self._pid == os.getpid():
                return self
            # after an outside fork, forget the parent's pool (don't touch its processes)
            self._idle = queue.LifoQueue()
            self._all = set()
            parent_end, child_end = socket.socketpair()
            main = threading.current_thread() is threading.main_thread()
            pid = os.fork()
            if pid == 0:
                try:
                    parent_end.close()
                    _zygote_main(child_end, self.backend, main)
                finally:
                    os._exit(0)
            child_end.close()
            self._ctl, self._zygote, self._pid = parent_end, pid, os.getpid()
            for _ in range(self.size):
                self._idle.put(self._spawn())
        return self

    def _spawn(self) -> _Worker:
        with self._ctl_lock:
            self._ctl.sendall(b"s")
            msg, fds, _flags, _addr = socket.recv_fds(self._ctl, 4, 1)
        if len(msg) != 4 or not fds:
            raise QueryError(503, "query worker could not be started")
        w = _Worker(struct.unpack("!i", msg)[0], Connection(fds[0]))
        self._all.add(w)
        return w

    def close(self) -> None:
        with self._lock:
            if self._pid != os.getpid():
                return
            for w in list(self._all):
                w.kill()
            self._all.clear()
            try:
                self._ctl.close()
            except OSError:
                pass
            try:
                os.kill(self._zygote, signal.SIGKILL)
                os.waitpid(self._zygote, 0)
            except (ProcessLookupError, ChildProcessError):
                pass
            self._pid = None

    @property
    def worker_pids(self) -> list[int]:
        return sorted(w.pid for w in list(self._all))

    # -- queries
    def execute(self, req: QueryRequest) -> QueryResult:
        if self._pid != os.getpid():
            self.start()
        deadline = time.monotonic() + req.timeout
        try:
            w = self._idle.get(timeout=req.timeout)
        except queue.Empty:
            raise QueryError(503, "all %d query workers are busy; the query waited the time limit of %g s"
                             % (self.size, req.timeout)) from None
        healthy = False
        try:
            w.conn.send(req)
            if not w.conn.poll(max(0.0, deadline - time.monotonic())):
                raise QueryError(503, "query exceeded the time limit of %g s and was stopped" % req.timeout)
            msg = w.conn.recv()
            if msg[0] == "ok+fd":
                msg[1].spool = os.fdopen(reduction.recv_handle(w.conn), "rb")
            healthy = True
        except (EOFError, OSError, BrokenPipeError):
            raise QueryError(500, "the query worker stopped unexpectedly") from None
        finally:
            if healthy:
                self._idle.put(w)
            else:
                self._replace(w)
        if msg[0] in ("ok", "ok+fd"):
            return msg[1]
        raise QueryError(msg[1], msg[2])

    def _replace(self, w: _Worker) -> None:
        w.kill()
        self.kills += 1
        self._all.discard(w)
        if len(self._all) >= self.size:
            return
        try:
            self._idle.put(self._spawn())
        except (OSError, QueryError) as e:
            # the zygote is gone (killed, or out of memory): without it no worker can be replaced
            # and the pool would drain to permanent 503s, so a new zygote is forked
            log.error("could not replace a query worker (%s): starting a new zygote", e)
            self._restart()

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

    def start(self):
        return self

    def execute(self, req: QueryRequest) -> QueryResult:
        return self.backend.execute(req)

    def close(self):
        pass


_POOLS: "weakref.WeakSet[ProcessPool]" = weakref.WeakSet()


@atexit.register
def _close_all() -> None:
    for pool in list(_POOLS):
        try:
            pool.close()
        except Exception:  # noqa: BLE001
            pass
