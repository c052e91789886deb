"""Calibrate the convergence checks: run every recipe with the reference parts for many seeds.

    PYTHONPATH=. .venv/bin/python bench/calibrate.py                 # 30 seeds, 2 processes
    PYTHONPATH=. .venv/bin/python bench/calibrate.py --seeds 100 --broken
    PYTHONPATH=. .venv/bin/python bench/calibrate.py --write         # rewrite thresholds.toml

Prints min/mean/max per chapter and the suggested pass marks: for the Fashion-MNIST chapters the
lower of (the reference minimum minus 0.05) and (the reference mean minus 6.5 standard deviations),
rounded down to 0.01, so that a correct implementation, whose random numbers differ from the
reference's, practically never fails; the weight-decay bound is twice the largest ||w|| the
reference reaches; linear regression keeps the fixed 1e-2 tolerance. ``--broken`` also trains with classic broken parts (zero
initialisation, a cross-entropy without its minus sign, SGD climbing the gradient, ...) to show
that the pass marks separate them. ``--write`` stores the pass marks and the measured statistics
in autograder/verdicts/thresholds.toml, which the verdicts read.
"""
from __future__ import annotations

import argparse
import datetime
import math
import multiprocessing
import os
import platform
import statistics
import sys
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from autograder.harness import datasets, recipes  # noqa: E402
from autograder.harness import reference_parts as ref  # noqa: E402

THRESHOLDS = REPO / "autograder" / "verdicts" / "thresholds.toml"
ACCURACY_MARGIN = 0.05
Z = 6.5                        # and at least 6.5 standard deviations below the reference mean
LINREG_TOLERANCE = 1e-2        # the brief's bound on |w - true_w| and |b - true_b|
LOAD_AT_START = 0.0
WEIGHT_DECAY_FACTOR = 2.0      # pass mark: ||w|| <= 2 x the largest reference ||w||


# --- broken parts (what the pass marks must reject) --------------------------------------------

def _zeros_mlp_init(num_inputs, num_hiddens, num_outputs):
    return [torch.zeros(num_inputs, num_hiddens, requires_grad=True),
            torch.zeros(num_hiddens, requires_grad=True),
            torch.zeros(num_hiddens, num_outputs, requires_grad=True),
            torch.zeros(num_outputs, requires_grad=True)]


def _small_dropout_init(num_inputs, h1, h2, num_outputs):
    sizes = [num_inputs, h1, h2, num_outputs]
    params = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        params += [(torch.randn(a, b) * 0.01).requires_grad_(), torch.zeros(b, requires_grad=True)]
    return params


def _ce_no_minus(y_hat, y):
    return torch.log(y_hat[range(len(y_hat)), y])


def _ce_mean(y_hat, y):
    return -torch.log(y_hat[range(len(y_hat)), y]).mean()


def _sgd_ascent(params, lr, batch_size):
    with torch.no_grad():
        for p in params:
            p += lr * p.grad / batch_size
            p.grad.zero_()


def _sgd_no_divide(params, lr, batch_size):
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
            p.grad.zero_()


def _sgd_no_zero_grad(params, lr, batch_size):
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad / batch_size


def _softmax_unnormalised(X):
    return torch.exp(X)


def _dropout_keep_p(X, dropout):
    mask = (torch.rand(X.shape) < dropout).float()
    return mask * X / max(dropout, 1e-12)


def _l2_detached(w):
    return float((w ** 2).sum() / 2)


def _l2_mean(w):
    return (w ** 2).mean() / 2


def _identity(X):
    return X


def _first_batch_only(batch_size, features, labels):
    yield features[:batch_size], labels[:batch_size]


def _no_update_epoch(net, train_iter, loss, updater):
    total, correct, count = 0.0, 0.0, 0
    for X, y in train_iter:
        y_hat = net(X)
        l = loss(y_hat, y)
        total += float(l.detach().sum())
        correct += ref.accuracy(y_hat, y)
        count += len(y)
    return total / count, correct / count


BROKEN: dict[str, tuple[str, dict]] = {
    "linreg: sgd climbs (+=)": ("linear_regression", {"sgd": _sgd_ascent}),
    "linreg: sgd does not zero grads": ("linear_regression", {"sgd": _sgd_no_zero_grad}),
    "linreg: data_iter yields one batch": ("linear_regression", {"data_iter": _first_batch_only}),
    "softmax: cross_entropy without minus": ("softmax_regression", {"cross_entropy": _ce_no_minus}),
    "softmax: cross_entropy returns the mean": ("softmax_regression", {"cross_entropy": _ce_mean}),
    "softmax: sgd climbs (+=)": ("softmax_regression", {"sgd": _sgd_ascent}),
    "softmax: sgd does not divide by batch": ("softmax_regression", {"sgd": _sgd_no_divide}),
    "softmax: softmax not normalised": ("softmax_regression", {"softmax": _softmax_unnormalised}),
    "softmax: train_epoch_ch3 never updates": ("softmax_regression", {"train_epoch_ch3": _no_update_epoch}),
    "mlp: zero init": ("mlp", {"init_mlp_params": _zeros_mlp_init}),
    "mlp: relu is identity (linear model)": ("mlp", {"relu": _identity}),
    "dropout: init N(0, 0.01^2)": ("dropout", {"init_dropout_mlp_params": _small_dropout_init}),
    "dropout: keeps with probability p": ("dropout", {"dropout_layer": _dropout_keep_p}),
    "weight_decay: penalty detached (float)": ("weight_decay", {"l2_penalty": _l2_detached}),
    "weight_decay: penalty uses the mean": ("weight_decay", {"l2_penalty": _l2_mean}),
}


# --- measuring ----------------------------------------------------------------------------------

def metric(chapter: str, result: dict) -> dict[str, float]:
    """The numbers the verdicts judge, from one recipe result."""
    if chapter == "linear_regression":
        w, b = result["w"], result["b"]
        return {"w_error": float((w - torch.tensor([2.0, -3.4])).abs().max()),
                "b_error": float((b - 4.2).abs().max()), "final_loss": result["train_loss"][-1]}
    if chapter == "weight_decay":
        return {"w_norm": result["w_norm"], "final_test_loss": result["test_loss"][-1]}
    return {"test_acc": result["test_acc"][-1], "final_train_loss": result["train_loss"][-1]}


def _init_worker(root: str) -> None:
    torch.set_num_threads(1)
    datasets.configure(Path(root))


def run_job(job):
    chapter, seed, label = job
    overrides = BROKEN[label][1] if label in BROKEN else {}
    kwargs = {"lambd": 0.0} if label == "no weight decay" else {}
    start = time.perf_counter()
    try:
        result = recipes.RECIPES[chapter](ref.assemble(overrides), seed, **kwargs)
        out = metric(chapter, result)
    except Exception as exc:  # noqa: BLE001 - a broken part may crash; report it
        out = {"error": f"{type(exc).__name__}: {exc}"[:100]}
    return chapter, seed, label, out, time.perf_counter() - start


def summarise(values: list[float]) -> tuple[float, float, float, float]:
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return (math.nan,) * 4
    return min(finite), statistics.fmean(finite), max(finite), \
        (statistics.stdev(finite) if len(finite) > 1 else 0.0)


def suggest(stats: dict) -> dict:
    """Pass marks from the reference statistics."""
    out = {}
    for chapter in ("softmax_regression", "mlp", "dropout"):
        lo, mean, _, sd = stats[chapter]["test_acc"]
        out[chapter] = math.floor(min(lo - ACCURACY_MARGIN, mean - Z * sd) * 100) / 100
    out["linear_regression"] = LINREG_TOLERANCE
    hi = stats["weight_decay"]["w_norm"][2]
    out["weight_decay"] = round(WEIGHT_DECAY_FACTOR * hi, 2)
    return out


def write_thresholds(stats, nodecay, suggested, seeds, seconds) -> None:
    today = datetime.date.today().isoformat()
    host = (f"{platform.machine()}, {multiprocessing.cpu_count()} cores, torch {torch.__version__}, "
            f"load average {LOAD_AT_START:.1f} when started (run times grow with other jobs' load)")

    def line(chapter, key, fmt=".4f"):
        lo, mean, hi, sd = stats[chapter][key]
        return f"# {key}: min {lo:{fmt}}  mean {mean:{fmt}}  max {hi:{fmt}}  sd {sd:{fmt}}"

    def t(chapter):
        lo, mean, hi, _ = seconds[chapter]
        return f"# seconds per run (1 thread): min {lo:.2f}  mean {mean:.2f}  max {hi:.2f}"

    seed_text = f"seeds {seeds[0]}..{seeds[-1]} ({len(seeds)} runs each)"
    parts = [
        "# Pass marks of the convergence checks, read by autograder/verdicts/convergence.py.",
        "# Written by bench/calibrate.py from the reference parts (autograder/harness/reference_parts.py)",
        f"# on {today}, {host}; {seed_text}.",
        f"# Accuracy pass marks: min(reference min - {ACCURACY_MARGIN}, reference mean - {Z} sd), rounded down; the",
        f"# weight-decay bound is {WEIGHT_DECAY_FACTOR:g} x the largest reference ||w||.",
        "",
        "[linear_regression]",
        line("linear_regression", "w_error", ".2e"),
        line("linear_regression", "b_error", ".2e"),
        line("linear_regression", "final_loss", ".2e"),
        t("linear_regression"),
        f"tolerance = {suggested['linear_regression']}",
        f"reference_error = {max(stats['linear_regression']['w_error'][2], stats['linear_regression']['b_error'][2]):.1e}",
        "",
    ]
    for chapter in ("softmax_regression", "mlp", "dropout"):
        lo, mean, hi, _ = stats[chapter]["test_acc"]
        parts += [
            f"[{chapter}]",
            line(chapter, "test_acc"),
            line(chapter, "final_train_loss"),
            t(chapter),
            f"pass_test_accuracy = {suggested[chapter]:.2f}",
            f"reference_min = {math.floor(lo * 100) / 100:.2f}",
            f"reference_max = {math.ceil(hi * 100) / 100:.2f}",
            f"reference_final_train_loss = {stats[chapter]['final_train_loss'][2]:.2f}",
            "",
        ]
    lo, mean, hi, _ = stats["weight_decay"]["w_norm"]
    nlo, nmean, nhi, nsd = nodecay["w_norm"]
    parts += [
        "[weight_decay]",
        line("weight_decay", "w_norm"),
        line("weight_decay", "final_test_loss"),
        f"# without weight decay (lambd = 0): w_norm min {nlo:.3f}  mean {nmean:.3f}  max {nhi:.3f}  sd {nsd:.3f}",
        t("weight_decay"),
        f"max_w_norm = {suggested['weight_decay']:.2f}",
        f"reference_min = {math.floor(lo * 100) / 100:.2f}",
        f"reference_max = {math.ceil(hi * 100) / 100:.2f}",
        f"no_decay_min = {math.floor(nlo * 10) / 10:.1f}",
        f"no_decay_max = {math.ceil(nhi * 10) / 10:.1f}",
        "",
    ]
    THRESHOLDS.write_text("\n".join(parts))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=30)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--broken", action="store_true", help="also measure classic broken parts")
    parser.add_argument("--broken-seeds", type=int, default=5)
    parser.add_argument("--write", action="store_true", help=f"rewrite {THRESHOLDS.relative_to(REPO)}")
    args = parser.parse_args(argv)

    from autograder.data import locate_fashion_mnist
    root = str(locate_fashion_mnist(allow_download=False))
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    jobs = [(chapter, s, "reference") for chapter in recipes.RECIPES for s in seeds]
    jobs += [("weight_decay", s, "no weight decay") for s in seeds]
    if args.broken:
        jobs += [(chapter, s, label) for label, (chapter, _) in BROKEN.items()
                 for s in range(args.broken_seeds)]
    global LOAD_AT_START
    LOAD_AT_START = os.getloadavg()[0]
    start = time.perf_counter()
    with multiprocessing.get_context("spawn").Pool(args.procs, _init_worker, (root,)) as pool:
        results = pool.map(run_job, jobs, chunksize=1)
    elapsed = time.perf_counter() - start

    by: dict[tuple[str, str], list[dict]] = {}
    times: dict[str, list[float]] = {}
    for chapter, seed, label, out, secs in results:
        by.setdefault((chapter, label), []).append(out)
        if label == "reference":
            times.setdefault(chapter, []).append(secs)

    stats, seconds = {}, {}
    print(f"reference parts, {len(seeds)} seeds ({seeds[0]}..{seeds[-1]}), {args.procs} processes, "
          f"{elapsed:.0f} s")
    for chapter in recipes.RECIPES:
        rows = by[(chapter, "reference")]
        errors = [r["error"] for r in rows if "error" in r]
        if errors:
            print(f"  {chapter}: {len(errors)} runs raised, e.g. {errors[0]}")
            return 1
        stats[chapter] = {k: summarise([r[k] for r in rows]) for k in rows[0]}
        seconds[chapter] = summarise(times[chapter])
        for key, (lo, mean, hi, sd) in stats[chapter].items():
            print(f"  {chapter:20s} {key:18s} min {lo:.4g}  mean {mean:.4g}  max {hi:.4g}  sd {sd:.3g}")
        lo, mean, hi, _ = seconds[chapter]
        print(f"  {chapter:20s} {'seconds':18s} min {lo:.2f}  mean {mean:.2f}  max {hi:.2f}")
    rows = by[("weight_decay", "no weight decay")]
    nodecay = {k: summarise([r[k] for r in rows]) for k in rows[0]}
    lo, mean, hi, sd = nodecay["w_norm"]
    print(f"  {'weight_decay lambd=0':20s} {'w_norm':18s} min {lo:.4g}  mean {mean:.4g}  max {hi:.4g}  sd {sd:.3g}")

    suggested = suggest(stats)
    print("suggested pass marks:")
    for chapter, value in suggested.items():
        print(f"  {chapter:20s} {value}")

    if args.broken:
        print(f"broken parts ({args.broken_seeds} seeds each):")
        for label, (chapter, _) in BROKEN.items():
            rows = by[(chapter, label)]
            errs = [r["error"] for r in rows if "error" in r]
            if errs:
                print(f"  {label:42s} raised: {errs[0]}")
                continue
            key = {"linear_regression": "w_error", "weight_decay": "w_norm"}.get(chapter, "test_acc")
            lo, mean, hi, _ = summarise([r[key] for r in rows])
            nan = sum(not math.isfinite(r[key]) for r in rows)
            print(f"  {label:42s} {key} min {lo:.4g}  mean {mean:.4g}  max {hi:.4g}"
                  + (f"  ({nan} NaN)" if nan else ""))

    if args.write:
        write_thresholds(stats, nodecay, suggested, seeds, seconds)
        print(f"wrote {THRESHOLDS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
