"""Saves survive ``kill -9`` at any moment: the path then holds the previous or the new
complete save (a folder included, never a config of one save beside the weights of
another), and the next successful save leaves no temporary behind."""
import os
import random
import signal
import time

import numpy as np
import pytest

import lamina
from lamina import layers as L
from lamina.datasets import get_file
from lamina.models import load_model

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="kills a forked saver")
X = np.linspace(-1, 1, 2 * 64, dtype="float32").reshape(2, 64)


def _model(activation, seed):
    # the two models differ in config and weights, so a mix of the two predicts neither
    lamina.backend.set_random_seed(seed)
    model = lamina.Sequential([L.Input((64,)), L.Dense(256, activation=activation),
                               L.Dense(3)])
    model.compile("adam", "mse")
    return model


@pytest.fixture(scope="module")
def models():
    pair = [_model("relu", 1), _model("tanh", 2)]
    return pair, [m.predict(X, verbose=0) for m in pair]


def _fork(work):
    """Run ``work()`` in a forked child; it never returns into pytest."""
    pid = os.fork()
    if pid == 0:
        try:
            work()
        finally:
            os._exit(0)
    return pid


def _kill(pid, after_s):
    time.sleep(after_s)
    os.kill(pid, signal.SIGKILL)
    os.waitpid(pid, 0)


def _save_forever(pair, path, zipped):
    def work():
        for i in range(10**6):
            pair[i % 2].save(path, zipped=zipped)
    return work


def _matches_one(loaded, expected):
    got = loaded.predict(X, verbose=0)
    return any(np.allclose(got, e, atol=1e-6) for e in expected)


@pytest.mark.parametrize("zipped", [False, True], ids=["folder", "file"])
def test_kill_during_save_leaves_a_loadable_save(tmp_path, models, zipped):
    pair, expected = models
    path = os.fspath(tmp_path / ("m" if not zipped else "m.keras"))
    name = os.path.basename(path)
    pair[0].save(path, zipped=zipped)
    rng, left_behind = random.Random(0), 0
    for _ in range(12):
        _kill(_fork(_save_forever(pair, path, zipped)), rng.uniform(0.0, 0.25))
        left_behind += len(os.listdir(tmp_path)) > 1 or not os.path.exists(path)
        assert _matches_one(load_model(path), expected), os.listdir(tmp_path)
        pair[1].save(path, zipped=zipped)  # the next successful save cleans up
        assert os.listdir(tmp_path) == [name]
        if not zipped:
            assert sorted(os.listdir(path)) == ["config.json", "metadata.json",
                                                "model.weights.h5"]
    assert left_behind, "no kill landed inside a save; the test proved nothing"


def _crash_before(module, attr, call_number):
    """Patch ``module.attr`` so that its ``call_number``-th call kills the process."""
    real, calls = getattr(module, attr), [0]

    def crash(*args, **kwargs):
        calls[0] += 1
        if calls[0] == call_number:
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args, **kwargs)
    setattr(module, attr, crash)


# each moment of a folder save: writing the files, before it is complete (.part -> .new),
# with the old one aside (target missing), before the old one is removed
@pytest.mark.parametrize("attr,call", [("fsync", 1), ("rename", 1), ("rename", 2),
                                       ("rename", 3), ("rmtree", 1)])
def test_folder_save_killed_at_each_step(tmp_path, models, attr, call):
    import shutil
    pair, expected = models
    path = os.fspath(tmp_path / "m")
    pair[0].save(path, zipped=False)

    def work():
        _crash_before(shutil if attr == "rmtree" else os, attr, call)
        pair[1].save(path, zipped=False)
    pid = _fork(work)
    _, status = os.waitpid(pid, 0)
    assert os.WIFSIGNALED(status), "the crash point was never reached"
    loaded = load_model(path)
    assert _matches_one(loaded, expected)
    if (attr, call) in (("rename", 3), ("rmtree", 1)):  # the new save was complete
        assert _matches_one(loaded, expected[1:])
    if (attr, call) == ("rename", 3):  # killed with the old aside, the new not yet in
        assert not os.path.exists(path)
        fresh = _model("tanh", 3)
        fresh.load_weights(path)
        assert _matches_one(fresh, expected[1:])
    pair[0].save(path, zipped=False)
    assert os.listdir(tmp_path) == ["m"]
    assert _matches_one(load_model(path), expected[:1])


def test_folder_save_refuses_to_replace_a_folder_of_other_files(tmp_path, models):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "train.csv").write_text("precious")
    with pytest.raises(FileExistsError, match="train.csv"):
        models[0][0].save(tmp_path / "data", zipped=False)
    assert os.listdir(tmp_path / "data") == ["train.csv"]
    assert os.listdir(tmp_path) == ["data"]


def test_get_file_killed_mid_download_leaves_no_part_after_the_next_call(tmp_path):
    import hashlib
    data = np.random.RandomState(0).bytes(24 << 20)
    (tmp_path / "remote.bin").write_bytes(data)
    origin, digest = (tmp_path / "remote.bin").as_uri(), hashlib.sha256(data).hexdigest()
    cache = tmp_path / "cache"
    target = cache / "datasets" / "d.bin"

    def download_forever():
        while True:
            if target.exists():
                target.unlink()
            get_file("d.bin", origin, file_hash=digest, cache_dir=cache)

    rng, parts_seen = random.Random(1), 0
    for _ in range(6):
        _kill(_fork(download_forever), rng.uniform(0.02, 0.2))
        parts_seen += any(n.endswith(".part") for n in os.listdir(target.parent))
        assert get_file("d.bin", origin, file_hash=digest, cache_dir=cache) == str(target)
        assert os.listdir(target.parent) == ["d.bin"]
        assert target.read_bytes() == data
    assert parts_seen, "no kill landed inside a download; the test proved nothing"
