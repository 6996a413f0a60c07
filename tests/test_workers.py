"""Jobs in worker processes: a crash, a runaway allocation or a hang costs only its own job."""

import os
import threading
import time

import pytest

from xltools.core.workers import (
    CRASH,
    ERROR,
    MEMORY,
    TIMEOUT,
    alongside,
    balanced_chunks,
    fork_safe,
    run_jobs,
)


def job(what):
    if what == "sleep":
        time.sleep(60)
    elif what == "exit":
        os._exit(3)
    elif what == "abort":
        os.abort()
    elif what == "allocate":
        return len(bytearray(4 * 2**30))
    elif what == "raise":
        raise ValueError("boom")
    elif what == "panic":  # what python-calamine raises: a BaseException, not an Exception

        class PanicException(BaseException):
            pass

        raise PanicException("index out of bounds")
    elif what == "pid":
        return os.getpid()
    return what * 2


def test_each_failure_costs_only_its_own_job():
    jobs = ["a", "sleep", "b", "exit", "c", "abort", "allocate", "raise", "d", "panic", "e"]
    seen = []
    outcomes = run_jobs(
        job,
        jobs,
        workers=2,
        timeout=1.5,
        memory=2**30,
        progress=lambda done, total, i: seen.append((done, total)),
    )
    assert [o.value for o in outcomes if not o.failure] == ["aa", "bb", "cc", "dd", "ee"]
    failures = {jobs[i]: o.failure for i, o in enumerate(outcomes) if o.failure}
    assert failures == {
        "sleep": TIMEOUT,
        "exit": CRASH,
        "abort": CRASH,
        "allocate": MEMORY,
        "raise": ERROR,
        "panic": ERROR,
    }
    assert "ValueError: boom" in outcomes[jobs.index("raise")].detail
    assert "SIGABRT" in outcomes[jobs.index("abort")].detail
    assert seen[-1] == (len(jobs), len(jobs)) and len(seen) == len(jobs)


def test_a_dead_worker_is_replaced_and_no_worker_outlives_the_run():
    outcomes = run_jobs(job, ["pid", "exit", "pid", "pid"], workers=1)
    pids = {o.value for o in outcomes if not o.failure}
    assert len(pids) == 2  # the worker after the crash is a new process
    time.sleep(0.2)
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        # A zombie of the fork server's is gone as soon as it is reaped; a live one is a leak.
        with open(f"/proc/{pid}/stat") as stat:
            assert stat.read().split()[2] == "Z", f"worker {pid} still runs"


def test_no_jobs_no_workers():
    assert run_jobs(job, [], workers=4) == []


def test_work_is_spread_evenly():
    sizes = [2000, 2000, 5, 5, 5, 5, 2000, 5, 5, 1000]
    chunks = balanced_chunks([n + 21 for n in sizes], 4)
    assert sorted(i for chunk in chunks for i in chunk) == list(range(len(sizes)))
    loads = [sum(sizes[i] + 21 for i in chunk) for chunk in chunks]
    assert loads == sorted(loads, reverse=True)
    assert max(loads) <= 2100  # each big one in its own chunk


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: the task runs here")
def test_alongside_runs_the_task_in_a_helper_process():
    # The test process has no threads (conftest sets OPENBLAS_NUM_THREADS before numpy starts
    # any), so it may fork: the summary's helper is exercised by its tests.
    assert fork_safe()
    here = os.getpid()
    helper, mine = alongside(lambda: os.getpid(), lambda: os.getpid())
    assert mine == here and helper != here


def test_alongside_does_the_task_here_when_the_helper_dies():
    here = os.getpid()

    def task():
        if os.getpid() != here:
            os._exit(3)  # the helper dies
        return "done here"

    assert alongside(task, lambda: "meanwhile") == ("done here", "meanwhile")


def test_an_error_here_waits_for_the_helper_to_finish(tmp_path):
    written = tmp_path / "written.txt"

    def task():
        time.sleep(0.3)
        written.write_text("whole")

    def meanwhile():
        raise ValueError("the workbook failed")

    with pytest.raises(ValueError, match="workbook failed"):
        alongside(task, meanwhile)
    assert written.read_text() == "whole"


def test_no_helper_while_threads_run():
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not fork_safe()
        here = os.getpid()
        assert alongside(lambda: os.getpid(), lambda: os.getpid()) == (here, here)
    finally:
        stop.set()
        thread.join()
