"""Image utilities (Keras's load_img / img_to_array / array_to_img / save_img).

They need Pillow (the optional extra ``lamina[image]``); without it these tests
are skipped, except the one that checks the install hint.
"""
import builtins
import io

import numpy as np
import pytest

from lamina import backend
from lamina.preprocessing import array_to_img, img_to_array, load_img, save_img

try:
    from PIL import Image
except ImportError:  # the optional extra is absent: only the install-hint test runs
    Image = None


def test_missing_pillow_names_the_extra(monkeypatch):
    real_import = builtins.__import__

    def no_pil(name, *args, **kwargs):
        if name == "PIL" or name.startswith("PIL."):
            raise ImportError("No module named 'PIL'")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pil)
    with pytest.raises(ImportError, match=r"pip install 'lamina\[image\]'"):
        array_to_img(np.zeros((2, 2, 3)))
    with pytest.raises(ImportError, match="load_img needs Pillow"):
        load_img("whatever.png")
    # img_to_array only needs NumPy.
    assert img_to_array(np.zeros((2, 3))).shape == (2, 3, 1)


needs_pillow = pytest.mark.skipif(Image is None, reason="Pillow (lamina[image]) is not installed")


def _rgb(h=4, w=6, seed=0):
    return np.random.RandomState(seed).randint(0, 256, (h, w, 3)).astype(np.uint8)


@needs_pillow
def test_array_to_img_scales_like_keras():
    x = np.array([[[0.0], [0.5]], [[1.0], [0.25]]])
    img = array_to_img(x)
    assert img.mode == "L" and img.size == (2, 2)
    # (x - min) / (max - min) * 255, then a truncating cast to uint8.
    np.testing.assert_array_equal(np.asarray(img), [[0, 127], [255, 63]])
    img = array_to_img(x * 100 + 3, scale=False)
    np.testing.assert_array_equal(np.asarray(img), [[3, 53], [103, 28]])
    const = array_to_img(np.full((2, 2, 3), 7.0))  # max - min == 0: all zeros
    np.testing.assert_array_equal(np.asarray(const), np.zeros((2, 2, 3)))


@needs_pillow
def test_array_to_img_modes_and_data_formats():
    rgb = _rgb()
    img = array_to_img(rgb, scale=False)
    assert img.mode == "RGB" and img.size == (6, 4)
    np.testing.assert_array_equal(np.asarray(img), rgb)
    img = array_to_img(rgb.transpose(2, 0, 1), data_format="channels_first", scale=False)
    np.testing.assert_array_equal(np.asarray(img), rgb)
    rgba = np.concatenate([rgb, np.full((4, 6, 1), 200, np.uint8)], axis=-1)
    assert array_to_img(rgba, scale=False).mode == "RGBA"
    big = array_to_img(np.array([[[1000.0], [5.0]]]), scale=False)
    assert big.mode == "I" and np.asarray(big).tolist() == [[1000, 5]]
    with pytest.raises(ValueError, match="rank 3"):
        array_to_img(np.zeros((2, 2)))
    with pytest.raises(ValueError, match="1, 3 or 4 channels"):
        array_to_img(np.zeros((2, 2, 2)))
    with pytest.raises(ValueError, match="data_format"):
        array_to_img(rgb, data_format="nhwc")


@needs_pillow
def test_img_to_array_layouts_and_dtypes(monkeypatch):
    rgb = _rgb()
    img = Image.fromarray(rgb)
    x = img_to_array(img)
    assert x.shape == (4, 6, 3) and x.dtype == np.float32
    np.testing.assert_array_equal(x, rgb)
    assert img_to_array(img, data_format="channels_first").shape == (3, 4, 6)
    assert img_to_array(img, dtype="uint8").dtype == np.uint8
    gray = Image.fromarray(rgb[:, :, 0])
    assert img_to_array(gray).shape == (4, 6, 1)
    assert img_to_array(gray, data_format="channels_first").shape == (1, 4, 6)
    monkeypatch.setattr(backend, "_IMAGE_DATA_FORMAT", "channels_first")
    assert img_to_array(img).shape == (3, 4, 6)  # the global setting is the default
    with pytest.raises(ValueError, match="unsupported image shape"):
        img_to_array(np.zeros((1, 2, 3, 4)))


@needs_pillow
def test_save_and_load_round_trip(tmp_path):
    rgb = _rgb(5, 7)
    save_img(tmp_path / "a.png", rgb, scale=False)
    img = load_img(tmp_path / "a.png")
    assert img.mode == "RGB" and img.size == (7, 5)
    np.testing.assert_array_equal(img_to_array(img), rgb)
    np.testing.assert_array_equal(img_to_array(load_img(str(tmp_path / "a.png"))), rgb)
    # A file object with an explicit format.
    buf = io.BytesIO()
    save_img(buf, rgb, file_format="png", scale=False)
    buf.seek(0)
    np.testing.assert_array_equal(np.asarray(load_img(buf)), rgb)


@needs_pillow
def test_load_img_color_modes(tmp_path):
    rgb = _rgb()
    Image.fromarray(rgb).save(tmp_path / "c.png")
    gray = load_img(tmp_path / "c.png", color_mode="grayscale")
    assert gray.mode == "L"
    np.testing.assert_array_equal(np.asarray(gray), np.asarray(Image.fromarray(rgb).convert("L")))
    rgba = load_img(tmp_path / "c.png", color_mode="rgba")
    assert rgba.mode == "RGBA" and np.asarray(rgba)[..., 3].min() == 255
    Image.fromarray(np.arange(12, dtype=np.uint16).reshape(3, 4) * 1000).save(tmp_path / "i16.png")
    deep = load_img(tmp_path / "i16.png", color_mode="grayscale")
    assert deep.mode in ("I;16", "I")  # 16-bit grayscale is kept, not squeezed to 8 bits
    assert np.asarray(deep).max() == 11000
    with pytest.raises(ValueError, match="color_mode"):
        load_img(tmp_path / "c.png", color_mode="cmyk")


@needs_pillow
def test_load_img_resizing(tmp_path):
    x = np.zeros((4, 8, 3), np.uint8)
    x[:, :4] = 255  # left half white
    Image.fromarray(x).save(tmp_path / "r.png")
    img = load_img(tmp_path / "r.png", target_size=(2, 4))
    assert img.size == (4, 2)
    np.testing.assert_array_equal(np.asarray(img),
                                  np.asarray(Image.fromarray(x).resize((4, 2), Image.NEAREST)))
    for method in ("bilinear", "bicubic", "hamming", "box", "lanczos"):
        got = np.asarray(load_img(tmp_path / "r.png", target_size=(3, 3), interpolation=method))
        resample = getattr(Image.Resampling, method.upper())
        np.testing.assert_array_equal(got, np.asarray(Image.fromarray(x).resize((3, 3),
                                                                                resample)))
    # keep_aspect_ratio: a centred 4x4 crop (columns 2..5) resized to 2x2.
    got = np.asarray(load_img(tmp_path / "r.png", target_size=(2, 2), keep_aspect_ratio=True))
    want = np.asarray(Image.fromarray(x[:, 2:6]).resize((2, 2), Image.NEAREST))
    np.testing.assert_array_equal(got, want)
    with pytest.raises(ValueError, match="interpolation"):
        load_img(tmp_path / "r.png", target_size=(2, 2), interpolation="cubic")
    with pytest.raises(ValueError, match="target_size"):
        load_img(tmp_path / "r.png", target_size=(2,))
    with pytest.raises(TypeError, match="path"):
        load_img(42)


@needs_pillow
def test_save_img_rgba_as_jpeg_becomes_rgb(tmp_path):
    rgba = np.concatenate([_rgb(), np.full((4, 6, 1), 9, np.uint8)], axis=-1)
    with pytest.warns(UserWarning, match="RGBA"):
        save_img(tmp_path / "x.jpg", rgba)
    assert Image.open(tmp_path / "x.jpg").mode == "RGB"
    with pytest.warns(UserWarning, match="RGBA"):
        save_img(tmp_path / "y.bin", rgba, file_format="jpg")
    assert Image.open(tmp_path / "y.bin").format == "JPEG"


def test_save_img_leaves_no_partial_file_on_failure(tmp_path):
    pytest.importorskip("PIL")
    target = tmp_path / "out.png"
    save_img(target, np.random.rand(4, 4, 3))
    before = target.read_bytes()
    with pytest.raises(KeyError):  # Pillow: unknown format
        save_img(target, np.random.rand(4, 4, 3), file_format="no-such-format")
    assert target.read_bytes() == before  # the saved file is untouched
    assert [p.name for p in tmp_path.iterdir()] == ["out.png"]  # no temporary left behind
