"""The rnn package's own test suite, run on lamina.rnn.

Translates bquast/rnn tests/testthat/test-rnn.R line for line. That file has no
``test_that`` block: it is one script, run by ``test_check("rnn")`` (tests/testthat.R),
that passes when nothing fails; here it is the test ``test_rnn``, at the package's sizes
(7,000 sequences train in about a second). The script defines its own ``int2bin``,
``i2b``, ``bin2int`` and ``b2i``, which put the most significant bit first (the package's
put it last), so they are translated too. Its one check, ``expect_equal(sum(bin2int(B)),
888626)``, is commented out in the package (the sum depends on R's random numbers and on
whether five epochs were enough); the asserts below check what the script computes.
"""
import numpy as np

from lamina.rnn import array, c, dim, predictr, sample, trainr


# function int2bin and bin2int
def int2bin(integer, length=8):
    return np.array([i2b(i, length=length) for i in integer])  # t(sapply(integer, i2b, ...))


def i2b(integer, length=8):
    # rev(as.numeric(intToBits(integer))[1:length]): intToBits is least significant first
    return np.array([(int(integer) >> k) & 1 for k in range(length)][::-1], dtype="float64")


def bin2int(binary):
    # round
    binary = np.round(binary)
    # determine length of binary representation
    length = dim(binary)[1]  # noqa: F841  (unused in the R script too)
    # apply to full matrix
    return np.array([b2i(row) for row in binary])  # apply(binary, 1, b2i)


def b2i(binary):
    # packBits(as.raw(rev(c(rep(0, 32-length(binary)), binary))), 'integer')
    return int(sum(int(bit) << k for k, bit in enumerate(np.asarray(binary)[::-1])))


def test_rnn_script_helpers_are_most_significant_bit_first():
    """The script's helpers, on numbers worked by hand (R: rev(intToBits(6))[...])."""
    np.testing.assert_array_equal(i2b(6), [0, 0, 0, 0, 0, 1, 1, 0])
    np.testing.assert_array_equal(int2bin([1, 254]), [[0] * 7 + [1], [1] * 7 + [0]])
    assert list(bin2int(np.array([[0.2, 0, 0, 0, 0, 1, 0.6, 0.4]]))) == [6]  # rounds first
    assert b2i([1] * 8) == 255


def test_rnn():
    # create training numbers
    X1 = sample(range(0, 128), 7000, replace=True)
    X2 = sample(range(0, 128), 7000, replace=True)

    # create training response numbers
    Y = X1 + X2

    # convert to binary
    X1 = int2bin(X1)
    X2 = int2bin(X2)
    Y = int2bin(Y)

    # Create 3d array: dim 1: samples; dim 2: time; dim 3: variables.
    X = array(c(X1, X2), dim=c(dim(X1), 2))
    Y = array(Y, dim=c(dim(Y), 1))
    assert dim(X) == (7000, 8, 2) and dim(Y) == (7000, 8, 1)
    np.testing.assert_array_equal(X[:, :, 1], X2)

    # train the model
    model = trainr(Y=Y[:, ::-1],                   # Y[,dim(Y)[2]:1,,drop=F]
                   X=X[:, ::-1],                   # X[,dim(X)[2]:1,,drop=F]
                   learningrate=0.1,
                   hidden_dim=[10, 10],
                   numepochs=5,
                   batch_size=100,
                   momentum=0,
                   use_bias=False,
                   learningrate_decay=1)
    assert model.hidden_dim == [10, 10] and model.numepochs == 5
    assert dim(model.error) == (7000, 5)  # one row per sample, one column per epoch
    np.testing.assert_allclose(model.epoch_error, model.error.mean(axis=0))  # colMeans
    assert np.all(model.error >= 0) and np.all(model.error <= 8)  # |error| <= 1 per step

    # create test inputs
    A1 = int2bin(sample(range(0, 128), 7000, replace=True))
    A2 = int2bin(sample(range(0, 128), 7000, replace=True))

    # create 3d array: dim 1: samples; dim 2: time; dim 3: variables
    A = array(c(A1, A2), dim=c(dim(A1), 2))

    # predict
    # B <- predictr(model, A[,dim(A)[2]:1,,drop=F])[,dim(A)[2]:1]
    B = predictr(model, A[:, ::-1])[:, ::-1]
    assert dim(B) == (7000, 8)
    assert np.all((B > 0) & (B < 1))  # the logistic output layer

    # inspect the differences
    # expect_equal(sum(bin2int(B)), 888626)
    # print(sum(bin2int(B)))
    # print(sum(bin2int(A1))+sum(bin2int(A2)))
