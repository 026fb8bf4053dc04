"""Finding classes by name: the registry on the ground floor that saving and layers share.

Built-in classes are found without the caller importing their modules; a user's class
registered with ``register_keras_serializable`` round-trips; an unknown name is named in
the error. Layers never import saving or models (the floors of docs/design.md).
"""
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

import lamina
from lamina import layers as L
from lamina.saving import deserialize_layer, register_keras_serializable, serialize_layer
from lamina.utils.object_registration import builtin_class, is_builtin_class

SRC = os.path.dirname(os.path.dirname(lamina.__file__))


def _fresh_python(code):
    """Run ``code`` in a new interpreter (nothing of lamina imported yet)."""
    env = {**os.environ, "PYTHONPATH": SRC}
    proc = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, timeout=120, env=env, check=False)
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@register_keras_serializable(package="test_registry")
class Doubler(L.Layer):
    """A user's own layer: twice its input times a configurable factor."""

    def __init__(self, factor=1.0, **kwargs):
        super().__init__(**kwargs)
        self.factor = factor

    def call(self, inputs):
        return inputs * (2.0 * self.factor)

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


def test_user_layer_registered_round_trips_as_entry():
    entry = serialize_layer(Doubler(factor=3.0, name="twice"))
    assert entry["registered_name"] == "test_registry>Doubler"
    assert entry["module"] == Doubler.__module__
    layer = deserialize_layer(entry)
    assert type(layer) is Doubler and layer.factor == 3.0 and layer.name == "twice"
    assert not is_builtin_class(Doubler)


def test_user_layer_registered_round_trips_in_a_model_file(tmp_path):
    model = lamina.Sequential([lamina.Input(shape=(2,)), Doubler(factor=0.5), L.Dense(1)])
    x = np.arange(6, dtype="float32").reshape(3, 2)
    path = str(tmp_path / "m.keras")
    model.save(path)
    loaded = lamina.saving.load_model(path)
    assert type(loaded.layers[0]) is Doubler
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0),
                               rtol=1e-6)


def test_builtin_classes_and_aliases_found_by_name():
    assert builtin_class("Dense") is L.Dense
    assert builtin_class("Convolution2D") is L.Conv2D   # Keras 2's alias
    assert builtin_class("Sequential") is lamina.models.Sequential
    assert builtin_class("NoSuchLayer") is None
    assert is_builtin_class(L.Dense) and is_builtin_class(lamina.models.Model)


def test_unknown_class_name_gives_an_error_naming_it():
    entry = {"module": "my_pkg", "class_name": "MysteryLayer", "config": {}}
    with pytest.raises(ValueError, match="MysteryLayer") as info:
        deserialize_layer(entry)
    assert "custom_objects" in str(info.value)


def test_builtin_class_resolves_with_only_saving_imported():
    out = _fresh_python("""
        import sys
        import lamina.saving
        assert "lamina.layers" not in sys.modules and "lamina.models" not in sys.modules
        layer = lamina.saving.deserialize_layer(
            {"module": "keras.layers", "class_name": "Dense", "config": {"units": 3}})
        print(type(layer).__module__, type(layer).__name__, layer.units)
    """)
    assert out.split() == ["lamina.layers.core.dense", "Dense", "3"]


def test_model_file_loads_right_after_import_lamina(tmp_path):
    model = lamina.Sequential([lamina.Input(shape=(3,)), L.Dense(4, activation="relu"),
                               L.Dropout(0.1), L.Dense(1)])
    path = str(tmp_path / "m.keras")
    model.save(path)
    x = np.ones((2, 3), dtype="float32")
    want = model.predict(x, verbose=0)
    out = _fresh_python(f"""
        import numpy as np
        import lamina
        model = lamina.saving.load_model({path!r})
        print(type(model).__name__, *model.predict(np.ones((2, 3), "float32"), verbose=0).ravel())
    """)
    name, *values = out.split()
    assert name == "Sequential"
    np.testing.assert_allclose(np.array(values, dtype="float32"), want.ravel(), rtol=1e-6)


def test_layers_import_neither_saving_nor_models():
    out = _fresh_python("""
        import sys
        import lamina.layers
        import lamina.activations, lamina.initializers, lamina.regularizers, lamina.constraints
        import lamina.optimizers
        print(sorted(m for m in sys.modules
                     if m.startswith(("lamina.saving", "lamina.models"))))
    """)
    assert out.strip() == "[]"
