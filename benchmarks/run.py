"""Run the reference workloads for lamina and its peers; print one table with ratios.

    python benchmarks/run.py [--workloads W1,W2,W3,W4,W5] [--reps 3] [--frameworks lamina,...]

Each framework runs in its own fresh interpreter (benchmarks/workloads/worker.py for W1/W5,
benchmarks/workloads/rnn_worker.py for the recurrent W2/W4, cnn_worker.py for W3), one after
the other, on the
same data prepared once; its import time is measured in further fresh interpreters
(benchmarks/import_time.py). Frameworks that are not installed in their interpreter are
skipped and listed. Only the standard library is needed to run this file.
See benchmarks/README.md for what each column means.
"""
import argparse
import datetime
import json
import os
import platform
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import import_time  # this folder; stdlib only

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
WORKLOADS_DIR = os.path.join(HERE, "workloads")

DEFAULT_FRAMEWORKS = ("lamina", "torch", "keras-jax", "keras-torch", "keras-tensorflow")
ALL_FRAMEWORKS = DEFAULT_FRAMEWORKS + ("torch-dataloader",)
# modules a framework needs in its interpreter (checked with find_spec, nothing imported)
NEEDS = {"lamina": ["lamina"], "torch": ["torch"], "torch-dataloader": ["torch"],
         "keras-jax": ["keras", "jax"], "keras-torch": ["keras", "torch"],
         "keras-tensorflow": ["keras", "tensorflow"]}


def missing_modules(python, modules):
    code = ("import importlib.util, sys; "
            f"print(','.join(m for m in {modules!r} if importlib.util.find_spec(m) is None))")
    proc = subprocess.run([python, "-c", code], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return list(modules)
    return [m for m in proc.stdout.strip().split(",") if m]


def machine_facts(python):
    facts = {"date": datetime.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
             "platform": platform.platform(), "cores": os.cpu_count()}
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    facts["cpu"] = line.split(":", 1)[1].strip()
                    break
        with open("/proc/meminfo") as f:
            facts["memory_gib"] = round(int(f.readline().split()[1]) / 2**20, 1)
    except OSError:
        pass
    facts["env"] = {k: v for k, v in sorted(os.environ.items())
                    if k.startswith(("OPENBLAS_", "OMP_", "MKL_")) and k != "OPENBLAS_VERBOSE"}
    code = "import sys, numpy; print(sys.version.split()[0], numpy.__version__)"
    proc = subprocess.run([python, "-c", code], capture_output=True, text=True, check=False)
    if proc.returncode == 0:
        facts["python"], facts["numpy"] = proc.stdout.split()
    return facts


def load_average():
    """The 1-minute load average: other work on the machine skews every number."""
    try:
        return float(os.getloadavg()[0])
    except (OSError, AttributeError):
        return None


def cpu_busy(seconds=1.0):
    """Fraction of all cores busy over ``seconds`` (from /proc/stat; None where unknown)."""
    def snap():
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
        return sum(v), v[3] + v[4]  # total, idle + iowait
    try:
        t0, i0 = snap()
        time.sleep(seconds)
        t1, i1 = snap()
    except (OSError, ValueError, IndexError):
        return None
    return 1.0 - (i1 - i0) / max(t1 - t0, 1)


def _busy_cpu_seconds():
    """CPU-seconds the whole machine has spent busy (all cores), or None where unknown."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return None
    return (sum(v) - v[3] - v[4]) / os.sysconf("SC_CLK_TCK")


def other_work(fn, *args):
    """Run fn(*args); return (its result, cores' worth of OTHER work seen meanwhile, or None).

    The machine's busy CPU time minus our children's CPU time, per wall second: 0 on a
    quiet machine, about 1 when another process kept one core busy all along.
    """
    b0, c0, t0 = _busy_cpu_seconds(), os.times(), time.perf_counter()
    out = fn(*args)
    b1, c1, t1 = _busy_cpu_seconds(), os.times(), time.perf_counter()
    if b0 is None or b1 is None:
        return out, None
    ours = (c1.children_user + c1.children_system) - (c0.children_user + c0.children_system)
    return out, max(0.0, (b1 - b0 - ours) / max(t1 - t0, 1e-9))


def wait_quiet(limit_s, threshold=0.15):
    """Wait up to ``limit_s`` seconds for the other work on the machine to stop."""
    deadline = time.monotonic() + limit_s
    busy = cpu_busy()
    while busy is not None and busy > threshold and time.monotonic() < deadline:
        print(f"  waiting for a quiet machine: {busy:.0%} of the CPU busy", file=sys.stderr,
              flush=True)
        time.sleep(10)
        busy = cpu_busy()
    return busy


def prepare_data(python, data_path, out_path):
    """Data for every framework, made once (lamina's interpreter, for the loader fallback)."""
    code = ("import sys, numpy as np; sys.path.insert(0, sys.argv[1]); "
            "from bench_common import prepare_w1; a, src = prepare_w1(sys.argv[2] or None); "
            "np.savez(sys.argv[3], **a); print(src)")
    proc = subprocess.run([python, "-c", code, WORKLOADS_DIR, data_path or "", out_path],
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        sys.exit(f"run.py: could not prepare the W1 data with {python}:\n{proc.stderr}")
    return proc.stdout.strip().splitlines()[-1]


def run_worker(python, framework, args, data_npz, tmp):
    out = os.path.join(tmp, f"{framework}.json")
    cmd = [python, os.path.join(WORKLOADS_DIR, "worker.py"), "--framework", framework,
           "--workloads", args.workloads, "--reps", str(args.reps), "--data-npz", data_npz,
           "--out", out]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout,
                              check=False)
    except subprocess.TimeoutExpired:
        return {"framework": framework, "errors": [{"error": f"timed out after {args.timeout} s"}]}
    if os.path.exists(out):
        with open(out) as f:
            return json.load(f)
    tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-5:])
    return {"framework": framework, "errors": [{"error": f"worker exited {proc.returncode}: "
                                                         f"{tail}"}]}


RNN_WORKLOADS = ("W2", "W4")          # run by workloads/rnn_worker.py
RNN_FRAMEWORKS = ("lamina", "torch", "keras-jax", "keras-torch", "keras-tensorflow")


def run_rnn_worker(python, framework, workloads, args, tmp):
    """W2 / W4 for one framework (a fresh interpreter); their results, to merge into r."""
    out = os.path.join(tmp, f"{framework}-rnn.json")
    cmd = [python, os.path.join(WORKLOADS_DIR, "rnn_worker.py"), "--framework", framework,
           "--workloads", ",".join(workloads), "--reps", str(args.reps), "--out", out]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout,
                              check=False)
    except subprocess.TimeoutExpired:
        return {"errors": [{"error": f"W2/W4 timed out after {args.timeout} s"}]}
    if os.path.exists(out):
        with open(out) as f:
            return json.load(f)
    tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-5:])
    return {"errors": [{"error": f"rnn worker exited {proc.returncode}: {tail}"}]}


CNN_WORKLOADS = ("W3",)               # run by workloads/cnn_worker.py
CNN_FRAMEWORKS = ("lamina", "torch", "keras-jax", "keras-torch", "keras-tensorflow")


def run_cnn_worker(python, framework, args, tmp):
    """W3 for one framework (a fresh interpreter); its results, to merge into r."""
    out = os.path.join(tmp, f"{framework}-cnn.json")
    cmd = [python, os.path.join(WORKLOADS_DIR, "cnn_worker.py"), "--framework", framework,
           "--reps", str(args.reps), "--out", out]
    if args.mnist:
        cmd += ["--mnist", args.mnist]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=args.timeout,
                              check=False)
    except subprocess.TimeoutExpired:
        return {"errors": [{"error": f"W3 timed out after {args.timeout} s"}]}
    if os.path.exists(out):
        with open(out) as f:
            return json.load(f)
    tail = "\n".join((proc.stderr or proc.stdout).strip().splitlines()[-5:])
    return {"errors": [{"error": f"cnn worker exited {proc.returncode}: {tail}"}]}


# --- the table -------------------------------------------------------------------------
def _get(d, *keys):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def _num(v, fmt):
    return "-" if v is None else format(v, fmt)


def _ratio(v, ref):
    return "-" if v is None or not ref else f"{v / ref:.2f}x"


COLUMNS = [  # header, how to get the value, format, ratio against lamina?
    ("import s", lambda r: _get(r, "import", "import_s"), ".3f", False),
    ("+API s", lambda r: _get(r, "import", "import_api_s"), ".3f", True),
    ("process s", lambda r: _get(r, "import", "process_s"), ".3f", False),
    ("W1 fit s", lambda r: _get(r, "W1", "fit_s"), ".3f", True),
    ("W1 score", lambda r: _get(r, "W1", "score"), ".4f", False),
    ("W5 predict us", lambda r: _get(r, "W5", "predict", "median_us"), ".1f", True),
    ("W5 call us", lambda r: _get(r, "W5", "call", "median_us"), ".1f", True),
    ("W2 fit s", lambda r: _get(r, "W2", "fit_s"), ".2f", True),
    ("W2 acc", lambda r: _get(r, "W2", "accuracy"), ".3f", False),
    ("W4 fit s", lambda r: _get(r, "W4", "fit_s"), ".2f", True),
    ("W3 epoch s", lambda r: _get(r, "W3", "epoch_s"), ".2f", True),
    ("W3 acc", lambda r: _get(r, "W3", "accuracy"), ".4f", False),
]


def format_table(results):
    ref = next((r for r in results if r["framework"] == "lamina"), None)
    # only the columns of the workloads that ran
    columns = [c for c in COLUMNS if any(c[1](r) is not None for r in results)] or COLUMNS
    head = ["framework"]
    for name, _, _, ratio in columns:
        head.append(name)
        if ratio:
            head.append("/lamina")
    rows = [head]
    for r in results:
        row = [r["framework"]]
        for _, get, fmt, ratio in columns:
            v = get(r)
            row.append(_num(v, fmt))
            if ratio:
                row.append(_ratio(v, get(ref) if ref else None))
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = []
    for i, row in enumerate(rows):
        cells = [row[0].ljust(widths[0])] + [c.rjust(w) for c, w in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells))
        if i == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def targets(results):
    """The lead's targets for lamina, met or not (None where not measured)."""
    by = {r["framework"]: r for r in results}
    lam = by.get("lamina", {})
    out = []
    fit, torch_fit = _get(lam, "W1", "fit_s"), _get(by.get("torch"), "W1", "fit_s")
    if fit and torch_fit:
        out.append(f"W1 fit >= 5x faster than torch eager: {torch_fit / fit:.2f}x "
                   f"({fit:.3f} s vs {torch_fit:.3f} s) -> "
                   f"{'MET' if torch_fit / fit >= 5 else 'MISSED'}")
    else:
        out.append("W1 fit >= 5x faster than torch eager: not measured")
    for w, peer, factor in (("W2", "torch", 5), ("W2", "keras-jax", 2), ("W4", "torch", 1.25)):
        mine, theirs = _get(lam, w, "fit_s"), _get(by.get(peer), w, "fit_s")
        what = (f"{w} fit >= {factor}x faster than {peer}" if factor != 1.25 else
                f"{w} fit <= 0.8x the time of {peer}")
        out.append(f"{what}: " + (f"{theirs / mine:.2f}x ({mine:.2f} s vs {theirs:.2f} s) -> "
                                  f"{'MET' if theirs / mine >= factor else 'MISSED'}"
                                  if mine and theirs else "not measured"))
    mine, theirs = _get(lam, "W3", "epoch_s"), _get(by.get("torch"), "W3", "epoch_s")
    out.append("W3 epoch <= 1.0x the time of torch: " + (
        f"{mine / theirs:.2f}x ({mine:.2f} s vs {theirs:.2f} s) -> "
        f"{'MET' if mine <= theirs else 'MISSED'}" if mine and theirs else "not measured"))
    frac = _get(lam, "W3", "fraction_of_ideal")
    out.append("W3 >= 50% of the GEMM-bound ideal: " + (
        f"{frac:.0%} (ideal {_get(lam, 'W3', 'gemm_ideal_s'):.2f} s = "
        f"{_get(lam, 'W3', 'train_gflop'):.1f} GFLOP at {_get(lam, 'W3', 'matmul_gflops'):.0f} "
        f"GFLOP/s) -> {'MET' if frac >= 0.5 else 'MISSED'}" if frac else "not measured"))
    acc = _get(lam, "W3", "accuracy")
    out.append("W3 accuracy >= 0.965: " + (f"{acc:.4f} -> {'MET' if acc >= 0.965 else 'MISSED'}"
                                            if acc is not None else "not measured"))
    us = _get(lam, "W5", "predict", "median_us")
    out.append("W5 predict <= 20 us: " + (f"{us:.1f} us -> {'MET' if us <= 20 else 'MISSED'}"
                                            if us is not None else "not measured"))
    imp = _get(lam, "import", "import_s")
    out.append("import lamina < 0.2 s: " + (f"{imp:.4f} s -> {'MET' if imp < 0.2 else 'MISSED'}"
                                             if imp is not None else "not measured"))
    noisy = [name for name in ("lamina", "torch")
             if (_get(by.get(name), "other_work_cores") or 0) > 0.1]
    if noisy:
        out.append(f"(not a verdict: other work shared the CPU during {', '.join(noisy)})")
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workloads", default="W1,W2,W3,W4,W5",
                   help="comma-separated, of W1,W2,W3,W4,W5")
    p.add_argument("--reps", type=int, default=3, help="W1 repetitions (median; >= 3 to report)")
    p.add_argument("--frameworks", default=",".join(DEFAULT_FRAMEWORKS),
                   help=f"comma-separated, of {','.join(ALL_FRAMEWORKS)}")
    p.add_argument("--python", default=None,
                   help="interpreter for every framework (default: .venv-bench if present, "
                        "else this one)")
    p.add_argument("--python-for", action="append", default=[], metavar="FRAMEWORK=PATH",
                   help="interpreter for one framework, e.g. lamina=.venv/bin/python")
    p.add_argument("--data", default=None, help="BostonHousing.csv (default "
                   "../shared/data/boston/BostonHousing.csv; else lamina's loader)")
    p.add_argument("--import-reps", type=int, default=5, help="fresh processes per import time")
    p.add_argument("--no-import", action="store_true", help="skip the import times")
    p.add_argument("--timeout", type=int, default=1800, help="seconds per framework")
    p.add_argument("--wait-quiet", type=float, default=0, metavar="SECONDS",
                   help="before each framework, wait up to this long for other work to stop "
                        "(< 15%% of the CPU busy)")
    p.add_argument("--mnist", default=None, help="W3's folder with the MNIST test set's IDX "
                   "files (default ../shared/data/mnist)")
    p.add_argument("--json", default=None, help="also write every result to this file")
    p.add_argument("--keep-blas-env", action="store_true",
                   help="keep OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE as set (by default they are "
                        "removed for the workers: they pin old OpenBLAS kernels, e.g. Haswell "
                        "instead of SkylakeX, which halves NumPy's matrix-product rate)")
    args = p.parse_args(argv)
    if not args.keep_blas_env:
        for name in ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE"):
            os.environ.pop(name, None)  # children inherit the environment

    workloads = [w.strip().upper() for w in args.workloads.split(",") if w.strip()]
    bad = [w for w in workloads if w not in ("W1", "W5") + RNN_WORKLOADS + CNN_WORKLOADS]
    if bad or not workloads:
        p.error(f"--workloads: expected some of W1, W2, W3, W4, W5, got {args.workloads!r}")
    rnn_workloads = [w for w in workloads if w in RNN_WORKLOADS]
    cnn_workloads = [w for w in workloads if w in CNN_WORKLOADS]
    workloads = [w for w in workloads if w not in RNN_WORKLOADS + CNN_WORKLOADS]
    args.workloads = ",".join(workloads)
    if args.reps < 1:
        p.error(f"--reps: expected a positive integer, got {args.reps}")
    frameworks = [f.strip() for f in args.frameworks.split(",") if f.strip()]
    unknown = [f for f in frameworks if f not in ALL_FRAMEWORKS]
    if unknown:
        p.error(f"--frameworks: unknown {unknown}; expected some of {', '.join(ALL_FRAMEWORKS)}")
    default_py = args.python or import_time.default_python()
    pythons = {f: default_py for f in frameworks}
    for item in args.python_for:
        name, _, path = item.partition("=")
        if name not in ALL_FRAMEWORKS or not path:
            p.error(f"--python-for: expected FRAMEWORK=PATH with FRAMEWORK one of "
                    f"{', '.join(ALL_FRAMEWORKS)}, got {item!r}")
        pythons[name] = path

    facts = machine_facts(pythons.get("lamina", default_py))
    facts["load_before"] = load_average()
    skipped, results = {}, []
    with tempfile.TemporaryDirectory(prefix="lamina-bench-") as tmp:
        data_npz = os.path.join(tmp, "w1.npz")
        facts["data"] = prepare_data(pythons.get("lamina", default_py), args.data, data_npz)
        for fw in frameworks:
            missing = missing_modules(pythons[fw], NEEDS[fw])
            if missing:
                skipped[fw] = f"not installed in {pythons[fw]}: {', '.join(missing)}"
                continue
            r = {"framework": fw, "errors": []}
            if args.workloads:
                print(f"[{fw}] running {args.workloads} x{args.reps} with {pythons[fw]} ...",
                      file=sys.stderr, flush=True)
                busy = wait_quiet(args.wait_quiet) if args.wait_quiet else cpu_busy()
                load = load_average()
                r, other = other_work(run_worker, pythons[fw], fw, args, data_npz, tmp)
                r["load_before"], r["cpu_busy_before"], r["other_work_cores"] = load, busy, other
            if rnn_workloads and fw in RNN_FRAMEWORKS:
                print(f"[{fw}] running {','.join(rnn_workloads)} x{args.reps} ...",
                      file=sys.stderr, flush=True)
                busy = wait_quiet(args.wait_quiet) if args.wait_quiet else cpu_busy()
                rr, other = other_work(run_rnn_worker, pythons[fw], fw, rnn_workloads, args, tmp)
                for w in RNN_WORKLOADS:
                    if w in rr:
                        r[w] = rr[w]
                r["errors"] = r.get("errors", []) + rr.get("errors", [])
                r.setdefault("versions", rr.get("versions"))
                r["rnn_cpu_busy_before"], r["rnn_other_work_cores"] = busy, other
                r["other_work_cores"] = max(r.get("other_work_cores") or 0, other or 0)
            if cnn_workloads and fw in CNN_FRAMEWORKS:
                print(f"[{fw}] running W3 x{args.reps} ...", file=sys.stderr, flush=True)
                busy = wait_quiet(args.wait_quiet) if args.wait_quiet else cpu_busy()
                rc, other = other_work(run_cnn_worker, pythons[fw], fw, args, tmp)
                if "W3" in rc:
                    r["W3"] = rc["W3"]
                r["errors"] = r.get("errors", []) + rc.get("errors", [])
                r.setdefault("versions", rc.get("versions"))
                r["cnn_cpu_busy_before"], r["cnn_other_work_cores"] = busy, other
                r["other_work_cores"] = max(r.get("other_work_cores") or 0, other or 0)
            if not args.no_import:
                if args.wait_quiet:
                    wait_quiet(args.wait_quiet)
                r["import"], other = other_work(import_time.measure, fw, pythons[fw],
                                                args.import_reps)
                r["import"]["other_work_cores"] = other
            results.append(r)
    facts["load_after"] = load_average()

    print(f"lamina benchmarks, {facts['date']}: {facts.get('cpu', '?')}, {facts['cores']} cores, "
          f"{facts.get('memory_gib', '?')} GiB; {facts['platform']}")
    print(f"python {facts.get('python', '?')}, numpy {facts.get('numpy', '?')}; "
          f"env {' '.join(f'{k}={v}' for k, v in facts['env'].items()) or '(no BLAS/OMP vars)'}")
    print(f"data: {facts['data']}")
    print(f"W1 boston-mlp: 200 epochs, batch 32, validation_split 0.1, RMSprop(1e-3, 0.9, 1e-7); "
          f"fit seconds and test score std(pred-y)/std(y), median of {args.reps} reps.")
    if rnn_workloads:
        print("W2 binary-addition: SimpleRNN(16, sigmoid) + per-timestep Dense(1, sigmoid), MSE, "
              "SGD(1.0), batch 1, 10000 steps; fit seconds and exact-sum accuracy on 7000 unseen "
              "pairs. W4 imdb-lstm: Embedding(20000, 128) -> LSTM(128) -> Dense(1, sigmoid), "
              f"BCE, Adam(1e-3), batch 32, 100 steps; fit seconds. Median of {args.reps} reps.")
    if cnn_workloads:
        print("W3 mnist-cnn: Conv2D(32,3x3,relu) -> MaxPool(2) -> Conv2D(64,3x3,relu) -> "
              "MaxPool(2) -> Flatten -> Dropout(0.5) -> Dense(10, softmax), CCE, Adam(1e-3), "
              "batch 128; seconds for 1 epoch over the 10000 MNIST test images (median of "
              f"{args.reps}) and accuracy on images 8000..9999 after 3 epochs on 0..7999.")
    print("W5: one test row, 1000 timed calls, median microseconds; predict = numpy in/out "
          "(Keras/lamina predict(x, verbose=0)), call = model(x) direct (torch/lamina under "
          "no_grad). /lamina = framework time / lamina time (> 1: lamina faster).\n")
    print(format_table(results))
    for r in results:
        versions = ", ".join(f"{k} {v}" for k, v in (r.get("versions") or {}).items())
        other = [r.get("other_work_cores"), _get(r, "import", "other_work_cores")]
        other = "/".join("?" if v is None else format(v, ".2f") for v in other)
        print(f"  {r['framework']}: {versions or '?'}; other work on the machine during its "
              f"workloads/import timing: {other} cores")
    if skipped:
        print("\nskipped: " + "; ".join(f"{k} ({v})" for k, v in skipped.items()))
    problems = []
    for r in results:
        for e in r.get("errors", []):
            problems.append(f"{r['framework']}: {e['error']}")
        for kind in ("predict", "call"):
            e = _get(r, "W5", kind, "error")
            if e:
                problems.append(f"{r['framework']} W5 {kind}: {e}")
        if _get(r, "import", "error"):
            problems.append(f"{r['framework']} import: {r['import']['error']}")
        if _get(r, "import", "api_error"):
            problems.append(f"{r['framework']} import+API: {r['import']['api_error']}")
    noisy = [r["framework"] for r in results
             if max(r.get("other_work_cores") or 0, _get(r, "import", "other_work_cores") or 0)
             > 0.1]
    if noisy:
        problems.append(f"other work shared the CPU during {', '.join(noisy)}: their times are "
                        "inflated (torch's OpenMP threads most of all); run again on a quiet "
                        "machine, e.g. with --wait-quiet 600")
    if problems:
        print("\nproblems:\n  " + "\n  ".join(problems))
    print("\ntargets for lamina:\n  " + "\n  ".join(targets(results)))
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"facts": facts, "args": vars(args), "results": results,
                       "skipped": skipped}, f, indent=1)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
