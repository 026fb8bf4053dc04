"""Run the reference workloads for lamina and its peers; print one table with ratios.

    python benchmarks/run.py [--workloads W1,W5] [--reps 3] [--frameworks lamina,torch,...]

Each framework runs in its own fresh interpreter (benchmarks/workloads/worker.py), one after
the other, on the same data prepared once; its import time is measured in further fresh
interpreters (benchmarks/import_time.py). Frameworks that are not installed in their
interpreter are skipped and listed. Only the standard library is needed to run this file.
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

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
WORKLOADS_DIR = os.path.join(HERE, "workloads")
sys.path.insert(0, HERE)
import import_time  # this folder; stdlib only

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
]


def format_table(results):
    ref = next((r for r in results if r["framework"] == "lamina"), None)
    head = ["framework"]
    for name, _, _, ratio in COLUMNS:
        head.append(name)
        if ratio:
            head.append("/lamina")
    rows = [head]
    for r in results:
        row = [r["framework"]]
        for _, get, fmt, ratio in COLUMNS:
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
    us = _get(lam, "W5", "predict", "median_us")
    out.append("W5 predict <= 20 us: " + (f"{us:.1f} us -> {'MET' if us <= 20 else 'MISSED'}"
                                            if us is not None else "not measured"))
    imp = _get(lam, "import", "import_s")
    out.append("import lamina < 0.2 s: " + (f"{imp:.4f} s -> {'MET' if imp < 0.2 else 'MISSED'}"
                                             if imp is not None else "not measured"))
    return out


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--workloads", default="W1,W5", help="comma-separated, of W1,W5")
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
    p.add_argument("--json", default=None, help="also write every result to this file")
    args = p.parse_args(argv)

    workloads = [w.strip().upper() for w in args.workloads.split(",") if w.strip()]
    bad = [w for w in workloads if w not in ("W1", "W5")]
    if bad or not workloads:
        p.error(f"--workloads: expected W1 and/or W5, got {args.workloads!r}")
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
            print(f"[{fw}] running {args.workloads} x{args.reps} with {pythons[fw]} ...",
                  file=sys.stderr, flush=True)
            r = run_worker(pythons[fw], fw, args, data_npz, tmp)
            if not args.no_import:
                r["import"] = import_time.measure(fw, pythons[fw], args.import_reps)
            results.append(r)
    facts["load_after"] = load_average()

    print(f"lamina benchmarks, {facts['date']}: {facts.get('cpu', '?')}, {facts['cores']} cores, "
          f"{facts.get('memory_gib', '?')} GiB; {facts['platform']}")
    print(f"python {facts.get('python', '?')}, numpy {facts.get('numpy', '?')}; "
          f"env {' '.join(f'{k}={v}' for k, v in facts['env'].items()) or '(no BLAS/OMP vars)'}")
    print(f"data: {facts['data']}")
    print(f"1-min load average: {facts['load_before']} before, {facts['load_after']} after "
          "(the benchmark itself adds about 1; more means other work shared the cores)")
    print(f"W1 boston-mlp: 200 epochs, batch 32, validation_split 0.1, RMSprop(1e-3, 0.9, 1e-7); "
          f"fit seconds and test score std(pred-y)/std(y), median of {args.reps} reps.")
    print("W5: one test row, 1000 timed calls, median microseconds; predict = numpy in/out "
          "(Keras/lamina predict(x, verbose=0)), call = model(x) direct (torch/lamina under "
          "no_grad). /lamina = framework time / lamina time (> 1: lamina faster).\n")
    print(format_table(results))
    for r in results:
        versions = ", ".join(f"{k} {v}" for k, v in (r.get("versions") or {}).items())
        if versions:
            print(f"  {r['framework']}: {versions}")
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
