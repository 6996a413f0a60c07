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
from dataclasses import dataclass
from pathlib import Path

# How a job ended: returned, or ran out of time, memory, crashed the worker, or raised.
OK, TIMEOUT, MEMORY, CRASH, ERROR = "ok", "timeout", "memory", "crash", "error"
# Loaded once in the fork server, so each worker starts in milliseconds with them imported.
PRELOAD = ["xltools.collect.round", "xltools.distribute.round"]


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
    # A fork server, not fork: forking a process that runs threads (collect reads the master in
    # one meanwhile) can deadlock the child, and Python 3.12 warns about it.
    if "forkserver" in methods:
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        return context
    return multiprocessing.get_context("spawn")


@dataclass
class _Worker:
    process: object
    conn: object
    stderr: Path
    job: int | None = None
    started: float = 0.0
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
) -> list[Outcome]:
    """``fn(job)`` of every job in up to ``workers`` processes; the outcomes in job order.

    Each worker runs ``initializer(*initargs)`` once, then jobs one at a time, with its address
    space limited to ``memory`` bytes; a job running longer than ``timeout`` seconds has its
    worker killed. ``progress(done, total, job index)`` is called as each job ends."""
    from multiprocessing.connection import wait

    total = len(jobs)
    outcomes: list[Outcome | None] = [None] * total
    if not total:
        return []
    context = _context()
    pending = deque(range(total))
    live: list[_Worker] = []
    done = 0
    with tempfile.TemporaryDirectory(prefix="xltools-workers-") as scratch:

        def start(slot: int) -> _Worker:
            parent, child = context.Pipe()
            stderr = Path(scratch) / f"worker-{slot}-{time.monotonic_ns()}.txt"
            process = context.Process(
                target=_serve,
                args=(child, fn, initializer, initargs, memory, str(stderr)),
                daemon=True,
            )
            process.start()
            child.close()
            return _Worker(process, parent, stderr)

        def give(worker: _Worker) -> None:
            if pending:
                worker.job = pending.popleft()
                worker.started = time.monotonic()
                worker.conn.send(jobs[worker.job])
            else:
                worker.job = None

        try:
            for slot in range(min(workers, total)):
                worker = start(slot)
                live.append(worker)
                give(worker)
            while done < total:
                busy = [w for w in live if w.job is not None]
                wait_for = None
                if timeout is not None:
                    wait_for = max(0.0, min(w.started + timeout for w in busy) - time.monotonic())
                ready = set(
                    wait([w.conn for w in busy] + [w.process.sentinel for w in busy], wait_for)
                )
                for slot, worker in enumerate(live):
                    if worker.job is None:
                        continue
                    outcome = None
                    if worker.conn in ready:
                        outcome = _receive(worker)
                    elif worker.process.sentinel in ready:
                        outcome = _dead(worker)
                    elif timeout is not None and time.monotonic() - worker.started >= timeout:
                        outcome = Outcome(failure=TIMEOUT, detail=f"{timeout:g} s")
                    if outcome is None:
                        continue
                    index = worker.job
                    outcomes[index] = outcome
                    done += 1
                    if outcome.failure in (TIMEOUT, MEMORY, CRASH) or not worker.process.is_alive():
                        _stop(worker)
                        worker.job = None
                        if pending:  # a fresh worker in its place
                            worker = live[slot] = start(slot)
                    if not worker.closed:
                        give(worker)
                    if progress:
                        progress(done, total, index)
        finally:
            for worker in live:
                _stop(worker, gently=True)
    return outcomes  # type: ignore[return-value]


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
    if gently and worker.process.is_alive() and worker.job is None:
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
    command that was killed. A fork server's workers are its children, and it ends with the
    command; elsewhere a worker ends when its pipe closes, after its current job."""
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
    try:
        import resource
    except ImportError:  # Windows: no ceiling
        return
    with contextlib.suppress(ValueError, OSError):
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
