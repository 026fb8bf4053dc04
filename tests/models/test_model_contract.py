"""Model-level refusals that Keras 3 makes too: duplicate layer names, saving an unbuilt
model."""
import warnings

import numpy as np
import pytest

import lamina
from lamina import layers


def test_sequential_refuses_two_layers_with_one_name():
    with pytest.raises(ValueError, match="should have unique names. Name 'd'"):
        lamina.Sequential([layers.Dense(2, name="d"), layers.Dense(2, name="d")])
    model = lamina.Sequential([layers.Dense(2, name="d")])
    with pytest.raises(ValueError, match="unique names"):
        model.add(layers.Dense(3, name="d"))
    assert len(model.layers) == 1  # the refused layer was not added


def test_functional_refuses_two_layers_with_one_name():
    inputs = layers.Input((3,))
    hidden = layers.Dense(2, name="d")(inputs)
    with pytest.raises(ValueError, match="The name 'd' is used 2 times in the model"):
        lamina.Model(inputs, layers.Dense(2, name="d")(hidden))


def test_save_weights_of_an_unbuilt_model_raises(tmp_path):
    model = lamina.Sequential([layers.Dense(2)])
    with pytest.raises(ValueError, match="not yet been built"):
        model.save_weights(str(tmp_path / "m.weights.h5"))
    assert not (tmp_path / "m.weights.h5").exists()


def test_save_of_an_unbuilt_model_warns_and_a_built_one_does_not(tmp_path):
    model = lamina.Sequential([layers.Dense(2)])
    with pytest.warns(UserWarning, match="not yet been built"):
        model.save(str(tmp_path / "m.keras"))
    model.build((None, 4))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        model.save(str(tmp_path / "m2.keras"))
    loaded = lamina.models.load_model(str(tmp_path / "m2.keras"))
    x = np.ones((2, 4), "float32")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
