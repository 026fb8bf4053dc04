"""Whole-process import time of a framework: median over several fresh interpreters.

Each sample is a new Python process that times its own ``import X`` (the "import" number)
and then touches the classes the W1 script uses (the "import+API" number, which counts
lazily imported submodules too). The parent also times the whole process, start to exit,
and an empty interpreter for reference. Bytecode caching is on (PYTHONDONTWRITEBYTECODE is
dropped for these processes), as for an installed package.

    python benchmarks/import_time.py                      # import lamina, 7 samples
    python benchmarks/import_time.py --framework torch --reps 5
    python benchmarks/import_time.py --importtime         # + slowest modules (-X importtime)

Uses only the standard library, so any interpreter can run it; ``--python`` picks the one
that is measured (default: .venv-bench if present, else this one).
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)

# framework -> (import statement, statement touching what W1 uses, extra environment)
_KERAS_API = ("keras.Sequential; keras.Input; keras.layers.Dense; keras.layers.Activation; "
              "keras.optimizers.RMSprop; keras.losses.MeanSquaredError")
SNIPPETS = {
    "lamina": ("import lamina",
               ("lamina.Sequential; lamina.Input; lamina.layers.Dense; "
                "lamina.layers.Activation; lamina.optimizers.RMSprop; "
                "lamina.losses.MeanSquaredError"), {}),
    "torch": ("import torch", "torch.nn.Linear; torch.nn.ReLU; torch.optim.RMSprop", {}),
    "keras-jax": ("import keras", _KERAS_API, {"KERAS_BACKEND": "jax"}),
    "keras-torch": ("import keras", _KERAS_API, {"KERAS_BACKEND": "torch"}),
    "keras-tensorflow": ("import keras", _KERAS_API,
                         {"KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "2"}),
}
SNIPPETS["torch-dataloader"] = SNIPPETS["torch"]

_PROBE = """import time, json
t0 = time.perf_counter()
{imp}
t1 = time.perf_counter()
err = None
try:
    {api}
except Exception as e:
    err = type(e).__name__ + ": " + str(e)
t2 = time.perf_counter()
print(json.dumps({{"import_s": t1 - t0, "api_s": t2 - t0, "api_error": err}}))
"""


def default_python():
    bench = os.path.join(REPO, ".venv-bench", "bin", "python")
    return bench if os.path.exists(bench) else sys.executable


def _env(extra):
    env = dict(os.environ)
    # Measure what an installed package costs: its .pyc cached (pip writes them at install;
    # an editable lamina gets them from the first, untimed, run here).
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(extra)
    return env


def measure(framework, python=None, reps=7):
    """Medians over ``reps`` fresh processes: import_s, import_api_s, process_s, baseline_s."""
    python = python or default_python()
    imp, api, extra = SNIPPETS[framework]
    code = _PROBE.format(imp=imp, api=api)
    env = _env(extra)
    samples, walls, bases = [], [], []
    subprocess.run([python, "-c", "pass"], check=True)  # warm the OS file cache once
    subprocess.run([python, "-c", code], env=env, capture_output=True, check=False)
    for _ in range(reps):
        t0 = time.perf_counter()
        subprocess.run([python, "-c", "pass"], check=True)
        bases.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        subprocess.run([python, "-c", imp], env=env, capture_output=True, check=False)
        walls.append(time.perf_counter() - t0)
        proc = subprocess.run([python, "-c", code], env=env, capture_output=True, text=True,
                              check=False)
        if proc.returncode != 0:
            tail = (proc.stderr or proc.stdout).strip().splitlines()[-1:] or ["(no output)"]
            return {"error": f"`{imp}` failed: {tail[0]}"}
        samples.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    errors = {s["api_error"] for s in samples if s["api_error"]}
    return {
        "statement": imp,
        "import_s": statistics.median(s["import_s"] for s in samples),
        "import_api_s": statistics.median(s["api_s"] for s in samples),
        "api_error": errors.pop() if errors else None,
        "process_s": statistics.median(walls),
        "baseline_process_s": statistics.median(bases),
        "reps": reps,
    }


def slowest_modules(framework, python=None, top=15, api=False):
    """The modules with the largest cumulative time in ``python -X importtime``."""
    python = python or default_python()
    imp, api_code, extra = SNIPPETS[framework]
    code = f"{imp}; {api_code}" if api else imp
    proc = subprocess.run([python, "-X", "importtime", "-c", code], env=_env(extra),
                          capture_output=True, text=True, check=False)
    rows = []
    for line in proc.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        self_us, cum_us, name = line[len("import time:"):].split("|", 2)
        rows.append((int(cum_us), int(self_us), name.rstrip()))
    rows.sort(reverse=True)
    return rows[:top]


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--framework", default="lamina", choices=sorted(SNIPPETS))
    p.add_argument("--python", default=None, help="interpreter to measure")
    p.add_argument("--reps", type=int, default=7)
    p.add_argument("--importtime", action="store_true", help="list the slowest modules too")
    p.add_argument("--json", action="store_true", help="print JSON only")
    args = p.parse_args(argv)
    python = args.python or default_python()
    r = measure(args.framework, python, args.reps)
    if args.json:
        print(json.dumps(r, indent=1))
        return 0 if "error" not in r else 1
    if "error" in r:
        print(r["error"])
        return 1
    print(f"{args.framework} with {python}, median of {r['reps']} fresh processes:")
    rows = [(f"`{r['statement']}` in-process", r["import_s"]),
            ("+ the W1 API touched", r["import_api_s"]),
            (f"whole `python -c '{r['statement']}'`", r["process_s"]),
            ("whole `python -c pass`", r["baseline_process_s"])]
    width = max(len(label) for label, _ in rows)
    for label, value in rows:
        print(f"  {label:<{width}}  {value:.4f} s")
    if r["api_error"]:
        print(f"  (the W1 API failed: {r['api_error']})")
    if args.importtime:
        for api in (False, True):
            what = r["statement"] + (" + the W1 API" if api else "")
            print(f"\nslowest modules of `{what}` (-X importtime, one run):")
            print(f"  {'cumulative us':>13}  {'self us':>8}  module")
            for cum, own, name in slowest_modules(args.framework, python, api=api):
                print(f"  {cum:>13}  {own:>8}  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
