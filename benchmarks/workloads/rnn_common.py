"""What every framework's recurrent workloads (W2, W4) share: data, initial weights, settings.

Only NumPy here, so every framework's interpreter can import it. All weights are drawn
once with NumPy in Keras's layouts and defaults (glorot_uniform kernels, orthogonal
recurrent kernels, zero biases, the LSTM forget-gate bias at 1, uniform(-0.05, 0.05)
embeddings), so every framework starts from the same numbers and trains the same model.
"""
import numpy as np

# W2 binary-addition (../shared/benchmarks/WORKLOADS.md)
W2_SAMPLES = 10000
W2_TEST = 7000
W2_BITS = 8
W2_UNITS = 16
W2_LR = 1.0
W2_DATA_SEED = 0
W2_TEST_SEED = 1

# W4 imdb-lstm
W4_VOCAB = 20000
W4_LEN = 80
W4_EMBED = 128
W4_UNITS = 128
W4_BATCH = 32
W4_STEPS = 100
W4_LR = 1e-3
W4_DATA_SEED = 0


def int2bin(n, bits=W2_BITS):
    """(len(n), bits) float32, least significant bit first: bit t is (n >> t) & 1."""
    n = np.asarray(n, dtype=np.int64)
    return ((n[:, None] >> np.arange(bits)) & 1).astype(np.float32)


def w2_pairs(n, seed):
    """X (n, 8, 2) and Y (n, 8, 1): the bits of a, b and a + b, with a, b in [0, 128)."""
    rng = np.random.RandomState(seed)
    a = rng.randint(0, 128, n)
    b = rng.randint(0, 128, n)
    x = np.stack([int2bin(a), int2bin(b)], axis=-1)
    y = int2bin(a + b)[..., None]
    return x, y


def w2_data():
    x, y = w2_pairs(W2_SAMPLES, W2_DATA_SEED)
    x_test, y_test = w2_pairs(W2_TEST, W2_TEST_SEED)
    return {"x": x, "y": y, "x_test": x_test, "y_test": y_test}


def w2_accuracy(pred, y):
    """Exact-sum accuracy: the fraction of pairs whose 8 rounded output bits are all right."""
    pred = np.asarray(pred).reshape(y.shape)
    return float(np.mean(np.all(np.round(pred) == y, axis=(1, 2))))


def w4_data():
    rng = np.random.RandomState(W4_DATA_SEED)
    n = W4_BATCH * W4_STEPS
    x = rng.randint(0, W4_VOCAB, size=(n, W4_LEN)).astype(np.int32)
    y = rng.randint(0, 2, size=(n, 1)).astype(np.float32)
    return {"x": x, "y": y}


def _glorot(rng, fan_in, fan_out):
    limit = np.sqrt(6.0 / (fan_in + fan_out))
    return rng.uniform(-limit, limit, size=(fan_in, fan_out)).astype(np.float32)


def _orthogonal(rng, rows, cols):
    # Keras's Orthogonal: QR of a normal matrix, signs fixed by diag(R)
    flat = rng.standard_normal((max(rows, cols), min(rows, cols)))
    q, r = np.linalg.qr(flat)
    q *= np.sign(np.diag(r))
    if rows < cols:
        q = q.T
    return q[:rows, :cols].astype(np.float32)


def w2_weights(seed):
    """Keras order: SimpleRNN kernel (2, 16), recurrent_kernel (16, 16), bias (16,);
    Dense kernel (16, 1), bias (1,)."""
    rng = np.random.RandomState(seed)
    u = W2_UNITS
    return [_glorot(rng, 2, u), _orthogonal(rng, u, u), np.zeros(u, np.float32),
            _glorot(rng, u, 1), np.zeros(1, np.float32)]


def w4_weights(seed):
    """Keras order: embeddings (20000, 128); LSTM kernel (128, 512), recurrent_kernel
    (128, 512), bias (512,) with the forget gate at 1 (gates i, f, c, o); Dense (128, 1), (1,)."""
    rng = np.random.RandomState(seed)
    u = W4_UNITS
    emb = rng.uniform(-0.05, 0.05, size=(W4_VOCAB, W4_EMBED)).astype(np.float32)
    bias = np.zeros(4 * u, np.float32)
    bias[u:2 * u] = 1.0
    return [emb, _glorot(rng, W4_EMBED, 4 * u), _orthogonal(rng, u, 4 * u), bias,
            _glorot(rng, u, 1), np.zeros(1, np.float32)]
