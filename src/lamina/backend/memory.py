"""Keep freed array memory for reuse, instead of handing it back to the OS at once.

A training step allocates the same large arrays every time (an im2col matrix, a layer's
output, its gradient: megabytes each) and frees them at the end of the step. glibc's
malloc gives such blocks back to the kernel on free (munmap, or trimming the heap), so
the next step touches brand-new pages: one page fault and a zero-fill per 4 KiB, which
cost MNIST's convnet about 20 ms a step on top of ~35 ms of work. Raising malloc's mmap
and trim thresholds keeps up to ``TRIM`` bytes of freed memory in the process for reuse.

This is process-wide glibc tuning, done once, on the first large convolution or pooling
(Linux with glibc only; elsewhere nothing happens). Set ``LAMINA_MALLOC_TUNING=0``, or
glibc's own ``MALLOC_MMAP_THRESHOLD_`` / ``MALLOC_TRIM_THRESHOLD_``, to leave malloc as is.
"""
import os

MMAP = 64 << 20   # blocks up to this size come from the reusable heap
TRIM = 512 << 20  # free memory the heap may keep before trimming
_M_TRIM_THRESHOLD, _M_MMAP_THRESHOLD = -1, -3
_done = False


def keep_freed_memory():
    """Tune glibc's malloc (once per process); returns True if it was tuned now."""
    global _done
    if _done:
        return False
    _done = True
    env = os.environ
    if env.get("LAMINA_MALLOC_TUNING", "1") == "0" or any(
            k in env for k in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_")):
        return False
    import ctypes  # here, not at import: `import lamina` stays quick
    try:
        libc = ctypes.CDLL("libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # not glibc: nothing to tune
        return False
    mallopt.argtypes = [ctypes.c_int, ctypes.c_int]
    return bool(mallopt(_M_MMAP_THRESHOLD, MMAP)) and bool(mallopt(_M_TRIM_THRESHOLD, TRIM))
