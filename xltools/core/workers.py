"""Jobs run in worker processes, so that a crash, a runaway allocation or a hang of one job costs
only that job: each worker has a memory ceiling, each job a time limit, and a worker that dies
or overruns is killed and replaced while the other jobs go on. Workers die with their parent.

Built on `multiprocessing` directly rather than `concurrent.futures`: a process pool executor
breaks as a whole when one worker dies, and cannot stop a job that hangs.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import tempfile
import time
import traceback
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

# How a job ended: returned, or ran out of time, memory, crashed the worker, or raised.
OK, TIMEOUT, MEMORY, CRASH, ERROR = "ok", "timeout", "memory", "crash", "error"
# Loaded once in the fork server, so each worker starts in milliseconds with them imported.
PRELOAD = ["xltools.collect.round", "xltools.distribute.round"]
T = TypeVar("T")
U = TypeVar("U")


@dataclass(frozen=True)
class Outcome:
    """What one job gave: its value, or how it failed (``failure``) and what was seen of it."""

    value: object = None
    failure: str = ""  # "" when the job returned; else TIMEOUT, MEMORY, CRASH or ERROR
    detail: str = ""  # the traceback, or the end of what the dead worker wrote to stderr


def cpu_workers(limit: int = 8) -> int:
    """How many worker processes the machine's cores allow (at most ``limit``)."""
    return max(1, min(os.cpu_count() or 1, limit))


def balanced_chunks(weights: Sequence[float], count: int) -> list[list[int]]:
    """Indexes of ``weights`` in at most ``count`` chunks of about equal weight, heaviest chunk
    first: a district's workbook can be fifty times a bureau's, and contiguous chunks would
    leave a core idle on the last big one."""
    chunks: list[list[int]] = [[] for _ in range(max(1, min(count, len(weights))))]
    loads = [0.0] * len(chunks)
    for i in sorted(range(len(weights)), key=lambda i: (-weights[i], i)):
        lightest = loads.index(min(loads))
        chunks[lightest].append(i)
        loads[lightest] += weights[i]
    order = sorted(range(len(chunks)), key=lambda c: -loads[c])
    return [chunks[c] for c in order if chunks[c]]


def _context():
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    # Linux: fork, so a worker starts at once with what the parent holds (a round's context is
    # megabytes that a fork server would pickle for each worker). run_jobs starts no thread,
    # and callers run their own work in ``meanwhile``, not in threads, so forking is safe.
    # Elsewhere a fork server (macOS) or spawn (Windows).
    for method in ("fork", "forkserver") if sys.platform.startswith("linux") else ("forkserver",):
        if method in methods:
            context = multiprocessing.get_context(method)
            if method == "forkserver":
                context.set_forkserver_preload(PRELOAD)
            return context
    return multiprocessing.get_context("spawn")


@dataclass
class _Worker:
    process: object
    conn: object
    stderr: Path
    jobs: deque = field(default_factory=deque)  # sent, in order; the first one is running
    started: float = 0.0  # when the first of ``jobs`` started
    closed: bool = False


def run_jobs(
    fn: Callable,
    jobs: Sequence,
    *,
    workers: int,
    initializer: Callable | None = None,
    initargs: tuple = (),
    timeout: float | None = None,
    memory: int | None = None,
    progress: Callable[[int, int, int], None] | None = None,
    meanwhile: Callable[[], object] | None = None,
    ahead: int = 1,
) -> list[Outcome]:
    """``fn(job)`` of every job in up to ``workers`` processes; the outcomes in job order.

    Each worker runs ``initializer(*initargs)`` once, then jobs one at a time, with its address
    space limited to ``memory`` bytes; a job running longer than ``timeout`` seconds has its
    worker killed. ``progress(done, total, job index)`` is called as each job ends.
    ``meanwhile()`` runs in this process once the workers have their first jobs (instead of in a
    thread: a process that runs threads must not fork). ``ahead``: jobs sent to a worker before
    it ends the one it runs; more than 1 only for small jobs (a file name), as sending a large one
    to a busy worker would block this process until that worker reads it."""
    total = len(jobs)
    outcomes: list[Outcome | None] = [None] * total
    if not total:
        if meanwhile is not None:
            meanwhile()
        return []
    done = 0
    with tempfile.TemporaryDirectory(prefix="xltools-workers-") as scratch:
        pool = _Pool(_context(), Path(scratch), (fn, initializer, initargs, memory), jobs, ahead)
        live: list[_Worker] = []
        try:
            for slot in range(min(workers, total)):
                live.append(pool.start(slot))
                pool.give(live[-1])
            if meanwhile is not None:
                meanwhile()
            while done < total:
                ready = _ready(live, timeout)
                for slot, worker in enumerate(live):
                    outcome = _outcome(worker, ready, timeout)
                    if outcome is None:
                        continue
                    index = worker.jobs.popleft()
                    worker.started = time.monotonic()  # the next one sent starts now
                    outcomes[index] = outcome
                    done += 1
                    if outcome.failure in (TIMEOUT, MEMORY, CRASH) or not worker.process.is_alive():
                        _stop(worker)
                        pool.pending.extendleft(reversed(worker.jobs))  # not started: elsewhere
                        worker.jobs.clear()
                        if pool.pending:  # a fresh worker in its place
                            worker = live[slot] = pool.start(slot)
                    if not worker.closed:
                        pool.give(worker)
                    if progress:
                        progress(done, total, index)
        finally:
            for worker in live:
                _stop(worker, gently=True)
    return outcomes  # type: ignore[return-value]


@dataclass
class _Pool:
    """How `run_jobs` starts its workers, and the jobs not sent to one yet."""

    context: object  # a multiprocessing context
    scratch: Path  # where each worker's stderr goes
    serve: tuple  # (fn, initializer, initargs, memory) for `_serve`
    jobs: Sequence
    ahead: int
    pending: deque = field(init=False)

    def __post_init__(self) -> None:
        self.pending = deque(range(len(self.jobs)))

    def start(self, slot: int) -> _Worker:
        parent, child = self.context.Pipe()
        stderr = self.scratch / f"worker-{slot}-{time.monotonic_ns()}.txt"
        process = self.context.Process(
            target=_serve, args=(child, *self.serve, str(stderr)), daemon=True
        )
        process.start()
        child.close()
        return _Worker(process, parent, stderr)

    def give(self, worker: _Worker) -> None:
        """Jobs in flight, so a worker need not wait while this process reads its result."""
        while self.pending and len(worker.jobs) < self.ahead:
            if not worker.jobs:
                worker.started = time.monotonic()
            worker.jobs.append(self.pending.popleft())
            worker.conn.send(self.jobs[worker.jobs[-1]])


def _ready(live: list[_Worker], timeout: float | None) -> set:
    """The pipes and process sentinels of the busy workers that have something to say, waiting
    at most until the first running job's time is up."""
    from multiprocessing.connection import wait

    busy = [w for w in live if w.jobs]
    wait_for = None
    if timeout is not None:
        wait_for = max(0.0, min(w.started + timeout for w in busy) - time.monotonic())
    return set(wait([w.conn for w in busy] + [w.process.sentinel for w in busy], wait_for))


def _outcome(worker: _Worker, ready: set, timeout: float | None) -> Outcome | None:
    """How the job a worker runs ended: its answer, its death or its time running out (None
    while it runs)."""
    if not worker.jobs:
        return None
    if worker.conn in ready:
        return _receive(worker)
    if worker.process.sentinel in ready:
        return _dead(worker)
    if timeout is not None and time.monotonic() - worker.started >= timeout:
        return Outcome(failure=TIMEOUT, detail=f"{timeout:g} s")
    return None


def fork_safe() -> bool:
    """True when this process may fork a helper: Linux (where `run_jobs` forks) and a single
    thread. A fork copies only the thread that forks, so a lock another thread held stays locked
    in the child (Python 3.12 warns of it); importing numpy starts OpenBLAS threads unless
    ``OPENBLAS_NUM_THREADS=1``, which the command line sets."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        return len(os.listdir("/proc/self/task")) == 1
    except OSError:
        return False


def alongside(task: Callable[[], T], meanwhile: Callable[[], U]) -> tuple[T, U]:
    """``task()`` in a forked helper process while ``meanwhile()`` runs in this one, on a second
    core; returns both values (``task``'s is pickled back: keep it small).

    The helper starts with this process's memory, so ``task`` needs nothing sent to it. Where
    forking is unsafe (`fork_safe`), on one core, or when the helper fails in any way, ``task()``
    runs here after ``meanwhile()``: the result is the same, and an error is raised here as it
    would be without a helper. An error in ``meanwhile()`` is raised once the helper has ended,
    so that it never leaves the helper's work (a file being written) cut short."""
    if cpu_workers() < 2 or not fork_safe():
        here = meanwhile()
        return task(), here
    done: list = []
    failed: list[Exception] = []

    def here() -> None:
        try:
            done.append(meanwhile())
        except Exception as exc:  # raised below, once the helper has ended
            failed.append(exc)

    (outcome,) = run_jobs(lambda _job: task(), [0], workers=1, meanwhile=here)  # (None: stop)
    if failed:
        raise failed[0]
    return (task() if outcome.failure else outcome.value), done[0]


def _receive(worker: _Worker) -> Outcome:
    try:
        status, value, detail = worker.conn.recv()
    except (EOFError, OSError):
        worker.process.join(1)
        return _dead(worker)
    return Outcome(value, "" if status == OK else status, detail)


def _dead(worker: _Worker) -> Outcome:
    """A worker that died in a job: killed by the memory ceiling (a reader aborting on a failed
    allocation) or crashed otherwise; what it wrote to stderr tells which."""
    worker.process.join(1)
    code = worker.process.exitcode
    try:
        said = worker.stderr.read_text(encoding="utf-8", errors="replace")[-2000:]
    except OSError:
        said = ""
    with contextlib.suppress(ValueError, TypeError):
        if code is not None and code < 0:
            said = f"{said}\n(worker ended by {signal.Signals(-code).name})".strip()
        if code is not None and code > 0:
            said = f"{said}\n(worker exited with code {code})".strip()
    memory = "memory allocation" in said or "MemoryError" in said or "Cannot allocate" in said
    return Outcome(failure=MEMORY if memory else CRASH, detail=said)


def _stop(worker: _Worker, gently: bool = False) -> None:
    if worker.closed:
        return
    worker.closed = True
    if gently and worker.process.is_alive() and not worker.jobs:
        with contextlib.suppress(OSError, ValueError):
            worker.conn.send(None)
        worker.process.join(2)
    if worker.process.is_alive():
        worker.process.kill()
        worker.process.join(5)
    worker.conn.close()
    worker.process.close()


def _serve(conn, fn, initializer, initargs, memory, stderr: str) -> None:
    """A worker's life: limits, the initializer, then one job after another until told to stop."""
    _die_with_parent()
    import faulthandler

    faulthandler.disable()  # a forked worker may inherit its parent's (pytest's), on the terminal
    # What a dying reader writes (a Rust panic or abort message) goes to a file the parent reads,
    # not to the user's terminal.
    fd = os.open(stderr, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.dup2(fd, 2)
    os.close(fd)
    sys.stderr = open(2, "w", encoding="utf-8", errors="replace", closefd=False)  # noqa: SIM115
    if memory:
        _limit_memory(memory)
    if initializer is not None:
        initializer(*initargs)
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return  # the parent is gone
        if job is None:
            return
        try:
            answer = (OK, fn(job), "")
        except MemoryError:
            answer = (MEMORY, None, "MemoryError")
        except (KeyboardInterrupt, SystemExit):
            raise
        except BaseException:  # a reader's PanicException is a BaseException
            answer = (ERROR, None, traceback.format_exc())
        try:
            conn.send(answer)
        except (EOFError, OSError):
            return
        except Exception:  # a value that cannot be pickled
            conn.send((ERROR, None, traceback.format_exc()))


def _die_with_parent() -> None:
    """Have the kernel kill this worker when its parent dies (Linux), so no worker outlives a
    command that was killed. Elsewhere a fork server's workers are its children, and it ends
    with the command; a worker ends when its pipe closes, after its current job."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        return
    if os.getppid() == 1:  # the parent died before the request took effect
        os._exit(1)


def _limit_memory(limit: int) -> None:
    """At most ``limit`` bytes of address space more than the worker has when it starts (a
    forked worker starts with its parent's, which is not the reader's doing)."""
    try:
        import resource
    except ImportError:  # Windows: no ceiling
        return
    # Linux; elsewhere the limit as it is
    with contextlib.suppress(ValueError, OSError), open("/proc/self/statm") as statm:
        limit += int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    with contextlib.suppress(ValueError, OSError):
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
