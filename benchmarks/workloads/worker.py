"""Run W1 and/or W5 for ONE framework in this process and write the results as JSON.

run.py starts one of these per framework, each in a fresh interpreter. It also runs on its
own, e.g. to profile lamina's training call (the timed fit only, after the warm-up)::

    python benchmarks/workloads/worker.py --framework lamina --workloads W1 --reps 1 \\
        --profile 25 --out /dev/null

Frameworks: lamina, torch, torch-dataloader, keras-jax, keras-torch, keras-tensorflow.
"""
import argparse
import platform
import statistics
import sys
import time
import traceback

import bench_common

FRAMEWORKS = ("lamina", "torch", "torch-dataloader", "keras-jax", "keras-torch",
              "keras-tensorflow")
SEED = 1234


def load_impl(framework):
    """The framework's workload module; the framework itself is imported here (untimed)."""
    modules = {"keras": "keras_impl",
               "torch": "torch_impl",
               "lamina": "lamina_impl"}
    impl = bench_common.load_impl(framework, modules, FRAMEWORKS)
    if framework.startswith("torch"):
        impl.USE_DATALOADER = framework == "torch-dataloader"
    return impl


def run_w1(impl, data, reps, warmup, profile=0):
    from bench_common import initial_weights, score
    x, y = data["x_train"], data["y_train"]
    if warmup:
        # Untimed: first-call costs (lazy imports, backend start-up) are not the workload's.
        model = impl.build(initial_weights(SEED - 1))
        impl.seed(SEED - 1)
        impl.fit(model, x, y, epochs=2)
    times, cpu_times, scores, losses, val_losses = [], [], [], [], []
    model = None
    for rep in range(reps):
        impl.seed(SEED + rep)
        model = impl.build(initial_weights(SEED + rep))
        if profile:
            import cProfile
            prof = cProfile.Profile()
            prof.enable()
        c0, t0 = time.process_time(), time.perf_counter()
        loss, val_loss = impl.fit(model, x, y)  # the timed call: training only
        times.append(time.perf_counter() - t0)
        cpu_times.append(time.process_time() - c0)  # all threads; less hurt by other load
        if profile:
            import pstats
            prof.disable()
            pstats.Stats(prof, stream=sys.stderr).sort_stats("cumtime").print_stats(profile)
        scores.append(score(impl.predict(model, data["x_test"]), data["y_test"]))
        losses.append(float(loss))
        val_losses.append(float(val_loss))
    return model, {"fit_s": statistics.median(times), "fit_s_all": times,
                   "fit_cpu_s_all": cpu_times,
                   "score": statistics.median(scores), "score_all": scores,
                   "final_loss_all": losses, "final_val_loss_all": val_losses}


def run_w5(impl, model, data):
    from bench_common import W5_CALLS, initial_weights, per_call_us
    if model is None:  # W5 alone: train the W1 model once, untimed
        impl.seed(SEED)
        model = impl.build(initial_weights(SEED))
        impl.fit(model, data["x_train"], data["y_train"])
    x_row = data["x_test"][:1].copy()
    out = {"calls": W5_CALLS}
    for name, fn in impl.w5_calls(model, x_row).items():
        try:
            out[name] = per_call_us(fn)
        except Exception as e:  # noqa: BLE001  one failing call style should not hide the other
            out[name] = {"error": f"{type(e).__name__}: {e}",
                         "traceback": traceback.format_exc(limit=8)}
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--framework", required=True, choices=FRAMEWORKS)
    p.add_argument("--workloads", default="W1,W5")
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--data", default=None, help="BostonHousing.csv (default ../shared/...)")
    p.add_argument("--data-npz", default=None, help="arrays prepared by run.py (overrides --data)")
    p.add_argument("--out", default=None, help="write the JSON here (default: stdout)")
    p.add_argument("--no-warmup", action="store_true")
    p.add_argument("--profile", type=int, default=0, metavar="N",
                   help="cProfile each timed fit; print its top N lines by cumtime to stderr")
    args = p.parse_args(argv)
    workloads = [w.strip().upper() for w in args.workloads.split(",") if w.strip()]

    result = {"framework": args.framework, "python": sys.executable,
              "python_version": platform.python_version(), "errors": []}
    try:
        import numpy as np
        if args.data_npz:
            with np.load(args.data_npz) as f:
                data = {k: f[k] for k in f.files}
            result["data"] = args.data_npz
        else:
            from bench_common import prepare_w1
            data, result["data"] = prepare_w1(args.data)
        impl = load_impl(args.framework)
        result["versions"] = impl.versions()
        model = None
        if "W1" in workloads:
            model, result["W1"] = run_w1(impl, data, args.reps, not args.no_warmup,
                                          args.profile)
        if "W5" in workloads:
            result["W5"] = run_w5(impl, model, data)
    except Exception as e:  # noqa: BLE001  reported in the JSON
        result["errors"].append({"error": f"{type(e).__name__}: {e}",
                                 "traceback": traceback.format_exc()})
    return bench_common.write_result(result, args.out)


if __name__ == "__main__":
    sys.exit(main())
