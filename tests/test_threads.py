"""The batched engine's threads (arcgames.batch): step loops and jobs split envs across threads, and every
env is stepped exactly once per step, whatever the hand-off took (polling, sleeping, leaving for a job)."""

from __future__ import annotations

import multiprocessing
import threading
import time

import numba
import numpy as np
import pytest

from arcgames import batch


@numba.njit(nogil=True)
def count_range(ctl, w, lo, hi, counts, step):
    """Every env thread w claims records the step it saw: a missed or doubled step, or an env two threads
    stepped, shows."""
    start, end = batch.claim(ctl, w, lo, hi)
    while start < end:
        for n in range(start, end):
            if counts[n] == step[0] - 1:
                counts[n] = step[0]
            else:
                counts[n] = -1
        start, end = batch.claim(ctl, w, lo, hi)


@numba.njit(nogil=True)
def serve_count(ctl, w, lo, hi, polls, counts, step):
    while batch.next_post(ctl, w, polls):
        count_range(ctl, w, lo, hi, counts, step)
        batch.mark_done(ctl, w)


@pytest.fixture
def threads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Four threads even on a 2-core machine: three workers, whose hand-offs interleave."""
    monkeypatch.setattr(batch, "THREADS", 4)


def stepper(num_envs: int) -> tuple[batch.StepLoop, np.ndarray, np.ndarray]:
    counts, step = np.zeros(num_envs, dtype=np.int64), np.zeros(1, dtype=np.int64)
    return batch.StepLoop(count_range, serve_count, num_envs, (counts, step)), counts, step


def advance(loop: batch.StepLoop, step: np.ndarray) -> None:
    step[0] += 1
    loop.run()


def test_a_step_loop_steps_every_env_once_per_step_fast_or_after_its_workers_slept(threads) -> None:
    loop, counts, step = stepper(1000)
    assert loop.threads == 4  # the caller and three workers
    for i in range(300):
        if i % 50 == 49:
            time.sleep(0.005)  # longer than the workers poll: they sleep, and the next step wakes them
        advance(loop, step)
    assert (counts == 300).all()


def test_two_step_loops_and_jobs_share_the_workers(threads) -> None:
    first, first_counts, first_step = stepper(640)
    second, second_counts, second_step = stepper(1000)
    jobs = np.zeros(800, dtype=np.int64)
    for i in range(200):
        advance(first, first_step)
        if i % 3 == 0:
            advance(second, second_step)  # the workers leave the first loop for the second, and back
        if i % 7 == 0:
            batch.run_ranges(bump_range, len(jobs), jobs)  # a job: the workers leave whichever loop they poll
    assert (first_counts == 200).all()
    assert (second_counts == 67).all()
    assert (jobs == 29).all()


@numba.njit(nogil=True)
def bump_range(lo, hi, values):
    for n in range(lo, hi):
        values[n] += 1


def test_few_envs_stay_on_the_calling_thread(threads) -> None:
    loop, counts, step = stepper(batch.MIN_CHUNK + 10)
    assert loop.threads == 1
    advance(loop, step)
    assert (counts == 1).all()


def test_a_job_that_raises_raises_in_the_caller(threads) -> None:
    def boom(lo, hi):
        if lo > 0:  # a worker's chunk, not the caller's
            raise RuntimeError(f"chunk {lo}-{hi}")

    with pytest.raises(RuntimeError, match="chunk"):
        batch.run_ranges(boom, 1000)


def test_a_stuck_worker_is_an_error_not_a_hang(threads, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "STUCK_SECONDS", 0.2)
    release = threading.Event()

    def block(lo, hi):
        if lo > 0:  # the workers' chunks wait until the test lets them go
            release.wait(10)

    blocker = threading.Thread(target=batch.run_ranges, args=(block, 1000))
    blocker.start()
    loop, counts, step = stepper(1000)
    try:
        with pytest.raises(RuntimeError, match=r"worker thread \d did not finish in 0.2 s"):
            advance(loop, step)
    finally:
        release.set()
        blocker.join()
    for row in range(1, loop.threads):  # freed, the workers finish the step that timed out
        while not batch.wait_done(loop.ctl, row, 1000):
            time.sleep(0.01)
    advance(loop, step)
    assert (counts == 2).all()


def test_a_forked_child_starts_its_own_workers(threads, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch, "STUCK_SECONDS", 5)  # the child inherits it: a child waiting on dead threads fails fast
    loop, counts, step = stepper(1000)
    advance(loop, step)  # the parent's workers exist now
    context = multiprocessing.get_context("fork")
    with context.Pool(1) as pool:
        assert pool.apply(steps_in_child, (loop, counts, step)) == 2
    assert (counts == 1).all()  # the child's steps are its own


def steps_in_child(loop: batch.StepLoop, counts: np.ndarray, step: np.ndarray) -> int:
    advance(loop, step)
    return int(counts.min()) if (counts == counts[0]).all() else -1


def test_a_chunk_that_raises_on_a_worker_raises_in_the_caller_and_the_worker_lives_on(threads) -> None:
    counts, step = np.zeros(1000, dtype=np.int64), np.zeros(1, dtype=np.int64)

    def serve_badly(ctl, w, lo, hi, polls, counts, step):
        raise ValueError(f"worker {w} broke")

    broken = batch.StepLoop(count_range, serve_badly, 1000, (counts, step))
    with pytest.raises(ValueError, match=r"worker \d broke"):
        advance(broken, step)
    loop, counts, step = stepper(1000)  # the same worker threads still serve a sound loop
    advance(loop, step)
    assert (counts == 1).all()
