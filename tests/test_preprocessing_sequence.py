"""pad_sequences: Keras's results for every padding / truncating / value / maxlen / dtype."""
import numpy as np
import pytest

from lamina.preprocessing import pad_sequences
from lamina.preprocessing.sequence import pad_sequences as pad_from_module

SEQS = [[1], [2, 3], [4, 5, 6]]


def test_keras_docstring_examples():
    assert pad_sequences is pad_from_module
    out = pad_sequences(SEQS)
    assert out.dtype == np.int32
    np.testing.assert_array_equal(out, [[0, 0, 1], [0, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(pad_sequences(SEQS, value=-1),
                                  [[-1, -1, 1], [-1, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(pad_sequences(SEQS, padding="post"),
                                  [[1, 0, 0], [2, 3, 0], [4, 5, 6]])
    np.testing.assert_array_equal(pad_sequences(SEQS, maxlen=2), [[0, 1], [2, 3], [5, 6]])


@pytest.mark.parametrize("padding,truncating,expected", [
    ("pre", "pre", [[0, 0, 0, 1], [0, 0, 2, 3], [0, 4, 5, 6], [8, 9, 10, 11]]),
    ("pre", "post", [[0, 0, 0, 1], [0, 0, 2, 3], [0, 4, 5, 6], [7, 8, 9, 10]]),
    ("post", "pre", [[1, 0, 0, 0], [2, 3, 0, 0], [4, 5, 6, 0], [8, 9, 10, 11]]),
    ("post", "post", [[1, 0, 0, 0], [2, 3, 0, 0], [4, 5, 6, 0], [7, 8, 9, 10]]),
])
def test_padding_and_truncating(padding, truncating, expected):
    seqs = SEQS + [[7, 8, 9, 10, 11]]
    out = pad_sequences(seqs, maxlen=4, padding=padding, truncating=truncating)
    np.testing.assert_array_equal(out, expected)


def test_maxlen_longer_than_all_dtype_and_value():
    out = pad_sequences([[1.5, 2.5], []], maxlen=3, dtype="float32", value=-0.5)
    assert out.dtype == np.float32 and out.shape == (2, 3)
    np.testing.assert_array_equal(out, [[-0.5, 1.5, 2.5], [-0.5, -0.5, -0.5]])
    # int32 casts floats by truncation, as np.asarray(..., dtype) does in Keras.
    np.testing.assert_array_equal(pad_sequences([[1.9, -2.7]]), [[1, -2]])
    # The default 0.0 fill value in an int array is 0.
    assert pad_sequences([[5], [1, 2]], dtype="int64").dtype == np.int64


def test_numpy_inputs_and_item_shapes():
    seqs = [np.array([[1, 2], [3, 4]]), np.zeros((0, 2)), np.array([[5, 6]])]
    out = pad_sequences(seqs, maxlen=3)
    assert out.shape == (3, 3, 2)
    np.testing.assert_array_equal(out[0], [[0, 0], [1, 2], [3, 4]])
    np.testing.assert_array_equal(out[1], np.zeros((3, 2)))
    np.testing.assert_array_equal(out[2], [[0, 0], [0, 0], [5, 6]])
    np.testing.assert_array_equal(pad_sequences(np.array([[1, 2], [3, 4]]), maxlen=1), [[2], [4]])


def test_strings_need_an_object_or_str_dtype():
    out = pad_sequences([["a", "b"], ["c"]], dtype=object, value="<pad>")
    assert out.tolist() == [["a", "b"], ["<pad>", "c"]]
    out = pad_sequences([["ab"], ["c", "d"]], dtype="<U5", value="", padding="post")
    assert out.tolist() == [["ab", ""], ["c", "d"]]
    with pytest.raises(ValueError, match="dtype=object"):
        pad_sequences([["a"]], value="x")


def test_edge_cases():
    assert pad_sequences([]).shape == (0, 0)
    assert pad_sequences([[], []]).shape == (2, 0)
    np.testing.assert_array_equal(pad_sequences([[1, 2], [3]], maxlen=0), np.zeros((2, 0)))
    assert pad_sequences(([1, 2], (3,)), maxlen=2).tolist() == [[1, 2], [0, 3]]


def test_bad_arguments():
    with pytest.raises(ValueError, match="padding"):
        pad_sequences(SEQS, padding="middle")
    with pytest.raises(ValueError, match="truncating"):
        pad_sequences(SEQS, truncating="both")
    with pytest.raises(ValueError, match="maxlen"):
        pad_sequences(SEQS, maxlen=-1)
    with pytest.raises(ValueError, match="maxlen"):
        pad_sequences(SEQS, maxlen=2.0)
    with pytest.raises(ValueError, match="item 1"):
        pad_sequences([[1], 5])
    with pytest.raises(ValueError, match="list of sequences"):
        pad_sequences(iter(SEQS))
    with pytest.raises(ValueError, match=r"sequence 1 have shape \(3,\)"):
        pad_sequences([np.zeros((2, 2)), np.zeros((2, 3))])
    with pytest.raises(ValueError, match="dtype"):
        pad_sequences(SEQS, dtype="not-a-dtype")
