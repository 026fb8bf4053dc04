"""Run a raw-array kernel over slices of the batch on several threads.

NumPy's elementwise loops and copies run on one core, and they release the GIL
while they work, so a kernel applied to the two halves of a batch on two threads
takes about half the time on a two-core machine (BLAS products already use every
core by themselves). ``LAMINA_NUM_THREADS`` overrides the number of threads
(default: the cores this process may run on); 1 turns the threads off.

>>> out = np.empty(10)
>>> parallel_for(lambda a, b: np.multiply(np.arange(a, b), 2, out=out[a:b]), 10, work=0)
>>> out[:3]
array([0., 2., 4.])
"""
import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np  # noqa: F401  (used in the docstring example)

_threads = None
_executor = None
MIN_WORK = 1 << 16  # elements below which a second thread costs more than it saves


def num_threads():
    """How many threads the kernels split their work over."""
    global _threads
    if _threads is None:
        env = os.environ.get("LAMINA_NUM_THREADS")
        if env:
            _threads = max(1, int(env))
        elif hasattr(os, "sched_getaffinity"):
            _threads = max(1, len(os.sched_getaffinity(0)))
        else:
            _threads = max(1, os.cpu_count() or 1)
    return _threads


def set_num_threads(n):
    """Use ``n`` threads for the batch-parallel kernels (1: none)."""
    global _threads, _executor
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"set_num_threads: expected a positive integer, got {n!r}")
    _threads = n
    if _executor is not None:
        _executor.shutdown(wait=False)
        _executor = None


def parallel_for(fn, n, work=None):
    """Call ``fn(start, stop)`` on contiguous pieces of ``range(n)``, one per thread; this
    thread takes the first piece. ``work`` (elements touched) below MIN_WORK: one call."""
    global _executor
    t = min(num_threads(), n)
    if t <= 1 or (work is not None and work < MIN_WORK):
        fn(0, n)
        return
    if _executor is None:
        _executor = ThreadPoolExecutor(max_workers=max(1, num_threads() - 1),
                                       thread_name_prefix="lamina")
    bounds = [n * i // t for i in range(t + 1)]
    futures = [_executor.submit(fn, bounds[i], bounds[i + 1]) for i in range(1, t)]
    fn(bounds[0], bounds[1])
    for f in futures:
        f.result()
