"""Verdict halves for softmax regression's training loop, predictions and concise model (d2l
4.4-4.5): train_ch3, predict_ch3, init_weights, concise_softmax_net."""
from __future__ import annotations

import math
from typing import Any

import torch
from torch import nn

from autograder.inputs import softmax_training as inputs
from autograder.verdicts.expect import show, type_name
from autograder.verdicts.registry import Fail, verdict

# ================================================================ train_ch3

TRAIN_PARAMS = ("net", "train_iter", "loss", "updater")
EVAL_PARAMS = ("net", "data_iter")


def _value(v: Any) -> float | None:
    """A number (or a one-element tensor) as a float, else None."""
    if isinstance(v, torch.Tensor) and v.numel() == 1:
        v = float(v.reshape(()))
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        return None
    return float(v)


def _same(a: float | None, b: float) -> bool:
    return a is not None and math.isfinite(a) and math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def _history_rows(out: Any) -> list[list[float | None]] | None:
    """The returned history as rows of numbers (None where an entry is not one); None when it is
    not a list of rows."""
    if not isinstance(out, list) or not all(isinstance(row, list) for row in out):
        return None
    return [[_value(v) for v in row] for row in out]


def _rows_equal(rows: list, expected: list[tuple]) -> bool:
    return len(rows) == len(expected) and all(
        len(r) == len(e) and all(_same(g, x) for g, x in zip(r, e)) for r, e in zip(rows, expected))


def _fmt(rows) -> str:
    def one(v):
        return "?" if v is None else f"{v:.4g}"
    return "[" + ", ".join("(" + ", ".join(one(v) for v in row) + ")" for row in rows[:6]) + \
        (", ..." if len(rows) > 6 else "") + "]"


def _runs(obs) -> list[dict]:
    runs = obs.get("runs") if isinstance(obs, dict) else None
    if not isinstance(runs, list) or len(runs) != len(inputs.TRAIN_CH3_EPOCHS) or \
            not all(isinstance(r, dict) for r in runs):
        raise Fail("train_ch3: the results could not be read back")
    return runs


def _calls(run: dict) -> list[dict]:
    calls = run.get("calls")
    if not isinstance(calls, list) or not all(
            isinstance(c, dict) and c.get("fn") in ("train", "eval") and isinstance(c.get("args"), list)
            and isinstance(c.get("keywords"), dict) and isinstance(c.get("after"), int) for c in calls):
        raise Fail("train_ch3: the calls of train_epoch_ch3 and evaluate_accuracy could not be read back")
    return calls


def _bound(call: dict, params: tuple[str, ...]) -> dict[str, str]:
    """Parameter name -> which of train_ch3's arguments was passed for it."""
    bound = dict(zip(params, call["args"]))
    for key, name in call["keywords"].items():
        bound.setdefault(str(key), name)
    return bound


def _train_ch3_call(epochs: int) -> str:
    return (f"train_ch3(net, train_iter, test_iter, loss, {epochs}, updater) (train_epoch_ch3 and "
            "evaluate_accuracy replaced by stand-ins that return known metrics)")


@verdict("train_ch3.history")
def train_ch3_history(obs, seed):
    metrics, accs = inputs.train_metrics(seed), inputs.test_accs(seed)
    for epochs, run in zip(inputs.TRAIN_CH3_EPOCHS, _runs(obs)):
        call = _train_ch3_call(epochs)
        calls = _calls(run)
        expected = [(metrics[k][0], metrics[k][1], accs[k]) for k in range(epochs)]
        out = run.get("out")
        rows = _history_rows(out)
        if rows is not None and _rows_equal(rows, expected):
            continue
        want = f"expected {_fmt(expected)}: one (train_loss, train_acc, test_acc) per epoch"
        if out is None:
            raise Fail(f"{call} returned None, {want}. The book's train_ch3 draws the curves with an "
                       "Animator and returns nothing; here return the history: append "
                       "train_metrics + (test_acc,) after each epoch and return the list")
        flat = [_value(v) for v in out] if isinstance(out, list) else None
        if flat and all(v is not None for v in flat):
            last = "only the last epoch's values" if len(flat) == 3 and all(
                _same(g, e) for g, e in zip(flat, expected[-1])) else "a flat list of numbers"
            raise Fail(f"{call} returned {show(out)}, {want}: that is {last}. Collect every epoch's "
                       "tuple in a list and return the list")
        if rows is None:
            raise Fail(f"{call} returned {type_name(out)}, {want}")
        n_train = sum(c["fn"] == "train" for c in calls)
        columns = [list(col) for col in zip(*expected)]
        if len(rows) == 3 and _rows_equal(rows, [tuple(c) for c in columns]):
            raise Fail(f"{call} returned three curves {_fmt(rows)}, {want}: append one "
                       "(train_loss, train_acc, test_acc) tuple per epoch instead")
        if len(rows) != epochs:
            hint = ""
            if n_train == epochs - 1:
                hint = (f": it trained {n_train} epochs, one epoch too few (range(1, num_epochs) "
                        "starts at 1): loop over range(num_epochs)")
            elif n_train != epochs:
                hint = f": it trained {n_train} epochs; loop over range(num_epochs)"
            else:
                hint = ": append one tuple per epoch, after that epoch's evaluation"
            raise Fail(f"{call} returned {len(rows)} entries, {want}{hint}")
        if any(len(r) != 3 for r in rows):
            widths = sorted({len(r) for r in rows})
            hint = ""
            if widths == [2]:
                if all(_same(r[0], e[0]) and _same(r[1], e[2]) for r, e in zip(rows, expected)):
                    hint = (": that is (train_loss, test_acc): train_acc is missing; "
                            "train_epoch_ch3 returns (train_loss, train_acc), keep both")
                elif all(_same(r[0], e[0]) and _same(r[1], e[1]) for r, e in zip(rows, expected)):
                    hint = ": that is train_epoch_ch3's (train_loss, train_acc): add test_acc"
            raise Fail(f"{call} returned entries of {'/'.join(map(str, widths))} values, {want}{hint}")
        got_tests = [r[2] for r in rows]
        train_ok = all(_same(r[0], e[0]) and _same(r[1], e[1]) for r, e in zip(rows, expected))
        text = f"{call} returned {_fmt(rows)}, {want}"
        if train_ok and all(_same(v, inputs.SWAPPED_ARGS) for v in got_tests):
            raise Fail(f"{text}: it called evaluate_accuracy(test_iter, net), the arguments swapped "
                       "(the old book's order): the grader's evaluate_accuracy is "
                       "evaluate_accuracy(net, data_iter)")
        if train_ok and all(_same(v, inputs.TRAIN_ITER_ACC) for v in got_tests):
            raise Fail(f"{text}: the test accuracy was measured on train_iter: evaluate on "
                       "test_iter, evaluate_accuracy(net, test_iter)")
        before = [inputs.BEFORE_TRAINING] + accs[:epochs - 1]
        if train_ok and all(_same(v, b) for v, b in zip(got_tests, before)):
            raise Fail(f"{text}: each test accuracy is from before that epoch's training: call "
                       "evaluate_accuracy(net, test_iter) after train_epoch_ch3, in the same epoch")
        if all(None not in r and sorted(r) == sorted(e) for r, e in zip(rows, expected)):
            raise Fail(f"{text}: the values are in another order; each entry is (train_loss, "
                       "train_acc, test_acc)")
        raise Fail(f"{text}: each epoch, train_metrics = train_epoch_ch3(net, train_iter, loss, "
                   "updater), test_acc = evaluate_accuracy(net, test_iter), then append "
                   "train_metrics + (test_acc,)")


@verdict("train_ch3.calls")
def train_ch3_calls(obs, seed):
    for epochs, run in zip(inputs.TRAIN_CH3_EPOCHS, _runs(obs)):
        call = _train_ch3_call(epochs)
        calls = _calls(run)
        trains = [c for c in calls if c["fn"] == "train"]
        if len(trains) != epochs:
            raise Fail(f"{call} called train_epoch_ch3 {len(trains)} times, expected {epochs}: once "
                       "per epoch")
        for c in trains:
            bound = _bound(c, TRAIN_PARAMS)
            wrong = [p for p in TRAIN_PARAMS if bound.get(p) != p]
            if wrong:
                given = ", ".join(f"{p}={bound.get(p, 'nothing')}" for p in TRAIN_PARAMS)
                raise Fail(f"{call} called train_epoch_ch3 with {given}: pass train_ch3's own "
                           f"{', '.join(wrong)} on, train_epoch_ch3(net, train_iter, loss, updater), "
                           "not a global of the notebook or another object")
        for k in range(epochs):
            tested = [c for c in calls if c["fn"] == "eval" and c["after"] == k + 1
                      and _bound(c, EVAL_PARAMS) == {"net": "net", "data_iter": "test_iter"}]
            if not tested:
                raise Fail(f"{call}: after epoch {k + 1}'s train_epoch_ch3 there is no "
                           "evaluate_accuracy(net, test_iter) on train_ch3's own net and test_iter")


# ================================================================ predict_ch3

def _titles(batch: tuple[torch.Tensor, torch.Tensor], preds: torch.Tensor, sep: str = "\n",
            swap: bool = False) -> list[str]:
    _, y = batch
    trues = [inputs.TEXT_LABELS[int(i)] for i in y]
    names = [inputs.TEXT_LABELS[int(i) % len(inputs.TEXT_LABELS)] for i in preds.reshape(-1)]
    return [(p + sep + t) if swap else (t + sep + p) for t, p in zip(trues, names)]


def _scores(batch) -> torch.Tensor:
    X, _ = batch
    return X.reshape(X.shape[0], -1)[:, :inputs.NUM_CLASSES]


@verdict("predict_ch3.titles")
def predict_ch3_titles(obs, seed):
    outs = obs.get("outs") if isinstance(obs, dict) else None
    if not isinstance(outs, list) or len(outs) != len(inputs.PREDICT_NS):
        raise Fail("predict_ch3: the results could not be read back")
    batches = inputs.predict_batches(seed)
    first, last = batches[0], batches[-1]
    good = _titles(first, _scores(first).argmax(axis=1))
    for n_arg, out in zip(inputs.PREDICT_NS, outs):
        n = 6 if n_arg is None else n_arg
        call = (f"predict_ch3(net, test_iter{'' if n_arg is None else f', n={n}'}) on a test_iter "
                f"of 2 batches of {inputs.PREDICT_BATCH} images")
        expected = good[:n]
        if out == expected:
            continue
        want = f"expected the first {n} titles {expected!r}, the true name above the predicted one"
        if out is None:
            raise Fail(f"{call} returned None, {want}. The book only shows the images; here return "
                       "the titles too: return titles[0:n]")
        if not isinstance(out, list) or not all(isinstance(t, str) for t in out):
            raise Fail(f"{call} returned {type_name(out)}, {want}: a list of strings true + '\\n' + pred")
        text = f"{call} returned {out[:8]!r}, {want}"
        if out == good:
            raise Fail(f"{text}: that is the whole batch, n is ignored: return titles[0:n]")
        if len(out) != n:
            raise Fail(f"{call} returned {len(out)} titles, {want}: return titles[0:n]")
        scores = _scores(first)
        known = (
            (_titles(first, scores.argmax(axis=1), swap=True),
             "the true and the predicted names are swapped: true + '\\n' + pred, the true name first"),
            (_titles(first, scores.argmin(axis=1)),
             "the predictions are the lowest scores: take argmax(axis=1), the highest"),
            (_titles(first, scores.argmax(axis=0)),
             "the predictions are argmax over axis 0 (the example with the highest score in each "
             "class): take argmax(axis=1), the class with the highest score in each row"),
            (_titles(last, _scores(last).argmax(axis=1)),
             "those are the last batch's images: take the first batch (break right after it)"),
            (_titles(first, first[1]),
             "the predictions repeat the labels y: predict from the net's scores, "
             "net(X).argmax(axis=1)"),
        )
        for titles, hint in known:
            if out == titles[:n]:
                raise Fail(f"{text}: {hint}")
        for sep in (" ", "/", ", ", " / ", "\t", "-", ":", "\n\n"):
            if out == _titles(first, scores.argmax(axis=1), sep=sep)[:n]:
                raise Fail(f"{text}: the two names are joined with {sep!r}; join them with '\\n' "
                           "(true + '\\n' + pred), as the book's titles")
        raise Fail(f"{text}: take the first batch X, y; trues = get_fashion_mnist_labels(y), preds "
                   "= get_fashion_mnist_labels(net(X).argmax(axis=1)), then true + '\\n' + pred")


# ================================================================ init_weights

# A draw of Linear(784, 10)'s 7840 weights from N(0, 0.01^2) (bench/calibrate_init_weights.py,
# 2026-12-03, seeds 0..1999 of both scenarios: std / 0.01 within 0.971-1.028 (sd 0.008),
# |mean| / 0.01 at most 0.050 (sd 0.011), kurtosis 2.80-3.20 (sd 0.056); the mistakes: uniform_
# kurtosis 1.75-1.85, nn.Linear's own weights 1.76-1.83, std 0.1 ratio 9.8-10.2, normal_(w, 0.01)
# 98-102). Each bound is 7 or more standard deviations from the reference's mean.
STD_TOL = 0.06          # |std / 0.01 - 1|
MEAN_TOL = 0.08         # |mean| / 0.01
KURTOSIS = (2.5, 3.6)   # a normal has 3; a uniform 1.8


def _default_linear(seed: int, tag: str) -> torch.Tensor:
    """The weight nn.Linear(784, 10) is built with in the scenario (before init_weights)."""
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(inputs.init_seed(seed, tag))
        return nn.Linear(inputs.INIT_IN, inputs.INIT_OUT).weight.detach().clone()


def judge_normal_weight(w: Any, who: str, unchanged_hint: str, default: torch.Tensor | None) -> None:
    """Fail unless ``w`` is a (10, 784) draw from N(0, 0.01^2), naming the classic mistakes."""
    shape = (inputs.INIT_OUT, inputs.INIT_IN)
    if not isinstance(w, torch.Tensor) or not w.is_floating_point():
        raise Fail(f"{who}: the weight reads back as {type_name(w)}, expected a float tensor of "
                   f"shape {shape}")
    if tuple(w.shape) != shape:
        raise Fail(f"{who}: the weight has shape {tuple(w.shape)}, expected {shape} "
                   "(nn.Linear(784, 10) stores it as (out_features, in_features))")
    w = w.detach().double().reshape(-1)
    if not bool(torch.isfinite(w).all()):
        raise Fail(f"{who}: the weight holds NaN or inf")
    if default is not None and torch.equal(w, default.double().reshape(-1)):
        raise Fail(f"{who}: the weight is still the one nn.Linear drew, U(-1/28, 1/28): "
                   f"{unchanged_hint}")
    spread = float(w.std())
    mean = float(w.mean())
    if spread == 0.0:
        what = "zeros" if float(w.abs().max()) == 0.0 else f"one constant ({mean:.4g})"
        raise Fail(f"{who}: every weight is {what}: draw them from N(0, 0.01^2), "
                   "nn.init.normal_(m.weight, std=0.01) (all-equal weights get equal gradients)")
    centred = w - mean
    kurtosis = float(centred.pow(4).mean() / centred.pow(2).mean().pow(2))
    stats = f"mean {mean:.3g}, std {spread:.3g}, kurtosis {kurtosis:.2f}"
    if kurtosis < KURTOSIS[0]:
        raise Fail(f"{who}: the weights look uniform, not normal ({stats}; a normal draw has "
                   "kurtosis 3, a uniform one 1.8): use nn.init.normal_(m.weight, std=0.01), not "
                   "uniform_")
    if not KURTOSIS[0] <= kurtosis <= KURTOSIS[1]:
        raise Fail(f"{who}: the weights are not one normal draw ({stats}; expected N(0, 0.01^2), "
                   "kurtosis 3): nn.init.normal_(m.weight, std=0.01)")
    ratio = spread / inputs.INIT_STD
    if abs(ratio - 1) > STD_TOL:
        if abs(ratio / 10 - 1) < 0.1:
            hint = "std 0.1 is ten times too large: std=0.01"
        elif abs(ratio / 100 - 1) < 0.1:
            hint = ("std 1 is nn.init.normal_'s default: nn.init.normal_(m.weight, 0.01) sets the "
                    "mean to 0.01, not the std; pass std=0.01 by name")
        elif abs(ratio * math.sqrt(0.01) - 1) < 0.1:
            hint = "0.01 is the variance; the std is 0.01 too: std=0.01"
        else:
            hint = "the standard deviation must be 0.01"
        raise Fail(f"{who}: the weights have {stats}, expected N(0, 0.01^2): {hint}")
    if abs(mean) / inputs.INIT_STD > MEAN_TOL:
        raise Fail(f"{who}: the weights have {stats}, expected mean 0: nn.init.normal_(m.weight, "
                   "mean=0, std=0.01)")


@verdict("init_weights.normal")
def init_weights_normal(obs, seed):
    w = obs.get("weight") if isinstance(obs, dict) else None
    judge_normal_weight(w, "init_weights(nn.Linear(784, 10))",
                        "init_weights did not initialise it. Test the module's type with "
                        "type(m) == nn.Linear (the class, not nn.Linear() or the string 'Linear') "
                        "and then nn.init.normal_(m.weight, std=0.01)",
                        _default_linear(seed, "layer"))


@verdict("init_weights.leaves_others")
def init_weights_leaves_others(obs, seed):
    if not isinstance(obs, dict):
        raise Fail("init_weights: the modules could not be read back")
    before, after = obs.get("bias_before"), obs.get("bias_after")
    if not isinstance(before, torch.Tensor) or not isinstance(after, torch.Tensor):
        raise Fail("init_weights: the nn.Linear's bias could not be read back")
    if before.shape != after.shape or not torch.equal(before, after):
        hint = ("set to zero" if after.numel() and float(after.abs().max()) == 0.0 else "changed")
        raise Fail(f"init_weights(nn.Linear(784, 10)) {hint} the bias: initialise m.weight only, "
                   "and leave the bias as nn.Linear made it (the book: nn.init.normal_(m.weight, "
                   "std=0.01), nothing else)")
    others = obs.get("others")
    if not isinstance(others, list) or len(others) != 4 or not all(isinstance(o, dict) for o in others):
        raise Fail("init_weights: the other modules could not be read back")
    for other in others:
        name = other.get("module")
        if not isinstance(name, str):
            raise Fail("init_weights: the other modules could not be read back")
        if "error" in other:
            raise Fail(f"init_weights(nn.{name}()) raised {str(other['error'])[:200]}: net.apply "
                       "calls init_weights on every module, nn.Flatten and the nn.Sequential "
                       "included; initialise only when type(m) == nn.Linear")
        b, a = other.get("before"), other.get("after")
        if not isinstance(b, list) or not isinstance(a, list) or len(a) != len(b) or not all(
                isinstance(x, torch.Tensor) and isinstance(y, torch.Tensor) and x.shape == y.shape
                and torch.equal(x, y) for x, y in zip(b, a)):
            raise Fail(f"init_weights changed the parameters of an nn.{name}: only nn.Linear "
                       "layers get the N(0, 0.01^2) weights (if type(m) == nn.Linear), not every "
                       "module with a weight")


# ================================================================ concise_softmax_net

def _net_params(net: Any, who: str) -> list[torch.Tensor]:
    params = net.get("params") if isinstance(net, dict) else None
    if not isinstance(params, list) or not all(isinstance(p, torch.Tensor) for p in params):
        raise Fail(f"{who}: the net's parameters could not be read back")
    return params


@verdict("concise_softmax_net.model")
def concise_softmax_net_model(obs, seed):
    who = "concise_softmax_net()"
    first = obs.get("first") if isinstance(obs, dict) else None
    X = obs.get("X") if isinstance(obs, dict) else None
    if not isinstance(first, dict) or not isinstance(X, torch.Tensor) or tuple(X.shape) != (5, 1, 28, 28):
        raise Fail(f"{who}: the net could not be read back")
    if first.get("is_module") is not True:
        raise Fail(f"{who} returned a {first.get('type')!s}, expected an nn.Module: "
                   "nn.Sequential(nn.Flatten(), nn.Linear(784, 10))")
    children = first.get("children")
    children = children if isinstance(children, list) else []
    params = _net_params(first.get("net"), who)
    shapes = [tuple(p.shape) for p in params]
    out = first.get("out")
    if isinstance(out, dict) and "error" in out:
        hint = ""
        if "Flatten" not in children:
            hint = (": without nn.Flatten() first, the linear layer gets images (5, 1, 28, 28), "
                    "not rows of 784 pixels: nn.Sequential(nn.Flatten(), nn.Linear(784, 10))")
        elif (10, 28) in shapes:
            hint = ": nn.Linear(28, 10) takes rows of 28 pixels; an image has 28 * 28 = 784"
        raise Fail(f"{who}'s net fails on a batch of images X of shape (5, 1, 28, 28): "
                   f"{str(out['error'])[:200]}{hint}")
    if (10, 28) in shapes:
        raise Fail(f"{who}'s net has a weight of shape (10, 28): nn.Linear(28, 10) works on rows "
                   "of 28 pixels; flatten the image and use nn.Linear(784, 10)")
    if not isinstance(out, torch.Tensor) or tuple(out.shape) != (5, 10):
        got = type_name(out)
        hint = (": without nn.Flatten() the layer maps each row of 28 pixels"
                if "Flatten" not in children else "")
        raise Fail(f"{who}'s net maps X of shape (5, 1, 28, 28) to {got}, expected (5, 10): ten "
                   f"scores per image{hint}")
    if sorted(shapes) != sorted([(10, 784), (10,)]):
        raise Fail(f"{who}'s net has parameters of shapes {shapes}, expected one nn.Linear(784, "
                   "10): a weight (10, 784) and a bias (10,)")
    W = next(p for p in params if tuple(p.shape) == (10, 784)).double()
    b = next(p for p in params if tuple(p.shape) == (10,)).double()
    logits = X.double().reshape(5, -1) @ W.T + b
    got = out.double()
    if not torch.allclose(got, logits, rtol=1e-4, atol=1e-6):
        if torch.allclose(got, torch.softmax(logits, dim=1), rtol=1e-4, atol=1e-6):
            raise Fail(f"{who}'s net ends with a softmax: return the logits, "
                       "nn.CrossEntropyLoss(reduction='none') applies the softmax itself")
        raise Fail(f"{who}'s net does not compute Flatten then Linear: its output on X is "
                   f"{show(got[0])}..., the linear layer's is {show(logits[0])}...")
    seen = obs.get("init_seen")
    seen = seen if isinstance(seen, list) else []
    try:
        judge_normal_weight(W, f"{who}'s nn.Linear(784, 10)", "", None)
    except Fail as exc:
        if "Linear" in seen:
            raise
        hint = ("init_weights was given the nn.Sequential only: net.apply(init_weights) calls it "
                "on every module of the net" if seen else
                "init_weights was never applied: call net.apply(init_weights) before returning")
        raise Fail(f"{who}'s weights are not N(0, 0.01^2) (std {float(W.std()):.3g}): {hint}") from exc


@verdict("concise_softmax_net.fresh_each_call")
def concise_softmax_net_fresh(obs, seed):
    if not isinstance(obs, dict) or not isinstance(obs.get("same_object"), bool) or \
            not isinstance(obs.get("shared_parameters"), bool):
        raise Fail("concise_softmax_net: the nets could not be read back")
    if obs["same_object"] or obs["shared_parameters"]:
        raise Fail("concise_softmax_net() returned the same net (or the same layer) twice: build a "
                   "new nn.Sequential(nn.Flatten(), nn.Linear(784, 10)) inside the function, or a "
                   "second training run starts from where the first one stopped")
