"""The progress bar Keras 3 users know: ``12/12 ━━━━━━━━━━━━━━━━━━━━ 0s 2ms/step - loss: 21.3``."""
import math
import os
import sys
import time


def is_interactive(stream=None):
    """True on a terminal or in a Jupyter/IPython kernel, where a line can be redrawn."""
    stream = stream or sys.stdout
    return bool((hasattr(stream, "isatty") and stream.isatty()) or "ipykernel" in sys.modules
                or "PYCHARM_HOSTED" in os.environ)


def format_value(v):
    if isinstance(v, str):
        return v
    v = float(v)
    return f"{v:.4f}" if abs(v) > 1e-3 else f"{v:.4e}"


def format_time(seconds_per_unit, unit="step"):
    if seconds_per_unit >= 1 or seconds_per_unit == 0:
        return f"{seconds_per_unit:.0f}s/{unit}"
    if seconds_per_unit >= 1e-3:
        return f"{seconds_per_unit * 1e3:.0f}ms/{unit}"
    return f"{seconds_per_unit * 1e6:.0f}us/{unit}"


class Progbar:
    """Displays progress over ``target`` steps.

    verbose=1 redraws one line in place on a terminal or in Jupyter (and prints only the
    final line when output goes to a file or pipe); verbose=2 prints one line at the end.
    ``update(current, values)`` takes ``values`` as (name, value) pairs displayed as given.
    """

    def __init__(self, target, width=20, verbose=1, interval=0.05, unit_name="step",
                 stream=None):
        self.target = target
        self.width = width
        self.verbose = verbose
        self.interval = interval
        self.unit_name = unit_name
        self.stream = stream
        self.dynamic = is_interactive(stream)
        self._start = time.perf_counter()
        self._last_update = 0.0
        self._after_first = None
        self._prev_width = 0

    def _step_time(self, current, now):
        if not current:
            return 0.0
        if self._after_first is not None and current > 1:
            return (now - self._after_first) / (current - 1)
        if current == 1:
            self._after_first = now
        return (now - self._start) / current

    def update(self, current, values=(), finalize=None):
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        now = time.perf_counter()
        per_step = self._step_time(current, now)
        if self.verbose == 1:
            if not finalize and (not self.dynamic or now - self._last_update < self.interval):
                return
            self._last_update = now
            self._write(self._line(current, values, finalize, per_step, now), finalize)
        elif self.verbose == 2 and finalize:
            count = self._count(current)
            parts = [count, f"{now - self._start:.0f}s", format_time(per_step, self.unit_name)]
            parts += [f"{k}: {format_value(v)}" for k, v in values]
            self._print(" - ".join(parts) + "\n")

    def _count(self, current):
        if not self.target:
            return f"{current:7d}/Unknown"
        digits = int(math.log10(self.target)) + 1
        return f"{current:{digits}d}/{self.target}"

    def _line(self, current, values, finalize, per_step, now):
        color = self.dynamic
        bold = (lambda s: f"\x1b[1m{s}\x1b[0m") if color else (lambda s: s)
        text = bold(self._count(current))
        if self.target:
            done = int(self.width * min(current / self.target, 1.0))
            if color:
                filled = f"\x1b[32m{'━' * done}\x1b[0m" if done else ""
                text += f" {filled}\x1b[37m{'━' * (self.width - done)}\x1b[0m"
            else:
                text += " " + "━" * self.width
        if self.target and not finalize:
            eta = per_step * (self.target - current)
            if eta > 3600:
                eta_text = f"{eta // 3600:.0f}:{(eta % 3600) // 60:02.0f}:{eta % 60:02.0f}"
            elif eta > 60:
                eta_text = f"{eta // 60:.0f}:{eta % 60:02.0f}"
            else:
                eta_text = f"{eta:.0f}s"
        else:
            eta_text = f"{now - self._start:.0f}s"
        text += f" {bold(eta_text)} {format_time(per_step, self.unit_name)}"
        for k, v in values:
            text += f" - {k}: {format_value(v)}"
        return text

    def _write(self, line, finalize):
        if self.dynamic:
            visible = len(line)
            pad = " " * max(self._prev_width - visible, 0)
            self._prev_width = visible
            self._print("\r" + line + pad + ("\n" if finalize else ""))
        else:
            self._print(line + "\n")

    def _print(self, text):
        stream = self.stream or sys.stdout
        stream.write(text)
        stream.flush()
