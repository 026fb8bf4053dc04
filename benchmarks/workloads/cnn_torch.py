"""W3 on PyTorch (eager), written as a competent user would.

nn.Sequential of the same layers on NCHW tensors (the images are transposed once, with
the data loading, untimed); nn.CrossEntropyLoss on the logits (the stable form of softmax +
categorical cross-entropy, on integer labels); torch.optim.Adam(lr=1e-3, eps=1e-7); batches
by indexing with a torch.randperm permutation each epoch; no torch.compile. The initial
weights are Keras's, converted: conv kernels (kh, kw, in, out) -> (out, in, kh, kw), and the
Dense rows from Keras's (h, w, c) flatten order to torch's (c, h, w).
"""
import numpy as np
import torch
from cnn_common import BATCH, EPS, LR
from torch import nn


def versions():
    return {"torch": torch.__version__, "numpy": np.__version__,
            "torch_threads": torch.get_num_threads()}


_seed = [0]


def seed(value):
    torch.manual_seed(value)
    _seed[0] = value


class Trainer:
    def __init__(self, weights):
        self.net = nn.Sequential(
            nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Dropout(0.5), nn.Linear(1600, 10))
        k1, b1, k2, b2, kd, bd = (np.asarray(w) for w in weights)
        dense = kd.reshape(5, 5, 64, 10).transpose(2, 0, 1, 3).reshape(1600, 10).T
        with torch.no_grad():
            for param, value in zip(self.net.parameters(),
                                    (k1.transpose(3, 2, 0, 1), b1, k2.transpose(3, 2, 0, 1),
                                     b2, dense, bd)):
                param.copy_(torch.from_numpy(np.ascontiguousarray(value)))
        self.opt = torch.optim.Adam(self.net.parameters(), lr=LR, eps=EPS)
        self.gen = torch.Generator()


def build(weights):
    return Trainer(weights)


def prepare(x):
    """NCHW, once, with the data loading (untimed)."""
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))


def fit(model, x, y_onehot, y_labels, epochs=1):
    net, opt, gen = model.net, model.opt, model.gen
    gen.manual_seed(_seed[0])
    y = torch.from_numpy(y_labels)
    loss_fn = nn.CrossEntropyLoss()
    net.train()
    n = len(x)
    for _ in range(epochs):
        total = 0.0
        for idx in torch.randperm(n, generator=gen).split(BATCH):
            opt.zero_grad()
            loss = loss_fn(net(x[idx]), y[idx])
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
    return total / n


def accuracy(model, x, y_labels):
    model.net.eval()
    with torch.no_grad():
        pred = model.net(x).argmax(dim=1).numpy()
    return float(np.mean(pred == y_labels))
