"""The rnn package's "Sinus and Cosinus" vignette in Python with lamina.rnn.

Nine noisy sine waves, each with its own random phase and frequency, are the inputs; the
matching noisy cosine waves are the targets. A recurrent network sees each sine wave one
time step at a time and must output the cosine: it has to work out each series' phase and
frequency from what it has seen so far. It trains on the first 7 series and is tested on
the last 2. The R original::

    set.seed(1)
    sample_dim <- 9
    time_dim <- 200
    X <- data.frame()
    Y <- data.frame()
    bias_phase <- rnorm(sample_dim)
    bias_frequency = runif(sample_dim, min=5, max=25)
    for(i in seq(sample_dim)){
      X <- rbind(X,sin(seq(time_dim)/bias_frequency[i]+bias_phase[i])+rnorm(time_dim,mean=0,sd=0.2))
      Y <- rbind(Y,cos(seq(time_dim)/bias_frequency[i]+bias_phase[i])+rnorm(time_dim,mean=0,sd=0.2))
    }
    X <- as.matrix(X)
    Y <- as.matrix(Y)
    X <- (X-min(X))/(max(X)-min(X))
    Y <- (Y-min(Y))/(max(Y)-min(Y))
    model <- trainr(Y = Y[seq(sample_dim-2),], X = X[seq(sample_dim-2),],
                    learningrate = 0.05, hidden_dim = c(16), numepochs = 500,
                    batch_size = 1, momentum = 0, learningrate_decay = 1)

With lamina's true gradients the vignette's plain SGD at learning rate 0.05 is a gamble:
the error is summed over 200 time steps, the steps are large, and in 3 of 5 seeds we tried
training stalls at predicting the mean (in the other 2 it learns very well). This example
therefore keeps the vignette's data, network (16 logistic units), 500 epochs and batch
size 1 but trains with ``update_rule="adagrad"`` (same learning rate), which learned in all
5 seeds; ``--vignette`` runs the R settings exactly.

The score is the mean absolute error against the noise-free cosine (scaled like Y), next
to two baselines: always predicting the middle value 0.5, and the noisy targets themselves
(the noise alone costs about 0.8 * 0.2 / (max - min) ~ 0.05).

Run: python examples/sinus.py [--epochs N] [--vignette] [--plot FILE.png]   (about 2 s)
"""
import argparse
import time

import numpy as np

from lamina import backend
from lamina.rnn import predictr, trainr


def make_data(sample_dim=9, time_dim=200, seed=1):
    rng = np.random.default_rng(seed)
    bias_phase = rng.normal(size=sample_dim)
    bias_frequency = rng.uniform(5, 25, sample_dim)
    t = np.arange(1, time_dim + 1)                       # R's seq(time_dim)
    angle = t[None, :] / bias_frequency[:, None] + bias_phase[:, None]
    X = np.sin(angle) + rng.normal(0, 0.2, (sample_dim, time_dim))
    Y = np.cos(angle) + rng.normal(0, 0.2, (sample_dim, time_dim))
    lo, hi = Y.min(), Y.max()
    clean = (np.cos(angle) - lo) / (hi - lo)             # the noise-free target, scaled as Y
    X = (X - X.min()) / (X.max() - X.min())              # normalize between 0 and 1
    Y = (Y - lo) / (hi - lo)
    return X, Y, clean


def main(epochs=500, seed=1, plot=None, vignette=False):
    backend.set_random_seed(seed)
    sample_dim = 9
    X, Y, clean = make_data(sample_dim, seed=seed)
    train = slice(0, sample_dim - 2)                      # R's seq(sample_dim - 2)
    every = max(1, epochs // 5)

    def report(model):                                    # an epoch function: print 5 times
        if model.current_epoch % every == 0 or model.current_epoch == epochs:
            print(f"epoch {model.current_epoch:4d}: mean error "
                  f"{model.epoch_error[model.current_epoch - 1]:.3f}", flush=True)
        return model

    start = time.perf_counter()
    model = trainr(Y=Y[train], X=X[train], learningrate=0.05, hidden_dim=[16],
                   numepochs=epochs, batch_size=1, momentum=0, learningrate_decay=1,
                   update_rule="sgd" if vignette else "adagrad", epoch_function=[report])
    print(f"Trained {epochs} epochs in {time.perf_counter() - start:.1f} s")

    pred = predictr(model, X)                             # all 9 series, (9, 200)
    test = slice(sample_dim - 2, sample_dim)
    skip = 20   # the first steps: the network has not seen enough of a wave to place it
    mae = lambda a, b: float(np.mean(np.abs(a[:, skip:] - b[:, skip:])))  # noqa: E731
    print("Mean absolute error against the clean cosine (after the first 20 steps):")
    print(f"  network, training series: {mae(pred[train], clean[train]):.3f}")
    print(f"  network, test series:     {mae(pred[test], clean[test]):.3f}")
    print(f"  predicting 0.5:           {mae(np.full_like(clean[test], 0.5), clean[test]):.3f}")
    print(f"  the noisy targets:        {mae(Y[test], clean[test]):.3f}")
    if plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        fig, axes = plt.subplots(sample_dim, 1, figsize=(7, 12), sharex=True)
        for i, ax in enumerate(axes):
            ax.plot(X[i], color="green", lw=0.8, label="X: noisy sine")
            ax.plot(Y[i], color="black", lw=0.8, label="Y: noisy cosine")
            ax.plot(pred[i], color="red", lw=1.2, label="prediction")
            ax.set_ylim(0, 1)
            ax.set_ylabel("test" if i >= sample_dim - 2 else "train")
        axes[0].legend(loc="upper right", fontsize=7)
        fig.savefig(plot, dpi=90)
        print(f"Plot: {plot}")
    return mae(pred[test], clean[test])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--plot", default=None, help="save a figure (needs matplotlib)")
    parser.add_argument("--vignette", action="store_true",
                        help="train with the vignette's plain SGD instead of Adagrad")
    args = parser.parse_args()
    main(args.epochs, args.seed, args.plot, args.vignette)
