"""Subclassing Model: tracked layers, call, build on first use, and a custom train_step."""
import numpy as np
import pytest

import lamina
from lamina import backend, layers


class TwoLayer(lamina.Model):
    def __init__(self, units=8, **kwargs):
        super().__init__(**kwargs)
        self.hidden = layers.Dense(units, activation="relu")
        self.head = layers.Dense(1)

    def call(self, inputs, training=None):
        return self.head(self.hidden(inputs))


def data(n=64, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, 3)).astype("float32")
    return x, (x @ np.array([[1.0], [-2.0], [0.5]])).astype("float32")


def test_layers_are_tracked_and_built_on_first_call():
    model = TwoLayer()
    assert not model.built and model.layers == [model.hidden, model.head]
    x, y = data()
    out = model(x[:5])
    assert out.shape == (5, 1) and model.built
    assert [w.shape for w in model.weights] == [(3, 8), (8,), (8, 1), (1,)]
    assert model.get_layer(model.head.name) is model.head
    assert model.get_layer(index=0) is model.hidden


def test_layer_lists_and_early_assignment_are_tracked():
    class Stack(lamina.Model):
        def __init__(self):
            self.first = layers.Dense(4)  # before super().__init__(): still tracked
            super().__init__(name="stack")
            self.blocks = [layers.Dense(4, activation="tanh") for _ in range(2)]

        def call(self, inputs):
            x = self.first(inputs)
            for block in self.blocks:
                x = block(x)
            return x

    model = Stack()
    model(np.zeros((2, 3), "float32"))
    assert len(model.layers) == 3 and len(model.trainable_weights) == 6
    assert model.name == "stack"


def test_fit_trains_the_tracked_weights():
    backend.set_random_seed(0)
    model = TwoLayer()
    model.compile(optimizer=lamina.optimizers.Adam(learning_rate=0.02), loss="mse",
                  metrics=["mae"])
    x, y = data()
    hist = model.fit(x, y, epochs=30, batch_size=16, verbose=0, validation_split=0.25)
    assert hist.history["loss"][-1] < 0.5 * hist.history["loss"][0]
    assert set(hist.history) == {"loss", "mae", "val_loss", "val_mae"}
    assert model.predict(x, verbose=0).shape == (64, 1)


def test_several_inputs_and_outputs():
    class TwoHeads(lamina.Model):
        def __init__(self):
            super().__init__()
            self.left, self.right = layers.Dense(4), layers.Dense(4)
            self.reg, self.cls = layers.Dense(1), layers.Dense(2, activation="softmax")

        def call(self, inputs):
            a, b = inputs
            h = layers.concatenate([self.left(a), self.right(b)])
            return [self.reg(h), self.cls(h)]

    backend.set_random_seed(1)
    model = TwoHeads()
    x, y = data()
    labels = (y[:, 0] > 0).astype("int64")
    model.compile("adam", loss=["mse", "sparse_categorical_crossentropy"])
    hist = model.fit([x, x * 2], [y, labels], epochs=5, verbose=0)
    assert {"loss", "output_0_loss", "output_1_loss"} == set(hist.history)
    assert hist.history["loss"][-1] < hist.history["loss"][0]
    pred = model.predict([x, x * 2], verbose=0)
    assert [p.shape for p in pred] == [(64, 1), (64, 2)]


class CustomStep(TwoLayer):
    """Keras 3's protocol: train_step(self, data) returns the logs."""

    def train_step(self, data):
        x, y = data[:2]
        sample_weight = data[2] if len(data) > 2 else None
        self.optimizer.zero_grad()
        y_pred = self(x, training=True)
        loss = self.compute_loss(x, y, y_pred, sample_weight)
        # a real custom rule: clip every gradient before the step
        loss.backward()
        for w in self.trainable_weights:
            np.clip(w.grad, -0.1, 0.1, out=w.grad)
        self.optimizer.step()
        self.calls = getattr(self, "calls", 0) + 1
        return self.compute_metrics(x, y, y_pred, sample_weight)


def test_custom_train_step_is_used_by_fit():
    backend.set_random_seed(2)
    model = CustomStep()
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    x, y = data()
    hist = model.fit(x, y, epochs=6, batch_size=16, verbose=0, validation_data=(x, y))
    assert model.calls == 6 * 4
    assert hist.history["loss"][-1] < hist.history["loss"][0]
    assert set(hist.history) == {"loss", "mae", "val_loss", "val_mae"}
    # the epoch's loss is the running mean of compute_loss over the epoch's batches
    backend.set_random_seed(2)
    again = CustomStep()
    again.compile(optimizer="sgd", loss="mse")
    again(x[:1])
    again.set_weights(model.get_weights())
    hist = again.fit(x, y, epochs=1, batch_size=16, shuffle=False, verbose=0)
    backend.set_random_seed(2)
    by_hand = CustomStep()
    by_hand.compile(optimizer="sgd", loss="mse")
    by_hand(x[:1])
    by_hand.set_weights(model.get_weights())
    losses = [by_hand.train_on_batch(x[i:i + 16], y[i:i + 16]) for i in range(0, 64, 16)]
    assert hist.history["loss"][0] == pytest.approx(np.mean(losses), rel=1e-5)


def test_custom_train_step_clips_gradients():
    # with a huge learning rate, clipping keeps the first step's size to lr * 0.1 per weight
    backend.set_random_seed(3)
    model = CustomStep()
    model.compile(optimizer=lamina.optimizers.SGD(learning_rate=1.0), loss="mse")
    x, y = data()
    model(x[:1])
    before = [w.data.copy() for w in model.trainable_weights]
    model.train_on_batch(x * 100, y * 100)
    after = [w.data for w in model.trainable_weights]
    assert max(np.abs(a - b).max() for a, b in zip(after, before)) <= 0.1 + 1e-6


def test_custom_train_step_must_return_a_dict():
    class Bad(TwoLayer):
        def train_step(self, data):
            return 1.0

    model = Bad()
    model.compile("sgd", "mse")
    x, y = data()
    with pytest.raises(TypeError, match="must return a dict"):
        model.fit(x, y, verbose=0)


def test_subclass_may_pass_inputs_outputs_to_init_as_in_keras():
    class Graph(lamina.Model):  # Keras 3 makes this a functional model, so does lamina
        def __init__(self, units=1):
            i = layers.Input(shape=(2,))
            super().__init__(i, layers.Dense(units)(i))

    model = Graph(units=3)
    assert isinstance(model, Graph) and len(model.layers) == 2
    assert model.predict(np.ones((4, 2)), verbose=0).shape == (4, 3)

    class Wrong(lamina.Model):
        def __init__(self):
            super().__init__(layers.Input(shape=(2,)))  # inputs without outputs

    with pytest.raises(TypeError, match="only taken by Model"):
        Wrong()


class GuideStep(lamina.Model):
    """Keras's "customizing fit" guide: a subclass called with (inputs, outputs)."""

    def train_step(self, data):
        x, y = data
        self.optimizer.zero_grad()
        y_pred = self(x, training=True)
        loss = self.compute_loss(y=y, y_pred=y_pred)
        loss.backward()
        self.optimizer.apply([w.grad for w in self.trainable_weights], self.trainable_weights)
        for metric in self.metrics:
            if metric.name == "loss":
                metric.update_state(loss)  # already counted by compute_loss: not twice
            else:
                metric.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


def test_subclass_called_with_inputs_and_outputs_is_functional(tmp_path):
    backend.set_random_seed(0)
    inputs = layers.Input(shape=(3,))
    model = GuideStep(inputs, layers.Dense(1)(inputs))
    assert isinstance(model, GuideStep) and isinstance(model, lamina.models.Functional)
    model.compile(optimizer="sgd", loss="mse", metrics=["mae"])
    assert [m.name for m in model.metrics] == ["loss", "mae"]
    x, y = data()
    hist = model.fit(x, y, epochs=2, batch_size=16, shuffle=False, verbose=0)
    assert set(hist.history) == {"loss", "mae"}
    # the loss log is the epoch's mean over its batches, each counted once
    assert model.metrics[0].count == len(x)
    model.save(tmp_path / "m.keras")
    with pytest.raises(ValueError, match="GuideStep"):
        lamina.models.load_model(tmp_path / "m.keras")
    back = lamina.models.load_model(tmp_path / "m.keras", custom_objects={"GuideStep": GuideStep})
    assert type(back).__name__ == "GuideStep" and isinstance(back, GuideStep)
    np.testing.assert_array_equal(back.predict(x, verbose=0), model.predict(x, verbose=0))


class OwnTrackers(lamina.Model):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.loss_tracker = lamina.metrics.Mean(name="loss")

    def train_step(self, data):
        x, y = data
        self.optimizer.zero_grad()
        loss = ((self(x, training=True) - lamina.autodiff.Tensor(y)) ** 2).mean()
        loss.backward()
        self.optimizer.step()
        self.loss_tracker.update_state(loss.data)
        return {"loss": self.loss_tracker.result()}

    @property
    def metrics(self):
        return [self.loss_tracker]


def test_compile_without_loss_for_custom_step_and_own_metrics_reset_each_epoch():
    inputs = layers.Input(shape=(3,))
    model = OwnTrackers(inputs, layers.Dense(1)(inputs))
    model.compile(optimizer="sgd")  # valid in Keras when train_step computes the loss
    x, y = data()
    model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert model.loss_tracker.count == 4  # the last epoch's 4 batches only
    plain = TwoLayer()
    plain.compile(optimizer="sgd")  # allowed, as in Keras: add_loss terms may be the loss
    with pytest.raises(ValueError, match="No loss to compute"):  # ... but there are none
        plain.fit(x, y, verbose=0)
