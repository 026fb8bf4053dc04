"""safe_mode is per thread and per load: a trusted ``safe_mode=False`` in one thread never
lets another thread's load run code stored in its file."""
import threading

import numpy as np
import pytest

import lamina
from lamina import layers as L
from lamina.saving import load_model, register_keras_serializable
from lamina.utils.serialization import in_safe_mode, safe_mode_scope

_GATE = {"inside": threading.Event(), "proceed": threading.Event(), "armed": False}


@register_keras_serializable(package="test_safety_threads")
class Gate(L.Layer):
    """Identity; while armed, its from_config stops mid-load until told to go on."""

    @classmethod
    def from_config(cls, config):
        if _GATE["armed"]:
            _GATE["inside"].set()
            assert _GATE["proceed"].wait(30), "the other thread never opened its scope"
        return cls(**config)


def _in_thread(fn):
    out = {}

    def run():
        try:
            out["value"] = fn()
        except Exception as e:  # noqa: BLE001  (handed to the test)
            out["error"] = e
    thread = threading.Thread(target=run)
    thread.start()
    return thread, out


def test_untrusted_load_refused_while_another_thread_is_unsafe(tmp_path):
    model = lamina.Sequential([L.Input((3,)), Gate(), L.Lambda(lambda t: t * 2), L.Dense(1)])
    path = tmp_path / "untrusted.keras"
    model.save(path)
    _GATE.update(armed=True)
    _GATE["inside"].clear()
    _GATE["proceed"].clear()
    try:
        thread, out = _in_thread(lambda: load_model(path))  # untrusted: safe mode
        assert _GATE["inside"].wait(30)                 # its load is under way ...
        with safe_mode_scope(False):                    # ... when a trusted load opens up
            _GATE["proceed"].set()
            thread.join(60)
    finally:
        _GATE.update(armed=False)
        _GATE["proceed"].set()
    assert not thread.is_alive()
    assert isinstance(out.get("error"), ValueError), out
    assert "safe_mode=False" in str(out["error"])


def test_new_threads_start_in_safe_mode():
    entry = lamina.layers.serialize(L.Lambda(lambda t: t + 1))
    with safe_mode_scope(False):
        assert in_safe_mode() is False
        thread, out = _in_thread(lambda: (in_safe_mode(), lamina.layers.deserialize(entry)))
        thread.join(60)
        assert lamina.layers.deserialize(entry).function(1) == 2  # this thread: trusted
    assert isinstance(out.get("error"), ValueError) and "safe_mode=False" in str(out["error"])
    thread, out = _in_thread(in_safe_mode)
    thread.join(60)
    assert out["value"] is True


def test_trusted_load_in_a_thread_still_works(tmp_path):
    model = lamina.Sequential([L.Input((3,)), L.Lambda(lambda t: t * 2), L.Dense(1)])
    model.save(tmp_path / "m.keras")
    x = np.ones((2, 3), "float32")
    thread, out = _in_thread(lambda: load_model(tmp_path / "m.keras", safe_mode=False))
    thread.join(60)
    np.testing.assert_allclose(out["value"].predict(x, verbose=0), model.predict(x, verbose=0))
    with pytest.raises(ValueError, match="safe_mode=False"):
        load_model(tmp_path / "m.keras")


def test_custom_object_scope_is_per_thread():
    def twice(x):
        return x * 2
    with lamina.saving.custom_object_scope({"twice": twice}):
        assert lamina.saving.get_registered_object("twice") is twice
        thread, out = _in_thread(lambda: lamina.saving.get_registered_object("twice"))
        thread.join(60)
    assert out["value"] is None
