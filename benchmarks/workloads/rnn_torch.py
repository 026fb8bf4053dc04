"""W2 / W4 on PyTorch (eager), written as a competent user would.

W2: torch's nn.RNN offers only tanh and relu, so the sigmoid SimpleRNN is the usual
hand-written cell: the input projection of all timesteps in one product, then one
recurrent product and a sigmoid per timestep; a Linear + sigmoid on every timestep.
W4: nn.Embedding -> nn.LSTM (batch_first; torch's gate order i, f, g, o is Keras's
i, f, c, o) -> nn.Linear, BCEWithLogitsLoss (the stable form of sigmoid + BCE), Adam.
"""
import numpy as np
import torch
from rnn_common import W2_LR, W4_BATCH, W4_LR
from torch import nn


def versions():
    return {"torch": torch.__version__, "numpy": np.__version__,
            "torch_threads": torch.get_num_threads()}


def seed(value):
    torch.manual_seed(value)


class SigmoidRNN(nn.Module):
    def __init__(self, weights):
        super().__init__()
        k, rk, b, dk, db = (torch.from_numpy(np.array(w)) for w in weights)
        self.kernel, self.recurrent_kernel, self.bias = (nn.Parameter(k), nn.Parameter(rk),
                                                         nn.Parameter(b))
        self.dense = nn.Linear(dk.shape[0], 1)
        with torch.no_grad():
            self.dense.weight.copy_(dk.T)
            self.dense.bias.copy_(db)

    def forward(self, x):                      # x: (batch, time, 2)
        xw = x @ self.kernel + self.bias       # all timesteps at once
        h = torch.zeros(x.shape[0], self.recurrent_kernel.shape[0])
        outs = []
        for t in range(x.shape[1]):
            h = torch.sigmoid(xw[:, t] + h @ self.recurrent_kernel)
            outs.append(h)
        return torch.sigmoid(self.dense(torch.stack(outs, 1)))


def w2_build(weights):
    net = SigmoidRNN(weights)
    return net, torch.optim.SGD(net.parameters(), lr=W2_LR)


def w2_fit(model, x, y):
    net, opt = model
    x, y = torch.from_numpy(x), torch.from_numpy(y)
    loss_fn = nn.MSELoss()
    total = 0.0
    for i in range(len(x)):                    # batch_size 1, no shuffle
        opt.zero_grad()
        loss = loss_fn(net(x[i:i + 1]), y[i:i + 1])
        loss.backward()
        opt.step()
        total += loss.item()
    return total / len(x)


def w2_predict(model, x):
    with torch.no_grad():
        return model[0](torch.from_numpy(x)).numpy()


class ImdbLSTM(nn.Module):
    def __init__(self, weights):
        super().__init__()
        emb, k, rk, b, dk, db = (torch.from_numpy(np.array(w)) for w in weights)
        self.embedding = nn.Embedding(emb.shape[0], emb.shape[1])
        self.lstm = nn.LSTM(k.shape[0], rk.shape[0], batch_first=True)
        self.dense = nn.Linear(dk.shape[0], 1)
        with torch.no_grad():
            self.embedding.weight.copy_(emb)
            self.lstm.weight_ih_l0.copy_(k.T)
            self.lstm.weight_hh_l0.copy_(rk.T)
            self.lstm.bias_ih_l0.copy_(b)
            self.lstm.bias_hh_l0.zero_()
            self.dense.weight.copy_(dk.T)
            self.dense.bias.copy_(db)

    def forward(self, x):
        _, (h, _) = self.lstm(self.embedding(x))
        return self.dense(h[0])                # logits


def w4_build(weights):
    net = ImdbLSTM(weights)
    return net, torch.optim.Adam(net.parameters(), lr=W4_LR, eps=1e-7)


def w4_fit(model, x, y):
    net, opt = model
    x, y = torch.from_numpy(x.astype(np.int64)), torch.from_numpy(y)
    loss_fn = nn.BCEWithLogitsLoss()
    total = 0.0
    for start in range(0, len(x), W4_BATCH):
        opt.zero_grad()
        loss = loss_fn(net(x[start:start + W4_BATCH]), y[start:start + W4_BATCH])
        loss.backward()
        opt.step()
        total += loss.item()
    return total / (len(x) // W4_BATCH)
