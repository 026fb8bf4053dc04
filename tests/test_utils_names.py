"""Keras 3's ``keras.utils`` names on ``lamina.utils``: the same functions as the Keras 2
paths (``lamina.preprocessing``, ``lamina.backend``), living on the ground floor."""
import numpy as np

import lamina
from lamina import backend, preprocessing, utils


def test_keras3_utils_names_are_the_preprocessing_and_backend_functions():
    assert utils.to_categorical is preprocessing.to_categorical
    assert utils.normalize is preprocessing.normalize
    assert utils.pad_sequences is preprocessing.sequence.pad_sequences
    assert utils.set_random_seed is backend.set_random_seed
    assert lamina.utils.to_categorical.__module__ == "lamina.utils.numerical_utils"


def test_keras3_utils_names_compute_keras_results():
    np.testing.assert_array_equal(utils.to_categorical([0, 2], num_classes=3),
                                  [[1, 0, 0], [0, 0, 1]])
    np.testing.assert_allclose(utils.normalize(np.array([[3.0, 4.0]])), [[0.6, 0.8]])
    np.testing.assert_array_equal(utils.pad_sequences([[1], [2, 3]], padding="post"),
                                  [[1, 0], [2, 3]])
    utils.set_random_seed(3)
    a = backend.rng().normal(size=3)
    utils.set_random_seed(3)
    np.testing.assert_array_equal(a, backend.rng().normal(size=3))
