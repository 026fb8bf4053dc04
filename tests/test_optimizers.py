"""Optimizers and schedules: each update rule against a plain per-variable NumPy
reference written here from Keras 3's documented rules, Keras's own single-step and
golden values, clipping, weight decay, schedules, state, configs and the flat buffers."""
import math
import warnings

import numpy as np
import pytest

import lamina.ops  # noqa: F401  (attaches Tensor operators)
from lamina import optimizers
from lamina.autodiff import Variable
from lamina.optimizers import (
    SGD,
    Adadelta,
    Adagrad,
    Adam,
    Adamax,
    AdamW,
    Nadam,
    Optimizer,
    RMSprop,
    schedules,
)

STEPS = 4
_r = np.random.default_rng(42)
INIT = [_r.normal(size=(3, 4)), _r.normal(size=(4,))]          # a kernel and a bias
KICKS = [[_r.normal(size=w.shape) for w in INIT] for _ in range(STEPS)]


def grad_of(w, step, i):
    """The gradient fed at ``step``: depends on the current weights, so errors compound."""
    return 0.5 * w + KICKS[step][i]


def run(opt, steps=STEPS, dtype="float64", names=("kernel", "bias"), constraints=(None, None)):
    """Train two variables with the hot path: zero_grad, fill var.grad, step."""
    vs = [Variable(w.astype(dtype), name=n, constraint=c)
          for w, n, c in zip(INIT, names, constraints)]
    opt.build(vs)
    for s in range(steps):
        opt.zero_grad()
        for i, v in enumerate(vs):
            v.grad += grad_of(v.data.astype(np.float64), s, i)   # as backward accumulates
        opt.step()
    return vs


def reference(rule, state0, lr=0.01, steps=STEPS, clip=None, weight_decay=None,
              decay_mask=(True, True)):
    """Per-variable reference. ``rule(w, g, state, t, lr) -> w``; ``clip(grads) -> grads``."""
    ws = [w.copy() for w in INIT]
    states = [{k: np.full_like(w, v) for k, v in state0.items()} for w in ws]
    for s in range(steps):
        lr_s = lr(s) if callable(lr) else lr
        grads = [grad_of(w, s, i) for i, w in enumerate(ws)]
        if clip is not None:
            grads = clip(grads)
        for i in range(len(ws)):
            if weight_decay and decay_mask[i]:
                ws[i] = ws[i] - ws[i] * weight_decay * lr_s
            ws[i] = rule(ws[i], grads[i], states[i], s + 1, lr_s)
    return ws


def check(vs, ref, rtol=1e-10, atol=1e-12):
    for v, w in zip(vs, ref):
        np.testing.assert_allclose(v.numpy(), w, rtol=rtol, atol=atol)


# ------------------------------------------------------------------ Keras's rules, per variable
def sgd_rule(momentum=0.0, nesterov=False):
    def rule(w, g, st, t, lr):
        if momentum == 0:
            return w - lr * g
        st["m"] = momentum * st["m"] - lr * g
        return w + (momentum * st["m"] - lr * g if nesterov else st["m"])
    return rule


def rmsprop_rule(rho=0.9, momentum=0.0, eps=1e-7, centered=False):
    def rule(w, g, st, t, lr):
        st["v"] = rho * st["v"] + (1 - rho) * g ** 2
        if centered:
            st["a"] = rho * st["a"] + (1 - rho) * g
            denom = st["v"] - st["a"] ** 2 + eps
        else:
            denom = st["v"] + eps
        inc = lr * g / np.sqrt(denom)
        if momentum > 0:
            st["m"] = momentum * st["m"] + inc
            return w - st["m"]
        return w - inc
    return rule


def adagrad_rule(eps=1e-7):
    def rule(w, g, st, t, lr):
        st["acc"] = st["acc"] + g ** 2
        return w - lr * g / np.sqrt(st["acc"] + eps)
    return rule


def adadelta_rule(rho=0.95, eps=1e-7):
    def rule(w, g, st, t, lr):
        st["eg"] = rho * st["eg"] + (1 - rho) * g ** 2
        d = -np.sqrt(st["ed"] + eps) * g / np.sqrt(st["eg"] + eps)
        st["ed"] = rho * st["ed"] + (1 - rho) * d ** 2
        return w + lr * d
    return rule


def adam_rule(b1=0.9, b2=0.999, eps=1e-7, amsgrad=False):
    def rule(w, g, st, t, lr):
        alpha = lr * np.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        st["m"] = st["m"] + (g - st["m"]) * (1 - b1)
        st["v"] = st["v"] + (g ** 2 - st["v"]) * (1 - b2)
        v = st["v"]
        if amsgrad:
            st["vh"] = np.maximum(st["vh"], st["v"])
            v = st["vh"]
        return w - alpha * st["m"] / (np.sqrt(v) + eps)
    return rule


def adamax_rule(b1=0.9, b2=0.999, eps=1e-7):
    def rule(w, g, st, t, lr):
        st["m"] = st["m"] + (g - st["m"]) * (1 - b1)
        st["u"] = np.maximum(b2 * st["u"], np.abs(g))
        return w - lr * st["m"] / ((1 - b1 ** t) * (st["u"] + eps))
    return rule


def nadam_rule(b1=0.9, b2=0.999, eps=1e-7):
    prod = {}  # the momentum-cache product is shared by all variables: key it by step

    def rule(w, g, st, t, lr):
        u_t = b1 * (1 - 0.5 * 0.96 ** t)
        u_t1 = b1 * (1 - 0.5 * 0.96 ** (t + 1))
        if t not in prod:
            prod[t] = prod.get(t - 1, 1.0) * u_t
        p_t = prod[t]
        st["m"] = st["m"] + (g - st["m"]) * (1 - b1)
        st["v"] = st["v"] + (g ** 2 - st["v"]) * (1 - b2)
        m_hat = u_t1 * st["m"] / (1 - p_t * u_t1) + (1 - u_t) * g / (1 - p_t)
        v_hat = st["v"] / (1 - b2 ** t)
        return w - m_hat * lr / (np.sqrt(v_hat) + eps)
    return rule


CASES = {
    "sgd": (lambda: SGD(0.1), sgd_rule(), {}, 0.1),
    "sgd_momentum": (lambda: SGD(0.1, momentum=0.9), sgd_rule(0.9), {"m": 0}, 0.1),
    "sgd_nesterov": (lambda: SGD(0.1, momentum=0.9, nesterov=True), sgd_rule(0.9, True),
                     {"m": 0}, 0.1),
    "rmsprop": (lambda: RMSprop(0.01), rmsprop_rule(), {"v": 0}, 0.01),
    "rmsprop_centered": (lambda: RMSprop(0.01, rho=0.8, centered=True),
                         rmsprop_rule(rho=0.8, centered=True), {"v": 0, "a": 0}, 0.01),
    "rmsprop_momentum": (lambda: RMSprop(0.01, momentum=0.5), rmsprop_rule(momentum=0.5),
                         {"v": 0, "m": 0}, 0.01),
    "rmsprop_centered_momentum": (
        lambda: RMSprop(0.01, momentum=0.5, centered=True, epsilon=1e-3),
        rmsprop_rule(momentum=0.5, centered=True, eps=1e-3), {"v": 0, "a": 0, "m": 0}, 0.01),
    "adagrad": (lambda: Adagrad(0.1), adagrad_rule(), {"acc": 0.1}, 0.1),
    "adagrad_init": (lambda: Adagrad(0.1, initial_accumulator_value=0.5, epsilon=1e-3),
                     adagrad_rule(1e-3), {"acc": 0.5}, 0.1),
    "adadelta": (lambda: Adadelta(1.0), adadelta_rule(), {"eg": 0, "ed": 0}, 1.0),
    "adadelta_rho": (lambda: Adadelta(0.5, rho=0.8, epsilon=1e-4), adadelta_rule(0.8, 1e-4),
                     {"eg": 0, "ed": 0}, 0.5),
    "adam": (lambda: Adam(0.01), adam_rule(), {"m": 0, "v": 0}, 0.01),
    "adam_betas": (lambda: Adam(0.05, beta_1=0.5, beta_2=0.67, epsilon=1e-5),
                   adam_rule(0.5, 0.67, 1e-5), {"m": 0, "v": 0}, 0.05),
    "adam_amsgrad": (lambda: Adam(0.01, amsgrad=True), adam_rule(amsgrad=True),
                     {"m": 0, "v": 0, "vh": 0}, 0.01),
    "adamax": (lambda: Adamax(0.01), adamax_rule(), {"m": 0, "u": 0}, 0.01),
    "adamax_betas": (lambda: Adamax(0.2, beta_1=0.85, beta_2=0.95, epsilon=1e-6),
                     adamax_rule(0.85, 0.95, 1e-6), {"m": 0, "u": 0}, 0.2),
    "nadam": (lambda: Nadam(0.01), nadam_rule(), {"m": 0, "v": 0}, 0.01),
    "nadam_betas": (lambda: Nadam(0.5, beta_1=0.5, beta_2=0.67, epsilon=1e-5),
                    nadam_rule(0.5, 0.67, 1e-5), {"m": 0, "v": 0}, 0.5),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_update_rule_matches_reference(case):
    make, rule, state0, lr = CASES[case]
    check(run(make()), reference(rule, state0, lr=lr))


@pytest.mark.parametrize("case", ["sgd_nesterov", "rmsprop_centered", "adam", "nadam"])
def test_float32_variables_close_to_float64_reference(case):
    make, rule, state0, lr = CASES[case]
    vs = run(make(), dtype="float32")
    assert all(v.dtype == np.float32 for v in vs)
    check(vs, reference(rule, state0, lr=lr), rtol=2e-5, atol=2e-6)


def test_adamw_decays_then_updates():
    check(run(AdamW(0.01, weight_decay=0.1)),
          reference(adam_rule(), {"m": 0, "v": 0}, lr=0.01, weight_decay=0.1))
    with pytest.raises(ValueError, match="weight_decay"):
        AdamW(weight_decay=None)
    assert AdamW().weight_decay == 0.004


@pytest.mark.parametrize("make", [lambda: SGD(0.1, momentum=0.9, weight_decay=0.05),
                                  lambda: RMSprop(0.01, weight_decay=0.05)])
def test_weight_decay_for_any_optimizer_and_exclusion(make):
    opt = make()
    rule = sgd_rule(0.9) if isinstance(opt, SGD) else rmsprop_rule()
    state0 = {"m": 0} if isinstance(opt, SGD) else {"v": 0}
    lr = opt.learning_rate
    check(run(opt), reference(rule, state0, lr=lr, weight_decay=0.05))
    opt = make()
    opt.exclude_from_weight_decay(var_names=["bias"])
    check(run(opt), reference(rule, state0, lr=lr, weight_decay=0.05, decay_mask=(True, False)))


def test_clipnorm_per_variable():
    def clip(grads, c=0.3):
        return [g * c / max(np.sqrt(np.sum(g * g)), c) for g in grads]
    check(run(SGD(0.1, momentum=0.9, clipnorm=0.3)),
          reference(sgd_rule(0.9), {"m": 0}, lr=0.1, clip=clip))
    # a variable already under the norm is left alone
    check(run(Adam(0.01, clipnorm=100.0)), reference(adam_rule(), {"m": 0, "v": 0}, lr=0.01))


def test_global_clipnorm():
    def clip(grads, c=0.5):
        norm = np.sqrt(sum(np.sum(g * g) for g in grads))
        return [g * c / max(norm, c) for g in grads]
    check(run(Adam(0.01, global_clipnorm=0.5)),
          reference(adam_rule(), {"m": 0, "v": 0}, lr=0.01, clip=clip))


def test_clipvalue():
    check(run(SGD(0.1, clipvalue=0.2)),
          reference(sgd_rule(), {}, lr=0.1, clip=lambda gs: [np.clip(g, -0.2, 0.2) for g in gs]))


def test_only_one_clip_argument():
    with pytest.raises(ValueError, match="only one of"):
        SGD(clipnorm=1.0, clipvalue=1.0)


# ------------------------------------------------------------------ Keras's own numbers
SINGLE_STEP = {   # lr=0.5, grads [1, 6, 7, 2] on [1, 2, 3, 4]
    SGD: [0.5, -1.0, -0.5, 3.0], RMSprop: [-0.5811, 0.4189, 1.4189, 2.4189],
    Adagrad: [0.5233, 1.5007, 2.5005, 3.5061], Adadelta: [0.9993, 1.9993, 2.9993, 3.9993],
    Adam: [0.5, 1.5, 2.5, 3.5], AdamW: [0.4980, 1.4960, 2.494, 3.492],
    Adamax: [0.5, 1.5, 2.5, 3.5], Nadam: [0.4686, 1.4686, 2.4686, 3.4686],
}


@pytest.mark.parametrize("cls", list(SINGLE_STEP), ids=lambda c: c.__name__)
def test_keras_single_step(cls):
    v = Variable(np.array([1.0, 2.0, 3.0, 4.0], "float32"))
    cls(learning_rate=0.5).apply_gradients([(np.array([1.0, 6.0, 7.0, 2.0], "float32"), v)])
    np.testing.assert_allclose(v.numpy(), SINGLE_STEP[cls], rtol=1e-4, atol=1e-4)


GOLDEN = {   # first column of Keras's golden tables: 0.01 first, then arange(0.1, 1.1, 0.1)
    "adam_amsgrad": (lambda: Adam(amsgrad=True), [0.999, 0.9982, 0.9974, 0.9965, 0.9955]),
    "rmsprop_centered": (lambda: RMSprop(centered=True), [0.9967, 0.9933, 0.9908, 0.9885,
                                                          0.9864]),
    "adadelta": (lambda: Adadelta(1.0, rho=0.8, epsilon=1e-6),
                 [0.9978, 0.9947, 0.9915, 0.9882, 0.9849]),
    "adagrad": (lambda: Adagrad(0.2, initial_accumulator_value=0.3, epsilon=1e-6),
                [0.9963, 0.9604, 0.9251, 0.8903, 0.856]),
    "adamax": (lambda: Adamax(0.2, beta_1=0.85, beta_2=0.95, epsilon=1e-6),
               [0.8, 0.6827, 0.5333, 0.368, 0.1933]),
    "adamw": (lambda: AdamW(1.0, weight_decay=0.5, epsilon=2.0),
              [0.4998, 0.2486, 0.1223, 0.0586, 0.0263]),
    "nadam": (lambda: Nadam(0.5, beta_1=0.5, beta_2=0.67, epsilon=1e-5),
              [0.4281, -0.1738, -0.7115, -1.2335, -1.7492]),
    "sgd_nesterov": (lambda: SGD(nesterov=True), [0.9999, 0.9989, 0.9979, 0.9969, 0.9959]),
}


@pytest.mark.parametrize("case", sorted(GOLDEN))
def test_keras_golden_values(case):
    make, golden = GOLDEN[case]
    opt = make()
    x = Variable(np.ones(10, "float32"))
    grads = np.arange(0.1, 1.1, 0.1, dtype="float32")[:10]
    opt.apply_gradients([(np.full(10, 0.01, "float32"), x)])
    for want in golden:
        np.testing.assert_allclose(x.numpy()[0], want, rtol=5e-4, atol=5e-4)
        opt.apply_gradients([(grads, x)])


def test_keras_rmsprop_docstring_example():
    var1 = Variable(np.array(10.0, "float32"))
    RMSprop(learning_rate=0.1).apply_gradients([(var1.numpy().copy(), var1)])  # d(v^2/2) = v
    np.testing.assert_allclose(var1.numpy(), 9.683772, rtol=1e-6)


def test_weight_decay_through_three_optimizers_sharing_a_variable():
    # each optimizer re-packs the shared variable; none may update a stale buffer
    var1 = Variable(np.array(2.0, "float32"))
    var2 = Variable(np.array(2.0, "float32"), name="exclude")
    var3 = Variable(np.array(2.0, "float32"))
    zero = np.zeros((), "float32")
    SGD(1.0, weight_decay=0.004).apply_gradients([(zero, var1)])
    o2 = SGD(1.0, weight_decay=0.004)
    o2.exclude_from_weight_decay(var_names=["exclude"])
    o2.apply_gradients([(zero, var1), (zero, var2)])
    o3 = SGD(1.0, weight_decay=0.004)
    o3.exclude_from_weight_decay(var_list=[var3])
    o3.apply_gradients([(zero, var1), (zero, var3)])
    np.testing.assert_allclose([var1.item(), var2.item(), var3.item()], [1.9760959, 2.0, 2.0],
                               rtol=1e-6)


# ------------------------------------------------------------------ schedules
def test_schedule_values():
    s = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    np.testing.assert_allclose([s(0), s(5), s(20)], [0.1, 0.1 * 0.5 ** 0.5, 0.025])
    s = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    np.testing.assert_allclose([s(9), s(10), s(25)], [0.1, 0.05, 0.025])
    s = schedules.PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
    assert [s(0), s(10), s(11), s(20), s(21)] == [1.0, 1.0, 0.5, 0.5, 0.1]
    np.testing.assert_allclose(s(np.array([5, 15, 25])), [1.0, 0.5, 0.1])
    s = schedules.InverseTimeDecay(0.1, decay_steps=2, decay_rate=0.5)
    np.testing.assert_allclose([s(0), s(1), s(4)], [0.1, 0.1 / 1.25, 0.05])
    s = schedules.InverseTimeDecay(0.1, decay_steps=2, decay_rate=0.5, staircase=True)
    np.testing.assert_allclose([s(1), s(3)], [0.1, 0.1 / 1.5])
    s = schedules.PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.01, power=2.0)
    np.testing.assert_allclose([s(0), s(5), s(10), s(50)],
                               [0.1, 0.09 * 0.25 + 0.01, 0.01, 0.01])
    s = schedules.PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.0, cycle=True)
    np.testing.assert_allclose([s(0), s(5), s(10), s(15)], [0.1, 0.05, 0.0, 0.025])
    s = schedules.CosineDecay(0.1, decay_steps=10, alpha=0.1)
    cos = lambda k: 0.5 * (1 + math.cos(math.pi * k / 10))
    np.testing.assert_allclose([s(0), s(3), s(10), s(99)],
                               [0.1, 0.1 * (0.9 * cos(3) + 0.1), 0.01, 0.01])
    s = schedules.CosineDecay(0.0, decay_steps=10, warmup_target=0.2, warmup_steps=4)
    np.testing.assert_allclose([s(0), s(2), s(4), s(9), s(14), s(100)],
                               [0.0, 0.1, 0.2, 0.2 * cos(5), 0.0, 0.0], atol=1e-15)
    s = schedules.CosineDecayRestarts(0.1, first_decay_steps=10)   # periods 10, 20, 40
    np.testing.assert_allclose([s(0), s(5), s(10), s(20), s(30)],
                               [0.1, 0.05, 0.1, 0.05, 0.1], atol=1e-12)


def test_schedule_array_steps_match_scalar_steps():
    steps = np.arange(0, 300, 7)
    for s in [schedules.ExponentialDecay(0.1, 10, 0.9, staircase=True),
              schedules.PiecewiseConstantDecay([20, 100], [0.1, 0.01, 0.001]),
              schedules.CosineDecay(0.1, 100, alpha=0.2, warmup_target=0.5, warmup_steps=30),
              schedules.CosineDecay(0.1, 100), schedules.InverseTimeDecay(0.1, 10, 0.3),
              schedules.PolynomialDecay(0.1, 70, cycle=True, power=0.5),
              schedules.CosineDecayRestarts(0.1, 10, t_mul=1.5, m_mul=0.8, alpha=0.1)]:
        vec = s(steps)
        assert vec.shape == steps.shape
        np.testing.assert_allclose(vec, [s(int(k)) for k in steps], rtol=1e-12, atol=1e-15)
        assert isinstance(s(np.int64(3)), float)


def test_schedule_configs_and_errors():
    for s in [schedules.ExponentialDecay(0.1, 10, 0.9, staircase=True),
              schedules.PiecewiseConstantDecay([5], [0.1, 0.01]),
              schedules.CosineDecay(0.1, 100, alpha=0.2, warmup_target=0.5, warmup_steps=3),
              schedules.InverseTimeDecay(0.1, 10, 0.3), schedules.PolynomialDecay(0.1, 7),
              schedules.CosineDecayRestarts(0.1, 10, t_mul=1.0, m_mul=0.5)]:
        d = schedules.serialize(s)
        assert d["module"] == "keras.optimizers.schedules"
        assert d["class_name"] == type(s).__name__
        back = schedules.deserialize(d)
        assert type(back) is type(s) and back.get_config() == s.get_config()
        assert back(7) == s(7)
    with pytest.raises(ValueError, match="decay_steps"):
        schedules.ExponentialDecay(0.1, 0, 0.9)
    with pytest.raises(ValueError, match="1 less"):
        schedules.PiecewiseConstantDecay([1, 2], [0.1])
    with pytest.raises(ValueError, match="Unknown learning rate schedule"):
        schedules.deserialize({"class_name": "Nope", "config": {}})


def test_schedule_drives_the_optimizer():
    sched = schedules.PiecewiseConstantDecay([1], [0.1, 0.01])   # steps 0-1: 0.1, then 0.01
    opt = SGD(learning_rate=sched)
    check(run(opt), reference(sgd_rule(), {}, lr=lambda s: 0.1 if s <= 1 else 0.01))
    assert opt.iterations == STEPS and opt.learning_rate == 0.01
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.5
    cfg = optimizers.serialize(opt)
    back = optimizers.deserialize(cfg)
    assert isinstance(back._learning_rate, schedules.PiecewiseConstantDecay)
    assert back.get_config() == opt.get_config()


# ------------------------------------------------------------------ learning rate, iterations
def test_learning_rate_read_and_assign():
    opt = SGD(learning_rate=0.1)
    assert opt.learning_rate == 0.1
    vs = run(opt, steps=1)
    before = [v.numpy().copy() for v in vs]
    opt.learning_rate = 0.5                       # e.g. ReduceLROnPlateau
    assert opt.learning_rate == 0.5 and opt.get_config()["learning_rate"] == 0.5
    opt.zero_grad()
    vs[0].grad += 1.0
    opt.step()
    np.testing.assert_allclose(vs[0].numpy(), before[0] - 0.5)
    np.testing.assert_allclose(vs[1].numpy(), before[1])
    assert opt.iterations == 2
    opt.learning_rate = lambda: 0.25              # a no-argument callable, as in Keras
    assert opt.learning_rate == 0.25
    with pytest.raises(ValueError, match="learning_rate"):
        SGD(learning_rate="fast")
    with pytest.raises(ValueError, match="momentum"):
        SGD(momentum=1.5)


# ------------------------------------------------------------------ the flat buffers
def test_variables_are_views_into_one_flat_buffer():
    opt = Adam(0.01)
    vs = run(opt, steps=1)
    (G,) = opt._groups
    assert G.p.size == sum(v.data.size for v in vs)
    for v in vs:
        assert v.data.base is G.p and v.grad.base is G.g
        assert np.shares_memory(v.data, G.p)
    # assign writes through the view, and the optimizer sees it
    vs[1].assign(np.full(4, 3.0))
    np.testing.assert_array_equal(G.p[-4:], 3.0)
    opt.zero_grad()
    opt.step()
    assert vs[1].data.base is G.p
    assert np.all(vs[1].numpy() != 3.0)          # zero grad but live momentum moved it
    opt.zero_grad()
    assert not G.g.any() and not vs[0].grad.any()


def test_backward_accumulates_into_the_views():
    w = Variable(np.array([1.0, -2.0, 3.0]), name="w")
    b = Variable(np.array([0.5]), name="b")
    opt = SGD(0.1)
    opt.build([w, b])
    for _ in range(2):
        opt.zero_grad()
        loss = (w * w).sum() + (b * 3.0).sum()
        loss.backward()
        assert w.grad.base is opt._groups[0].g
        opt.step()
    np.testing.assert_allclose(w.numpy(), np.array([1.0, -2.0, 3.0]) * 0.8 ** 2)
    np.testing.assert_allclose(b.numpy(), [0.5 - 2 * 0.3])


def test_rebound_grad_is_detected():
    w = Variable(np.array([1.0, 2.0]), name="w")
    opt = SGD(0.1)
    opt.build([w])
    w.zero_grad()                                # Tensor.zero_grad sets grad to None ...
    (w * w).sum().backward()                     # ... so backward makes a fresh array
    assert w.grad.base is not opt._groups[0].g
    opt.step()
    np.testing.assert_allclose(w.numpy(), [0.8, 1.6])
    assert w.grad.base is opt._groups[0].g       # re-attached
    w.grad = None
    opt.zero_grad()                              # zero_grad re-attaches too
    assert w.grad.base is opt._groups[0].g


def test_data_packed_by_another_optimizer_is_detected():
    vs_a = run(SGD(0.1), steps=0)
    a, b = Adam(0.01), SGD(0.1)
    a.build(vs_a)
    b.build(vs_a)                                # b re-packs the same variables
    assert vs_a[0].data.base is b._groups[0].p
    a.zero_grad()
    vs_a[0].grad += 1.0
    a.step()                                     # a notices and re-packs before updating
    assert vs_a[0].data.base is a._groups[0].p
    ref = reference(adam_rule(), {"m": 0, "v": 0}, lr=0.01, steps=0)
    np.testing.assert_allclose(vs_a[0].numpy(), ref[0] - 0.01, atol=1e-7)  # eps: ~3e-8
    np.testing.assert_allclose(vs_a[1].numpy(), ref[1])


def test_mixed_dtypes_get_one_buffer_each():
    w32 = Variable(INIT[0].astype("float32"), name="w32")
    w64 = Variable(INIT[1].astype("float64"), name="w64")
    opt = Adam(0.01)
    opt.build([w32, w64])
    assert sorted(str(G.dtype) for G in opt._groups) == ["float32", "float64"]
    for s in range(STEPS):
        opt.zero_grad()
        w32.grad += grad_of(w32.data.astype(np.float64), s, 0)
        w64.grad += grad_of(w64.data, s, 1)
        opt.step()
    assert w32.dtype == np.float32 and w64.dtype == np.float64
    ref = reference(adam_rule(), {"m": 0, "v": 0}, lr=0.01)
    np.testing.assert_allclose(w32.numpy(), ref[0], rtol=2e-5, atol=2e-6)
    np.testing.assert_allclose(w64.numpy(), ref[1], rtol=1e-10)


def test_trainable_flag_change_rebuilds():
    opt = SGD(0.1, momentum=0.9)
    vs = run(opt, steps=2)
    frozen = vs[1].numpy().copy()
    vs[1].trainable = False
    opt.build(vs)                                # the training loop re-builds each fit
    assert [v.name for G in opt._groups for v in G.vars] == ["kernel"]
    opt.zero_grad()
    opt.step()                                   # momentum must not move a frozen variable
    np.testing.assert_array_equal(vs[1].numpy(), frozen)
    vs[1].trainable = True
    kernel_momentum = opt._groups[0].slots["momentum"].copy()
    opt.build(vs)
    np.testing.assert_array_equal(opt._groups[0].slots["momentum"][:12], kernel_momentum)


def test_constraint_applied_after_the_step():
    nonneg = lambda a: np.maximum(a, 0.0)
    vs = run(SGD(0.1), constraints=(nonneg, None))
    ws = [w.copy() for w in INIT]
    for s in range(STEPS):
        gs = [grad_of(w, s, i) for i, w in enumerate(ws)]
        ws = [np.maximum(ws[0] - 0.1 * gs[0], 0.0), ws[1] - 0.1 * gs[1]]
    check(vs, ws)
    assert vs[0].numpy().min() == 0.0 and vs[0].data.base is not None


# ------------------------------------------------------------------ apply_gradients / apply
def test_apply_gradients_matches_the_hot_path():
    vs = [Variable(w.copy(), name=n) for w, n in zip(INIT, ("kernel", "bias"))]
    opt = Adam(0.01)
    for s in range(STEPS):
        grads = [grad_of(v.numpy(), s, i) for i, v in enumerate(vs)]
        assert opt.apply_gradients(zip(grads, vs)) == s + 1
    check(vs, reference(adam_rule(), {"m": 0, "v": 0}, lr=0.01))
    opt2 = Adam(0.01)
    vs2 = [Variable(w.copy()) for w in INIT]
    opt2.build(vs2)
    for s in range(STEPS):
        opt2.apply([grad_of(v.numpy(), s, i) for i, v in enumerate(vs2)])
    check(vs2, [v.numpy() for v in vs])


def test_apply_gradients_skips_variables_without_gradient():
    vs = [Variable(w.copy()) for w in INIT]
    opt = SGD(0.1, momentum=0.9)
    opt.apply_gradients(zip([np.ones((3, 4)), np.ones(4)], vs))
    bias = vs[1].numpy().copy()
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        opt.apply_gradients(zip([np.ones((3, 4)), None], vs))
    np.testing.assert_array_equal(vs[1].numpy(), bias)           # not even momentum moved it
    np.testing.assert_allclose(vs[0].numpy(), INIT[0] - 0.1 - (0.9 * 0.1 + 0.1))
    with pytest.raises(ValueError, match="No gradients"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        opt.apply_gradients(zip([None, None], vs))
    with pytest.raises(ValueError, match="shape"):
        opt.apply_gradients(zip([np.ones(3), np.ones(4)], vs))


def test_apply_gradients_with_the_arrays_backward_made():
    w = Variable(np.array([1.0, -2.0]))
    opt = SGD(0.1)
    for _ in range(3):
        w.grad = None                            # a Keras-style loop: fresh grads each step
        (w * w).sum().backward()
        opt.apply_gradients([(w.grad, w)])
    np.testing.assert_allclose(w.numpy(), np.array([1.0, -2.0]) * 0.8 ** 3)
    opt.zero_grad()                              # and the hot path still works after it
    (w * w).sum().backward()
    opt.step()
    np.testing.assert_allclose(w.numpy(), np.array([1.0, -2.0]) * 0.8 ** 4)


# ------------------------------------------------------------------ state, config, lookup
def test_variables_state_is_live_and_keras_ordered():
    opt = Adam(0.01, amsgrad=True)
    vs = run(opt, steps=2)
    names = [v.name for v in opt.variables]
    # Keras 3 interleaves the slots it creates together, per variable
    assert names == ["iteration", "learning_rate", "kernel_momentum", "kernel_velocity",
                     "bias_momentum", "bias_velocity", "kernel_velocity_hat",
                     "bias_velocity_hat"]
    assert opt.variables[0].item() == 2
    weights = opt.get_weights()
    opt2 = Adam(0.01, amsgrad=True)
    vs2 = run(opt2, steps=0)
    opt2.set_weights(weights)
    for v, w in zip(vs2, vs):
        v.assign(w.numpy())
    for o, ws in ((opt, vs), (opt2, vs2)):
        o.zero_grad()
        ws[0].grad += 1.0
        o.step()
    check(vs2, [v.numpy() for v in vs], rtol=0, atol=0)
    assert opt2.iterations == 3
    assert [v.name for v in Adamax().variables] == ["iteration", "learning_rate"]
    opt3 = Adamax()
    run(opt3, steps=1)
    assert [v.name for v in opt3.variables][2:] == ["kernel_momentum", "kernel_norm",
                                                     "bias_momentum", "bias_norm"]
    opt4 = Adadelta()
    run(opt4, steps=1)
    assert [v.name for v in opt4.variables][2:] == [
        "kernel_accumulated_grad", "kernel_accumulated_delta_var",
        "bias_accumulated_grad", "bias_accumulated_delta_var"]
    opt5 = SGD(momentum=0.9, use_ema=True, gradient_accumulation_steps=2)
    run(opt5, steps=1)
    assert [v.name for v in opt5.variables][2:] == [
        "kernel_average", "bias_average", "kernel_gradient_accumulator",
        "bias_gradient_accumulator", "kernel_momentum", "bias_momentum"]


@pytest.mark.parametrize("cls", [SGD, RMSprop, Adagrad, Adadelta, Adam, AdamW, Adamax, Nadam])
def test_config_round_trip(cls):
    opt = cls(learning_rate=0.05, clipnorm=2.0, name="custom")
    cfg = opt.get_config()
    assert cfg["learning_rate"] == 0.05 and cfg["name"] == "custom"
    back = cls.from_config(cfg)
    assert type(back) is cls and back.get_config() == cfg
    ser = optimizers.serialize(opt)
    assert ser["module"] == "keras.optimizers" and ser["class_name"] == cls.__name__
    assert optimizers.deserialize(ser).get_config() == cfg


def test_defaults_are_keras_defaults():
    assert (SGD().learning_rate, SGD().momentum, SGD().nesterov) == (0.01, 0.0, False)
    r = RMSprop()
    assert (r.learning_rate, r.rho, r.momentum, r.epsilon, r.centered) == (0.001, 0.9, 0.0,
                                                                           1e-7, False)
    a = Adam()
    assert (a.learning_rate, a.beta_1, a.beta_2, a.epsilon, a.amsgrad) == (0.001, 0.9, 0.999,
                                                                           1e-7, False)
    assert (Adagrad().initial_accumulator_value, Adagrad().epsilon) == (0.1, 1e-7)
    assert (Adadelta().rho, Adadelta().epsilon) == (0.95, 1e-7)
    assert [o.name for o in (SGD(), RMSprop(), Adam(), AdamW(), Nadam())] == [
        "SGD", "rmsprop", "adam", "adamw", "nadam"]


def test_get():
    for name, cls in [("sgd", SGD), ("RMSprop", RMSprop), ("ADAM", Adam), ("adamw", AdamW),
                      ("adagrad", Adagrad), ("adadelta", Adadelta), ("adamax", Adamax),
                      ("nadam", Nadam)]:
        assert type(optimizers.get(name)) is cls
    opt = Adam()
    assert optimizers.get(opt) is opt and optimizers.get(None) is None
    got = optimizers.get({"class_name": "SGD", "config": {"learning_rate": 0.3}})
    assert isinstance(got, SGD) and got.learning_rate == 0.3
    with pytest.raises(ValueError, match="Valid names: adadelta, adagrad, adam, adamax"):
        optimizers.get("adamm")
    with pytest.raises(ValueError, match="not recognized"):
        Adam(bogus=1)


def test_gradient_accumulation_averages_gradients():
    opt = SGD(0.1, gradient_accumulation_steps=2)
    w = Variable(np.array([1.0, 1.0]))
    opt.apply_gradients([(np.array([1.0, 3.0]), w)])
    np.testing.assert_array_equal(w.numpy(), [1.0, 1.0])         # only accumulated
    opt.apply_gradients([(np.array([3.0, 5.0]), w)])
    np.testing.assert_allclose(w.numpy(), [1.0 - 0.2, 1.0 - 0.4])
    assert opt.iterations == 1


def test_ema_and_loss_scale():
    opt = SGD(1.0, use_ema=True, ema_momentum=0.5)
    w = Variable(np.array([4.0]))
    opt.apply_gradients([(np.array([1.0]), w)])                  # first step: average = w
    opt.apply_gradients([(np.array([1.0]), w)])
    np.testing.assert_allclose(w.numpy(), [2.0])
    opt.finalize_variable_values([w])
    np.testing.assert_allclose(w.numpy(), [0.5 * 3.0 + 0.5 * 2.0])
    opt = SGD(1.0, loss_scale_factor=4.0)
    w = Variable(np.array([4.0]))
    opt.apply_gradients([(np.array([8.0]), w)])
    np.testing.assert_allclose(w.numpy(), [2.0])


def test_users_own_keras_style_optimizer():
    class SignSGD(Optimizer):
        def __init__(self, learning_rate=0.1, **kw):
            super().__init__(learning_rate=learning_rate, **kw)

        def update_step(self, gradient, variable, learning_rate):
            self.assign_sub(variable, learning_rate * np.sign(gradient))

    vs = run(SignSGD(), steps=1)
    np.testing.assert_allclose(vs[1].numpy(), INIT[1] - 0.1 * np.sign(grad_of(INIT[1], 0, 1)))


def test_step_before_build_is_an_error():
    with pytest.raises(RuntimeError, match="build"):
        SGD().step()
