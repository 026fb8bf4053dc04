"""W1 / W5 on PyTorch (eager), written as a competent user would.

Batches are taken by indexing the data tensors with a shuffled index (faster than a
DataLoader for data that fits in memory; the DataLoader variant is ``torch-dataloader``).
RMSprop: torch adds eps outside the square root (``g / (sqrt(v) + eps)``) where Keras adds
it inside (``g / sqrt(v + eps)``); we pass the same eps=1e-7, which is the usual port and
differs from Keras only while v is near zero.
"""
import numpy as np
import torch
from bench_common import BATCH_SIZE, EPOCHS, EPS, HIDDEN, LR, RHO, VALIDATION_SPLIT
from torch import nn

USE_DATALOADER = False


def versions():
    return {"torch": torch.__version__, "numpy": np.__version__,
            "torch_threads": torch.get_num_threads()}


class Trainer:
    """The model plus what a torch training loop keeps beside it."""

    def __init__(self, weights):
        self.net = nn.Sequential(nn.Linear(13, HIDDEN), nn.ReLU(), nn.Linear(HIDDEN, 1))
        with torch.no_grad():  # Keras kernels are (in, out); torch weights are (out, in)
            self.net[0].weight.copy_(torch.from_numpy(weights[0].T))
            self.net[0].bias.copy_(torch.from_numpy(weights[1]))
            self.net[2].weight.copy_(torch.from_numpy(weights[2].T))
            self.net[2].bias.copy_(torch.from_numpy(weights[3]))
        self.opt = torch.optim.RMSprop(self.net.parameters(), lr=LR, alpha=RHO, eps=EPS)
        self.gen = torch.Generator()


def build(weights):
    return Trainer(weights)


_seed = [0]


def seed(value):
    torch.manual_seed(value)
    _seed[0] = value


def fit(model, x, y, epochs=EPOCHS):
    """200 epochs of shuffled mini-batches; validation loss on the last 10 % each epoch."""
    net, opt, gen = model.net, model.opt, model.gen
    gen.manual_seed(_seed[0])
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    split = int(np.floor(len(x) * (1.0 - VALIDATION_SPLIT)))  # Keras: the last 10 % validate
    x_tr, y_tr, x_val, y_val = x[:split], y[:split], x[split:], y[split:]
    loss_fn = nn.MSELoss()
    if USE_DATALOADER:
        from torch.utils.data import DataLoader, TensorDataset
        loader = DataLoader(TensorDataset(x_tr, y_tr), batch_size=BATCH_SIZE, shuffle=True,
                            generator=gen)
    for _ in range(epochs):
        net.train()
        total = 0.0
        if USE_DATALOADER:
            batches = loader
        else:
            perm = torch.randperm(split, generator=gen)
            batches = ((x_tr[idx], y_tr[idx]) for idx in perm.split(BATCH_SIZE))
        for xb, yb in batches:
            opt.zero_grad()
            loss = loss_fn(net(xb), yb)
            loss.backward()
            opt.step()
            total += loss.item() * len(xb)
        net.eval()
        with torch.no_grad():
            val_loss = loss_fn(net(x_val), y_val).item()
    return total / split, val_loss


def predict(model, x):
    model.net.eval()
    with torch.no_grad():
        return model.net(torch.from_numpy(x)).numpy()


def w5_calls(model, x_row):
    net = model.net
    net.eval()
    xt = torch.from_numpy(x_row)

    def predict_np():  # numpy in, numpy out, like Keras's predict
        with torch.no_grad():
            return net(torch.from_numpy(x_row)).numpy()

    def direct():
        with torch.no_grad():
            return net(xt)

    return {"predict": predict_np, "call": direct}
