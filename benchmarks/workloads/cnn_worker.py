"""Run W3 (mnist-cnn) for ONE framework in this process and write the results as JSON.

run.py starts one of these per framework (beside worker.py for W1/W5), each in a fresh
interpreter. It also runs on its own, e.g. to profile lamina's timed epoch::

    python -m cProfile -s tottime benchmarks/workloads/cnn_worker.py --framework lamina \\
        --reps 1 --no-accuracy --no-warmup | head -40

Each repetition times one epoch over the 10000 MNIST test images (batch 128) on a fresh
model, then (unless --no-accuracy) trains another fresh model 3 epochs on images 0..7999
and measures its accuracy on images 8000..9999. The JSON also holds this machine's NumPy
float32 matrix-product rate and the GEMM-bound ideal epoch time it implies.

Frameworks: lamina, torch, keras-jax, keras-torch, keras-tensorflow.
"""
import argparse
import platform
import statistics
import sys
import time
import traceback

import bench_common

FRAMEWORKS = ("lamina", "torch", "keras-jax", "keras-torch", "keras-tensorflow")
SEED = 1234


def load_impl(framework):
    """The framework's workload module; the framework itself is imported here (untimed)."""
    modules = {"keras": "cnn_keras",
               "torch": "cnn_torch",
               "lamina": "cnn_lamina"}
    impl = bench_common.load_impl(framework, modules, FRAMEWORKS)
    return impl


def run_w3(impl, data_folder, reps, warmup, with_accuracy):
    import cnn_common as cc
    x, labels = cc.load_mnist_test(data_folder)
    onehot = cc.one_hot(labels)
    xf = impl.prepare(x) if hasattr(impl, "prepare") else x   # layout change: data loading
    if warmup:  # untimed: first-call costs (lazy imports, tracing, thread pools)
        impl.seed(SEED - 1)
        model = impl.build(cc.initial_weights(SEED - 1))
        impl.fit(model, xf[:cc.BATCH * 4], onehot[:cc.BATCH * 4], labels[:cc.BATCH * 4])
    times, losses, accs = [], [], []
    for rep in range(reps):
        impl.seed(SEED + rep)
        model = impl.build(cc.initial_weights(SEED + rep))
        t0 = time.perf_counter()
        loss = impl.fit(model, xf, onehot, labels)   # the timed call: one epoch, 10000 images
        times.append(time.perf_counter() - t0)
        losses.append(float(loss))
        if with_accuracy:
            impl.seed(SEED + rep)
            model = impl.build(cc.initial_weights(SEED + rep))
            n = cc.TRAIN
            impl.fit(model, xf[:n], onehot[:n], labels[:n], epochs=cc.ACC_EPOCHS)
            accs.append(impl.accuracy(model, xf[n:], labels[n:]))
    epoch_s = statistics.median(times)
    rate = cc.matmul_rate()
    flops = cc.train_flops_per_image() * len(x)
    out = {"epoch_s": epoch_s, "epoch_s_all": times, "loss_all": losses,
           "images": len(x), "train_gflop": flops / 1e9, "matmul_gflops": rate / 1e9,
           "gemm_ideal_s": flops / rate, "fraction_of_ideal": flops / rate / epoch_s}
    if accs:
        out.update({"accuracy": statistics.median(accs), "accuracy_all": accs,
                    "accuracy_setup": f"{cc.ACC_EPOCHS} epochs on images 0..{cc.TRAIN - 1}, "
                                      f"tested on {cc.TRAIN}..{cc.TRAIN + cc.TEST - 1}"})
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--framework", required=True, choices=FRAMEWORKS)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--mnist", default=None, help="folder with t10k-images-idx3-ubyte.gz and "
                   "t10k-labels-idx1-ubyte.gz (default ../shared/data/mnist)")
    p.add_argument("--out", default=None, help="write the JSON here (default: stdout)")
    p.add_argument("--no-warmup", action="store_true")
    p.add_argument("--no-accuracy", action="store_true", help="only the timed epochs")
    args = p.parse_args(argv)
    result = {"framework": args.framework, "python": sys.executable,
              "python_version": platform.python_version(), "errors": []}
    try:
        impl = load_impl(args.framework)
        result["versions"] = impl.versions()
        result["W3"] = run_w3(impl, args.mnist, args.reps, not args.no_warmup,
                              not args.no_accuracy)
    except Exception as e:  # noqa: BLE001  reported in the JSON
        result["errors"].append({"error": f"W3: {type(e).__name__}: {e}",
                                 "traceback": traceback.format_exc()})
    return bench_common.write_result(result, args.out)


if __name__ == "__main__":
    sys.exit(main())
