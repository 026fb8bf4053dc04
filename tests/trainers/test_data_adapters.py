"""The array data adapter and the epoch iterator: batch boundaries, the short last batch,
shuffling with a seed, several inputs, class weights, the validation split, and the clear
error for data lamina does not take yet."""
import numpy as np
import pytest

from lamina.autodiff.tensor import Tensor
from lamina.trainers import EpochIterator, get_data_adapter
from lamina.trainers.data_adapters import (
    ArrayDataAdapter,
    Arrays,
    DataAdapter,
    train_validation_split,
)


def _xy(n=10):
    x = np.arange(n * 2, dtype=np.float32).reshape(n, 2)
    return x, np.arange(n, dtype=np.float32)


def _batches(adapter, **kw):
    it = EpochIterator(adapter, **kw)
    it.on_epoch_begin(np.random.default_rng(0))
    return list(it.enumerate_epoch())


def test_batch_boundaries_and_short_last_batch():
    x, y = _xy(10)
    adapter = get_data_adapter(x, y, batch_size=4)
    assert isinstance(adapter, DataAdapter)
    assert (adapter.num_samples, adapter.batch_size, adapter.num_batches) == (10, 4, 3)
    got = _batches(adapter)
    assert [step for step, _ in got] == [0, 1, 2]
    assert [len(xb) for _, (xb, _, _) in got] == [4, 4, 2]
    np.testing.assert_array_equal(np.concatenate([yb for _, (_, yb, _) in got]), y)
    assert all(sw is None for _, (_, _, sw) in got)


def test_exact_batches_and_batch_larger_than_data():
    x, y = _xy(8)
    assert [len(b[0]) for _, b in _batches(get_data_adapter(x, y, batch_size=4))] == [4, 4]
    assert [len(b[0]) for _, b in _batches(get_data_adapter(x, y, batch_size=50))] == [8]


def test_steps_per_epoch_goes_round_again_or_stops_early():
    x, y = _xy(5)
    adapter = get_data_adapter(x, y, batch_size=2)
    more = _batches(adapter, steps_per_epoch=5)
    assert [s for s, _ in more] == [0, 1, 2, 3, 4]
    assert [b[1].tolist() for _, b in more] == [[0, 1], [2, 3], [4], [0, 1], [2, 3]]
    assert [s for s, _ in _batches(adapter, steps_per_epoch=2)] == [0, 1]


def test_enumerate_from_a_step_within_the_epoch():
    x, y = _xy(6)
    it = EpochIterator(get_data_adapter(x, y, batch_size=2))
    it.on_epoch_begin(None)
    assert [(s, b[1].tolist()) for s, b in it.enumerate_epoch(2)] == [(2, [4, 5])]


def test_shuffle_with_a_seed_is_repeatable_and_keeps_rows_together():
    x, y = _xy(10)
    sw = np.linspace(1, 2, 10)
    adapter = get_data_adapter(x, y, sw, batch_size=3, shuffle=True)

    def epoch(seed):
        it = EpochIterator(adapter)
        it.on_epoch_begin(np.random.default_rng(seed))
        return [b for _, b in it.enumerate_epoch()]

    a, b = epoch(1), epoch(1)
    for (xa, _, sa), (xb, _, sb) in zip(a, b):
        np.testing.assert_array_equal(xa, xb)
        np.testing.assert_array_equal(sa, sb)
    order = np.concatenate([yb for _, yb, _ in a]).astype(int)
    assert sorted(order) == list(range(10)) and order.tolist() != list(range(10))
    xs = np.concatenate([xb for xb, _, _ in a])
    np.testing.assert_array_equal(xs, x[order])  # x, y and weights shuffled together
    np.testing.assert_array_equal(np.concatenate([s for _, _, s in a]), sw[order])
    # the permutation is the one rng.permutation(n) draws, as fit always did
    np.testing.assert_array_equal(order, np.random.default_rng(1).permutation(10))


def test_no_shuffle_keeps_the_order_and_draws_nothing():
    x, y = _xy(7)
    rng = np.random.default_rng(3)
    state = rng.bit_generator.state
    got = np.concatenate([b[1] for _, b in _batches(get_data_adapter(x, y, batch_size=3))])
    adapter = get_data_adapter(x, y, batch_size=3)
    adapter.on_epoch_begin(rng)
    assert rng.bit_generator.state == state
    np.testing.assert_array_equal(got, y)


def test_tensor_input_is_an_array():
    x, y = _xy(4)
    adapter = get_data_adapter(Tensor(x), y, batch_size=2,
                               standardize=lambda a, b, c: (a.data, b, c))
    assert isinstance(adapter.x, np.ndarray)


def test_dict_inputs_slice_together():
    xa, y = _xy(5)
    xb = -xa
    names = ["a", "b"]

    def standardize(x, y, sw):
        return Arrays([x[k] for k in names]), y, sw

    adapter = get_data_adapter({"b": xb, "a": xa}, y, batch_size=2, standardize=standardize)
    assert isinstance(adapter.x, Arrays) and adapter.num_batches == 3
    batches = _batches(adapter)
    last = batches[-1][1][0]
    assert isinstance(last, Arrays) and len(last) == 1
    np.testing.assert_array_equal(last.part(0), xa[4:])
    np.testing.assert_array_equal(last.part(1), xb[4:])


def test_cardinality_mismatch_is_an_error():
    x, y = _xy(5)
    with pytest.raises(ValueError, match="Data cardinality is ambiguous"):
        get_data_adapter(x, y[:4])


def test_class_weight_becomes_sample_weights():
    x = np.zeros((4, 1))
    y = np.array([0.0, 1.0, 1.0, 0.0])
    adapter = get_data_adapter(x, y, sample_weight=np.full(4, 2.0),
                               class_weight={0: 1.0, 1: 3.0})
    np.testing.assert_array_equal(adapter.sample_weight, [2.0, 6.0, 6.0, 2.0])
    with pytest.raises(ValueError, match="class_weight"):
        get_data_adapter(x, Arrays([y, y]), class_weight={0: 1.0})


def test_validation_split_holds_out_the_last_samples():
    x, y = _xy(10)
    (tx, ty, tsw), (vx, vy, vsw) = train_validation_split((x, y, None), 0.2)
    assert ty.tolist() == list(range(8)) and vy.tolist() == [8, 9]
    assert tsw is None and vsw is None
    with pytest.raises(ValueError, match="validation_split"):
        train_validation_split((x, y, None), 1.5)
    with pytest.raises(ValueError, match="no training or no validation"):
        train_validation_split((x[:1], y[:1], None), 0.5)


def _gen():
    yield np.zeros((2, 2)), np.zeros(2)


@pytest.mark.parametrize("data", [_gen(), iter([np.zeros((2, 2))])], ids=["generator",
                                                                         "iterator"])
def test_unsupported_input_is_a_clear_error(data):
    with pytest.raises(TypeError, match="generator .*lamina takes NumPy arrays"):
        get_data_adapter(data, None, what="fit")


def test_fit_and_predict_refuse_a_generator():
    import lamina
    model = lamina.Sequential([lamina.Input(shape=(2,)), lamina.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(TypeError, match="fit: x is a generator"):
        model.fit(_gen(), np.zeros(2), verbose=0)
    with pytest.raises(TypeError, match="predict: x is a generator"):
        model.predict(_gen(), verbose=0)


def test_array_adapter_is_a_data_adapter_with_iter():
    x, y = _xy(3)
    adapter = ArrayDataAdapter(x, y, batch_size=2)
    assert [len(b[0]) for b in adapter] == [2, 1]
