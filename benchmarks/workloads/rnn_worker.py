"""Run W2 and/or W4 for ONE framework in this process and write the results as JSON.

run.py starts one of these per framework (beside worker.py, which runs W1/W5), each in a
fresh interpreter. It also runs on its own, e.g. to profile lamina::

    python -m cProfile -s tottime benchmarks/workloads/rnn_worker.py --framework lamina \\
        --workloads W2 --reps 1 --no-warmup | head -40

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
    modules = {"keras": "rnn_keras",
               "torch": "rnn_torch",
               "lamina": "rnn_lamina"}
    impl = bench_common.load_impl(framework, modules, FRAMEWORKS)
    return impl


def _timed(fn):
    t0 = time.perf_counter()
    out = fn()
    return time.perf_counter() - t0, out


def run_w2(impl, reps, warmup):
    import rnn_common as rc
    data = rc.w2_data()
    if warmup:  # untimed: first-call costs (lazy imports, compilation) are not the workload's
        model = impl.w2_build(rc.w2_weights(SEED - 1))
        impl.w2_fit(model, data["x"][:200], data["y"][:200])
    times, accs, losses = [], [], []
    for rep in range(reps):
        impl.seed(SEED + rep)
        model = impl.w2_build(rc.w2_weights(SEED + rep))
        t, loss = _timed(lambda m=model: impl.w2_fit(m, data["x"], data["y"]))
        times.append(t)
        losses.append(float(loss))
        accs.append(rc.w2_accuracy(impl.w2_predict(model, data["x_test"]), data["y_test"]))
    return {"fit_s": statistics.median(times), "fit_s_all": times,
            "accuracy": statistics.median(accs), "accuracy_all": accs, "loss_all": losses}


def run_w4(impl, reps, warmup):
    import rnn_common as rc
    data = rc.w4_data()
    if warmup:
        model = impl.w4_build(rc.w4_weights(SEED - 1))
        impl.w4_fit(model, data["x"][:rc.W4_BATCH * 3], data["y"][:rc.W4_BATCH * 3])
    times, losses = [], []
    for rep in range(reps):
        impl.seed(SEED + rep)
        model = impl.w4_build(rc.w4_weights(SEED + rep))
        t, loss = _timed(lambda m=model: impl.w4_fit(m, data["x"], data["y"]))
        times.append(t)
        losses.append(float(loss))
    return {"fit_s": statistics.median(times), "fit_s_all": times, "loss_all": losses,
            "epoch_s_estimate": statistics.median(times) * 7.82}


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--framework", required=True, choices=FRAMEWORKS)
    p.add_argument("--workloads", default="W2,W4")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--out", default=None, help="write the JSON here (default: stdout)")
    p.add_argument("--no-warmup", action="store_true")
    args = p.parse_args(argv)
    workloads = [w.strip().upper() for w in args.workloads.split(",") if w.strip()]
    result = {"framework": args.framework, "python": sys.executable,
              "python_version": platform.python_version(), "errors": []}
    try:
        impl = load_impl(args.framework)
        result["versions"] = impl.versions()
        for name, run in (("W2", run_w2), ("W4", run_w4)):
            if name in workloads:
                try:
                    result[name] = run(impl, args.reps, not args.no_warmup)
                except Exception as e:  # noqa: BLE001  one workload failing keeps the other
                    result["errors"].append({"error": f"{name}: {type(e).__name__}: {e}",
                                             "traceback": traceback.format_exc()})
    except Exception as e:  # noqa: BLE001  reported in the JSON
        result["errors"].append({"error": f"{type(e).__name__}: {e}",
                                 "traceback": traceback.format_exc()})
    return bench_common.write_result(result, args.out)


if __name__ == "__main__":
    sys.exit(main())
