"""Calibrate the convergence checks: run every recipe with the reference parts for many seeds.

    PYTHONPATH=. .venv/bin/python bench/calibrate.py                 # 30 seeds, 2 processes
    PYTHONPATH=. .venv/bin/python bench/calibrate.py --seeds 100 --broken
    PYTHONPATH=. .venv/bin/python bench/calibrate.py --write         # rewrite thresholds.toml

    PYTHONPATH=. .venv/bin/python bench/calibrate.py --catalogue     # + the catalogue's mistakes

Prints min/mean/max per chapter and the suggested pass marks: for the Fashion-MNIST chapters the
lower of (the reference minimum minus 0.05) and (the reference mean minus 6.5 standard deviations),
rounded down to 0.01, so that a correct implementation, whose random numbers differ from the
reference's, practically never fails; the weight-decay bound is twice the largest ||w|| the
reference reaches; linear regression keeps the fixed 1e-2 tolerance.

A chapter whose parts may be right in more than one way is calibrated for each (REFERENCE_RUNS):
init_dropout_mlp_params may draw its weights with any std from the book's 0.01 to 0.1, so the
dropout chapter runs both ends, and its pass mark is the lowest of the two ends' marks.

``--broken`` also trains with classic broken parts (zero initialisation, a cross-entropy without
its minus sign, SGD climbing the gradient, ...) to show that the pass marks separate them;
``--catalogue`` does the same with every mistake of tests/catalogue/ that replaces one of a
chapter's single parts (most of them are meant to be caught by their own function's checks, not
by training). ``--write`` stores the pass marks and the measured statistics in
autograder/verdicts/thresholds.toml, which the verdicts read.
"""
from __future__ import annotations

import argparse
import datetime
import functools
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


def _dropout_init(num_inputs, h1, h2, num_outputs, *, std, uniform=False):
    """init_dropout_mlp_params with weights from N(0, std^2) (or uniform on [0, std))."""
    sizes = [num_inputs, h1, h2, num_outputs]
    params = []
    for a, b in zip(sizes[:-1], sizes[1:]):
        W = torch.rand(a, b) * std if uniform else torch.randn(a, b) * std
        params += [W.requires_grad_(), torch.zeros(b, requires_grad=True)]
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
    "dropout: zero init": ("dropout", {"init_dropout_mlp_params": functools.partial(_dropout_init, std=0.0)}),
    "dropout: init N(0, 0.001^2)": ("dropout", {"init_dropout_mlp_params": functools.partial(_dropout_init, std=0.001)}),
    "dropout: init N(0, 1)": ("dropout", {"init_dropout_mlp_params": functools.partial(_dropout_init, std=1.0)}),
    "dropout: init uniform [0, 0.01)": ("dropout", {"init_dropout_mlp_params": functools.partial(
        _dropout_init, std=0.01, uniform=True)}),
    "dropout: keeps with probability p": ("dropout", {"dropout_layer": _dropout_keep_p}),
    "weight_decay: penalty detached (float)": ("weight_decay", {"l2_penalty": _l2_detached}),
    "weight_decay: penalty uses the mean": ("weight_decay", {"l2_penalty": _l2_mean}),
}


# --- the reference runs -------------------------------------------------------------------------

# The ends of the std range that init_dropout_mlp_params may use (its docstring, the verdict
# init_dropout_mlp_params.weight_distribution): the recipe must train both.
DROPOUT_INIT_STDS = (0.01, 0.1)

# chapter -> label -> the parts that differ from the reference parts, one entry per correct way to
# write the chapter's parts that the pass mark must accept.
REFERENCE_RUNS: dict[str, dict[str, dict]] = {chapter: {"reference": {}} for chapter in recipes.RECIPES}
REFERENCE_RUNS["dropout"] = {
    f"reference, init std {std:g}": {"init_dropout_mlp_params": functools.partial(_dropout_init, std=std)}
    for std in DROPOUT_INIT_STDS}


def _catalogue() -> dict[str, tuple[str, str, str, str]]:
    """label -> (chapter, part, module, source) for each catalogue mistake that replaces a single
    part of a chapter's convergence checks."""
    from autograder.harness.chapters import CHAPTERS
    from tests.catalogue import all_entries

    mistakes, _ = all_entries()
    out = {}
    for m in mistakes:
        for chapter, (singles, _) in CHAPTERS.items():
            if m.function in singles:
                out[f"catalogue {m.id} ({chapter})"] = (chapter, m.function, m.module, m.source)
    return out


def _catalogue_part(module: str, source: str, part: str):
    """The mistake's definition, run as the catalogue runs it: appended to the solution module."""
    import importlib
    import textwrap

    namespace = dict(vars(importlib.import_module(f"solutions.{module}")))
    exec(textwrap.dedent(source), namespace)  # noqa: S102 - our own catalogue
    return namespace[part]


def overrides_for(chapter: str, label: str) -> dict:
    if label in REFERENCE_RUNS.get(chapter, {}):
        return REFERENCE_RUNS[chapter][label]
    if label in BROKEN:
        return BROKEN[label][1]
    if label.startswith("catalogue "):
        _, part, module, source = _catalogue()[label]
        return {part: _catalogue_part(module, source, part)}
    return {}


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
    kwargs = {"lambd": 0.0} if label == "no weight decay" else {}
    start = time.perf_counter()
    try:
        result = recipes.RECIPES[chapter](ref.assemble(overrides_for(chapter, label)), seed, **kwargs)
        out = metric(chapter, result)
        if chapter in ("softmax_regression", "mlp", "dropout"):
            # what the verdict judges: the accuracy of the returned weights, measured by the book's
            # model (for reference parts the same as the recipe's own test accuracy)
            from autograder.verdicts.convergence import trusted_test_accuracy
            trusted = trusted_test_accuracy(chapter, result.get("final_params"))
            out["test_acc"] = math.nan if trusted is None else trusted
    except Exception as exc:  # noqa: BLE001 - a broken part may crash; report it
        out = {"error": f"{type(exc).__name__}: {exc}"[:100]}
    return chapter, seed, label, out, time.perf_counter() - start


def summarise(values: list[float]) -> tuple[float, float, float, float]:
    finite = [v for v in values if math.isfinite(v)]
    if not finite:
        return (math.nan,) * 4
    return min(finite), statistics.fmean(finite), max(finite), \
        (statistics.stdev(finite) if len(finite) > 1 else 0.0)


def suggest(stats: dict, runs: dict) -> dict:
    """Pass marks from the reference statistics: for a chapter calibrated several ways (``runs``:
    chapter -> label -> statistics), the lowest of their marks."""
    out = {}
    for chapter in ("softmax_regression", "mlp", "dropout"):
        marks = []
        for per_label in runs[chapter].values():
            lo, mean, _, sd = per_label["test_acc"]
            marks.append(min(lo - ACCURACY_MARGIN, mean - Z * sd))
        out[chapter] = math.floor(min(marks) * 100) / 100
    out["linear_regression"] = LINREG_TOLERANCE
    hi = stats["weight_decay"]["w_norm"][2]
    out["weight_decay"] = round(WEIGHT_DECAY_FACTOR * hi, 2)
    return out


def write_thresholds(stats, runs, nodecay, suggested, seeds, seconds) -> None:
    today = datetime.date.today().isoformat()
    host = f"{platform.machine()}, {multiprocessing.cpu_count()} cores, torch {torch.__version__}"

    def line(chapter, key, fmt=".4f", label=None):
        lo, mean, hi, sd = (stats[chapter] if label is None else runs[chapter][label])[key]
        where = "" if label is None else f"{label.removeprefix('reference, ')}: "
        return f"# {where}{key}: min {lo:{fmt}}  mean {mean:{fmt}}  max {hi:{fmt}}  sd {sd:{fmt}}"

    def lines(chapter, key):
        labels = list(runs[chapter])
        if labels == ["reference"]:
            return [line(chapter, key)]
        return [line(chapter, key, label=label) for label in labels]

    def t(chapter):
        lo, mean, hi, _ = seconds[chapter]
        return f"# seconds per run (1 thread): min {lo:.2f}  mean {mean:.2f}  max {hi:.2f}"

    seed_text = f"seeds {seeds[0]}..{seeds[-1]} ({len(seeds)} runs each)"
    parts = [
        "# Pass marks of the convergence checks, read by autograder/verdicts/convergence.py.",
        "# Written by bench/calibrate.py from the reference parts (autograder/harness/reference_parts.py)",
        f"# on {today}, {host}; {seed_text}.",
        f"# Load average {LOAD_AT_START:.1f} when started: run times grow with other jobs' load.",
        f"# Accuracy pass marks: min(reference min - {ACCURACY_MARGIN}, reference mean - {Z} sd), rounded down; the",
        f"# weight-decay bound is {WEIGHT_DECAY_FACTOR:g} x the largest reference ||w||. The dropout chapter is",
        "# calibrated at both ends of the init std a correct init_dropout_mlp_params may use ("
        f"{' and '.join(f'{s:g}' for s in DROPOUT_INIT_STDS)}):",
        "# its pass mark is the lower of the two ends' marks, its reference range spans both.",
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
            *lines(chapter, "test_acc"),
            *lines(chapter, "final_train_loss"),
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
    written = {p[1:-1] for p in parts if p.startswith("[") and p.endswith("]")}
    THRESHOLDS.write_text("\n".join(parts + _kept_sections(written)))


def _kept_sections(written: set[str]) -> list[str]:
    """The sections of the current file this script does not write ([train_poly], from
    bench/calibrate_train_poly.py), kept as they are."""
    if not THRESHOLDS.exists():
        return []
    kept, keep = [], False
    for line in THRESHOLDS.read_text().splitlines():
        if line.startswith("[") and line.rstrip().endswith("]"):
            keep = line.strip()[1:-1] not in written
        if keep:
            kept.append(line)
    return kept + [""] if kept else []


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", type=int, default=30)
    parser.add_argument("--first-seed", type=int, default=0)
    parser.add_argument("--procs", type=int, default=2)
    parser.add_argument("--broken", action="store_true", help="also measure classic broken parts")
    parser.add_argument("--broken-seeds", type=int, default=5)
    parser.add_argument("--catalogue", action="store_true",
                        help="also train with each catalogue mistake of a chapter's single parts")
    parser.add_argument("--write", action="store_true", help=f"rewrite {THRESHOLDS.relative_to(REPO)}")
    args = parser.parse_args(argv)

    from autograder.data import locate_fashion_mnist
    root = str(locate_fashion_mnist(allow_download=False))
    seeds = list(range(args.first_seed, args.first_seed + args.seeds))
    jobs = [(chapter, s, label) for chapter in recipes.RECIPES for label in REFERENCE_RUNS[chapter]
            for s in seeds]
    jobs += [("weight_decay", s, "no weight decay") for s in seeds]
    if args.broken:
        jobs += [(chapter, s, label) for label, (chapter, _) in BROKEN.items()
                 for s in range(args.broken_seeds)]
    catalogue = _catalogue() if args.catalogue else {}
    jobs += [(chapter, s, label) for label, (chapter, *_) in catalogue.items()
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
        if label in REFERENCE_RUNS[chapter]:
            times.setdefault(chapter, []).append(secs)

    stats, runs, seconds = {}, {}, {}
    print(f"reference parts, {len(seeds)} seeds ({seeds[0]}..{seeds[-1]}), {args.procs} processes, "
          f"{elapsed:.0f} s")
    for chapter in recipes.RECIPES:
        all_rows = []
        runs[chapter] = {}
        for label in REFERENCE_RUNS[chapter]:
            rows = by[(chapter, label)]
            errors = [r["error"] for r in rows if "error" in r]
            if errors:
                print(f"  {chapter} ({label}): {len(errors)} runs raised, e.g. {errors[0]}")
                return 1
            runs[chapter][label] = {k: summarise([r[k] for r in rows]) for k in rows[0]}
            all_rows += rows
            name = chapter if label == "reference" else f"{chapter} ({label.removeprefix('reference, ')})"
            for key, (lo, mean, hi, sd) in runs[chapter][label].items():
                print(f"  {name:28s} {key:18s} min {lo:.4g}  mean {mean:.4g}  max {hi:.4g}  sd {sd:.3g}")
        stats[chapter] = {k: summarise([r[k] for r in all_rows]) for k in all_rows[0]}
        seconds[chapter] = summarise(times[chapter])
        lo, mean, hi, _ = seconds[chapter]
        print(f"  {chapter:28s} {'seconds':18s} min {lo:.2f}  mean {mean:.2f}  max {hi:.2f}")
    rows = by[("weight_decay", "no weight decay")]
    nodecay = {k: summarise([r[k] for r in rows]) for k in rows[0]}
    lo, mean, hi, sd = nodecay["w_norm"]
    print(f"  {'weight_decay lambd=0':28s} {'w_norm':18s} min {lo:.4g}  mean {mean:.4g}  max {hi:.4g}  sd {sd:.3g}")

    suggested = suggest(stats, runs)
    print("suggested pass marks:")
    for chapter, value in suggested.items():
        print(f"  {chapter:20s} {value}")

    def caught(chapter: str, values: list[float]) -> str:
        """Whether the suggested pass mark fails every run of a broken part (accuracy chapters)."""
        if chapter in ("linear_regression", "weight_decay"):
            return ""
        passing = sum(1 for v in values if math.isfinite(v) and v >= suggested[chapter])
        return "  caught" if passing == 0 else f"  PASSES {passing} of {len(values)}"

    extra = [(label, chapter) for label, (chapter, _) in BROKEN.items()] if args.broken else []
    extra += [(label, chapter) for label, (chapter, *_) in catalogue.items()]
    if extra:
        print(f"broken parts ({args.broken_seeds} seeds each; 'caught': every run below the pass mark):")
        for label, chapter in extra:
            rows = by[(chapter, label)]
            errs = [r["error"] for r in rows if "error" in r]
            if errs:
                print(f"  {label:52s} raised: {errs[0]}")
                continue
            key = {"linear_regression": "w_error", "weight_decay": "w_norm"}.get(chapter, "test_acc")
            values = [r[key] for r in rows]
            lo, mean, hi, _ = summarise(values)
            nan = sum(not math.isfinite(v) for v in values)
            print(f"  {label:52s} {key} min {lo:.4g}  mean {mean:.4g}  max {hi:.4g}"
                  + (f"  ({nan} NaN)" if nan else "") + caught(chapter, values))

    if args.write:
        write_thresholds(stats, runs, nodecay, suggested, seeds, seconds)
        print(f"wrote {THRESHOLDS.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
