"""Verdict halves for model selection (d2l 4.4): poly_features against the features computed here
in float64, evaluate_loss against the mean per-example loss of the fixed model, and train_poly's
fit, curves and model, all recomputed from the regenerated data, with the classic mistakes named.
"""
from __future__ import annotations

import math
from typing import Any

import torch

from autograder.inputs import model_selection as inputs
from autograder.verdicts.expect import close, number, show, type_name
from autograder.verdicts.registry import Fail, verdict

# ================================================================ poly_features


def _poly_mistakes(x: torch.Tensor, degree: int) -> list[tuple[torch.Tensor, str]]:
    """What the classic mistakes return for ``x`` and ``degree``, each with its name."""
    d64 = torch.arange(degree, dtype=torch.float64)
    keep = "column i must be x^i / i! for i = 0 .. max_degree - 1"
    return [
        (inputs.polynomial(x, degree, divide_by=torch.ones(degree, dtype=torch.float64)),
         f"no division by i!: your columns are the plain powers x^i; {keep}, divided by "
         "math.gamma(i + 1) (= i!) so that the large powers stay small"),
        (inputs.polynomial(x, degree, divide_by=d64 + 1),
         f"a division by i + 1 instead of i! (the factorial): {keep}, divided by "
         "math.gamma(i + 1)"),
        (inputs.polynomial(x, degree, start=1),
         f"powers 1 .. max_degree instead of 0 .. max_degree - 1: column 0 must be x^0 = 1, the "
         f"constant term (the model has no bias); {keep}"),
        (inputs.polynomial(x, degree, start=1, divide_by=inputs.factorials(degree)),
         f"powers 1 .. max_degree instead of 0 .. max_degree - 1 (x^(i + 1) / i!): column 0 must "
         f"be x^0 = 1, the constant term; {keep}"),
    ]


def _divided_by_i(x: torch.Tensor, degree: int, got: torch.Tensor) -> bool:
    """Columns 1.. are x^i / i (column 0, x^0 / 0, is inf or nan): a division by i, not i!."""
    if degree < 3:
        return False
    expected = inputs.polynomial(x, degree, divide_by=torch.arange(degree, dtype=torch.float64)
                                 .clamp(min=1))
    return close(got[:, 1:], expected[:, 1:], rtol=1e-4, atol=1e-12)


def _judge_poly(x: torch.Tensor, degree: int, call: Any) -> None:
    n = x.shape[0]
    values = ", ".join(f"{v:.4g}" for v in x.reshape(-1)[:6].tolist()) + (", ..." if n > 6 else "")
    where = (f"poly_features(x, {degree}) with x of shape {tuple(x.shape)} and dtype {x.dtype}, "
             f"x = [{values}]")
    if not isinstance(call, dict):
        raise Fail("poly_features: the results could not be read back")
    got = call.get("out")
    if not isinstance(got, torch.Tensor):
        raise Fail(f"{where} returned {type_name(got)}, expected a tensor of shape ({n}, {degree})")
    expected = inputs.polynomial(x, degree)
    shape = tuple(got.shape)
    if shape != (n, degree):
        if shape == (degree, n):
            raise Fail(f"{where} returned shape {shape}, expected ({n}, {degree}): the result is "
                       "transposed; one row per example, one column per power (reshape the "
                       "powers to (1, max_degree) and x to (n, 1) so they broadcast)")
        if shape == (n, degree + 1):
            raise Fail(f"{where} returned {degree + 1} columns, expected {degree}: the powers are "
                       "0 .. max_degree - 1, range(max_degree)")
        if got.numel() == n * degree:
            raise Fail(f"{where} returned shape {shape}, expected ({n}, {degree}): one row per "
                       "example and one column per power (x.reshape(-1, 1) ** the powers "
                       "reshaped to (1, max_degree))")
        raise Fail(f"{where} returned shape {shape}, expected ({n}, {degree}) (n examples by "
                   "max_degree powers)")
    if not got.is_floating_point():
        raise Fail(f"{where} returned dtype {got.dtype}, expected {x.dtype}: the features are "
                   "fractions x^i / i!; keep the dtype of x")
    rtol = 1e-4 if x.dtype == torch.float32 else 1e-6
    if not close(got, expected, rtol=rtol, atol=1e-12):
        if n == degree and close(got.T, expected, rtol=rtol, atol=1e-12):
            raise Fail(f"{where} returned the features transposed: one row per example, one "
                       "column per power (column i is x^i / i!)")
        for wrong, message in _poly_mistakes(x, degree):
            if close(got, wrong, rtol=rtol, atol=1e-12):
                raise Fail(f"{where}: {message}")
        if _divided_by_i(x, degree, got):
            raise Fail(f"{where}: a division by i instead of i! (the factorial): column i must "
                       "be x^i / i!, divided by math.gamma(i + 1); dividing column 0 by 0 "
                       "also makes it inf or nan")
        bad = int((~torch.isclose(got.double(), expected.double(), rtol=rtol, atol=1e-12))
                  .any(dim=0).nonzero()[0])
        raise Fail(f"{where}: column {bad} is {show(got[:, bad], 6)}, expected x^{bad} / {bad}! "
                   f"= {show(expected[:, bad], 6)}")
    if got.dtype != x.dtype:
        raise Fail(f"{where} returned dtype {got.dtype} for x of dtype {x.dtype}: the dtype changed "
                   "(a numpy array or a float64 tensor of factorials promotes float32 to float64, "
                   "torch.tensor(..., dtype=torch.float32) turns float64 into float32); keep the "
                   "dtype of x, e.g. build the factorials with dtype=x.dtype")
    after = call.get("x_after")
    if not isinstance(after, torch.Tensor) or after.dtype != x.dtype or after.shape != x.shape \
            or not torch.equal(after, x):
        raise Fail(f"{where} changed x in place: compute the powers into a new tensor")


@verdict("poly_features.values")
def poly_features_values(obs, seed):
    cases = inputs.poly_cases(seed)
    calls = obs.get("calls") if isinstance(obs, dict) else None
    if not isinstance(calls, list) or len(calls) != len(cases):
        raise Fail("poly_features: the results could not be read back")
    for (x, degree), call in zip(cases, calls):
        _judge_poly(x, degree, call)


# ================================================================ evaluate_loss

_LOSS_TEXT = {"squared": "nn.MSELoss(reduction='none')", "absolute": "nn.L1Loss(reduction='none')"}


def _per_example(name: str, out: torch.Tensor, y: torch.Tensor) -> torch.Tensor:
    diff = out - y
    return diff ** 2 if name == "squared" else diff.abs()


def _eval_candidates(name: str, w, b, batches) -> dict[str, float]:
    """The right value and what each classic mistake returns, in float64."""
    w, b = w.double(), b.double()
    sums, counts, means, wide_sums, wide_counts, wide_means = [], [], [], [], [], []
    for X, y in batches:
        out = X.double() @ w + b                                  # (b, 1)
        right = _per_example(name, out, y.double().reshape(out.shape))
        wide = _per_example(name, out, y.double())                # (b, 1) - (b,) -> (b, b)
        sums.append(float(right.sum()))
        counts.append(right.numel())
        means.append(float(right.mean()))
        wide_sums.append(float(wide.sum()))
        wide_counts.append(wide.numel())
        wide_means.append(float(wide.mean()))
    total, n, k = sum(sums), sum(counts), len(batches)
    return {"right": total / n, "mean of batch means": sum(means) / k, "sum": total,
            "batches": total / k, "reshape": sum(wide_sums) / sum(wide_counts),
            "reshape, examples": sum(wide_sums) / n, "reshape, means": sum(wide_means) / k}


def _near(a: float, b: float, rtol: float = 1e-4) -> bool:
    return math.isfinite(a) and abs(a - b) <= rtol * max(abs(b), 1e-12)


@verdict("evaluate_loss.values")
def evaluate_loss_values(obs, seed):
    w, b, batches = inputs.eval_case(seed)
    outs = obs.get("out") if isinstance(obs, dict) else None
    if not isinstance(outs, list) or len(outs) != len(inputs.EVAL_LOSSES):
        raise Fail("evaluate_loss: the results could not be read back")
    sizes = [len(y) for _, y in batches]
    for name, out in zip(inputs.EVAL_LOSSES, outs):
        got = number(out, "evaluate_loss")
        c = _eval_candidates(name, w, b, batches)
        where = (f"for a linear net over {len(sizes)} batches of sizes {sizes} ({sum(sizes)} "
                 f"examples, labels of shape (b,)) and loss = {_LOSS_TEXT[name]}")
        if _near(got, c["right"]):
            continue
        head = f"evaluate_loss returned {got:.6g}, expected {c['right']:.6g} {where}"
        if any(_near(got, c[key]) for key in ("reshape", "reshape, examples", "reshape, means")):
            raise Fail(f"{head}: the labels were not reshaped to net(X).shape, so loss((b, 1), "
                       "(b,)) broadcast to a (b, b) table of every output against every label; "
                       "call loss(out, y.reshape(out.shape))")
        if _near(got, c["mean of batch means"]):
            raise Fail(f"{head}: that is the mean of the batch means, which weighs the small last "
                       "batch as much as a full one; sum the per-example losses and count the "
                       "examples (l.numel()) over all batches, then divide once")
        if _near(got, c["sum"]):
            raise Fail(f"{head}: that is the sum of the losses, not divided by the number of "
                       "examples; return the total divided by the count of examples")
        if _near(got, c["batches"]):
            raise Fail(f"{head}: the sum of the losses was divided by the number of batches "
                       f"({len(sizes)}); divide by the number of examples ({sum(sizes)}), "
                       "counted with l.numel()")
        raise Fail(f"{head}: sum loss(net(X), y.reshape(out.shape)) over every example of every "
                   "batch and divide by the number of examples")


# ================================================================ train_poly

_BOOK = (f"the book's data ({inputs.N_TRAIN} training examples, features x^i / i!, true "
         f"w = {list(inputs.TRUE_W)}, noise sd {inputs.NOISE_STD})")
_LAYER = "nn.Linear(train_features.shape[-1], 1, bias=False)"


def _float(value: Any) -> float | None:
    """A float for a number or a one-element tensor; None for anything else."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, torch.Tensor) and value.numel() == 1:
        try:
            return float(value.detach().reshape(()).item())
        except (RuntimeError, TypeError, ValueError):
            return None
    return None


def _fit_result(run: Any, who: str) -> dict:
    """The observation of one train_poly call; Fail when it did not return (net, losses, losses)."""
    if not isinstance(run, dict):
        raise Fail(f"{who}: the results could not be read back")
    error = run.get("error")
    if isinstance(error, str) and error:
        raise Fail(f"{who} raised {error}")
    if "returned" in run:
        raise Fail(f"{who} returned {type_name(run['returned'])}, expected the tuple "
                   "(net, train_losses, test_losses)")
    if run.get("is_module") is not True:
        raise Fail(f"{who} returned a {str(run.get('net'))[:60]} as the net, expected the trained "
                   f"torch.nn.Module (nn.Sequential({_LAYER}))")
    return run


def _net_parts(run: dict, who: str) -> tuple[torch.Tensor, torch.Tensor | None]:
    """(the weights as a float64 vector, the bias or None) of the returned linear net."""
    params = run.get("params")
    if not isinstance(params, list) or not all(
            isinstance(p, dict) and isinstance(p.get("value"), torch.Tensor) for p in params):
        raise Fail(f"{who}: the parameters of the returned net could not be read back")
    if not params:
        raise Fail(f"{who} returned a net without parameters, expected nn.Sequential({_LAYER})")
    shapes = [tuple(p["value"].shape) for p in params]
    if len(params) == 1:
        return params[0]["value"].detach().double().reshape(-1), None
    if len(params) == 2:
        first, second = (p["value"] for p in params)
        if second.numel() == 1 and first.numel() > 1 or "bias" in str(params[1].get("name")):
            return first.detach().double().reshape(-1), second.detach().double().reshape(-1)
    raise Fail(f"{who} returned a net with parameters of shapes {shapes}: train_poly fits a "
               f"linear model without bias, one {_LAYER}")


def _curve_values(run: dict, key: str) -> tuple[int | None, list[float | None]]:
    curve = run.get(key)
    if not isinstance(curve, dict) or not isinstance(curve.get("values"), list):
        return None, []
    length = curve.get("len")
    return (length if isinstance(length, int) and not isinstance(length, bool) else None,
            [_float(v) for v in curve["values"]])


def _fmt(x: float | None) -> str:
    return "?" if x is None else f"{x:.4g}"


def _bias_text(bias: torch.Tensor) -> str:
    return (f"the net has a bias (b = {show(bias.float())}): column 0 of the features is x^0 = 1, "
            "already the constant term, so the bias and w[0] share the constant between them "
            f"and w[0] never reaches it; use {_LAYER}")


# ---------------------------------------------------------------- the third-order fit

def _pass_marks() -> dict:
    from autograder.verdicts.convergence import thresholds

    return thresholds()["train_poly"]


def _initial_weights(seed: int, tag: str, d: int) -> torch.Tensor:
    """The weights nn.Linear(d, 1, bias=False) starts from right after the scenario's seeding."""
    state = torch.random.get_rng_state()
    try:
        torch.manual_seed(inputs.global_seed(seed, tag))
        return torch.nn.Linear(d, 1, bias=False).weight.detach().double().reshape(-1)
    finally:
        torch.random.set_rng_state(state)


@verdict("train_poly.third_order")
def train_poly_third_order(obs, seed):
    marks = _pass_marks()
    epochs = inputs.THIRD_ORDER_EPOCHS
    who = f"train_poly(..., num_epochs={epochs}) on the first 4 feature columns of {_BOOK}"
    run = _fit_result(obs, who)
    w, bias = _net_parts(run, who)
    if w.numel() != len(inputs.TRUE_W):
        raise Fail(f"{who} returned a net with {w.numel()} weights for the 4 feature columns "
                   f"(x^0 .. x^3): make the layer {_LAYER}, so that it takes every column it is "
                   "given (do not slice the features or hard-code the degree)")
    true_w = torch.tensor(inputs.TRUE_W, dtype=torch.float64)
    error = float((w - true_w).abs().max())
    mark = float(marks["max_weight_error"])
    if math.isfinite(error) and error <= mark:
        return
    head = (f"{who} ended at w = {show(w.float())}: max |w - true_w| = {_fmt(error)}; the "
            f"reference ends within {marks['reference_max_error']:g} and the pass mark is {mark:g}")
    _, losses = _curve_values(run, "train_losses")
    first = losses[0] if losses else None
    last = losses[-1] if losses else None
    curve = f"the training loss went from {_fmt(first)} to {_fmt(last)} over the epochs"
    if not bool(torch.isfinite(w).all()):
        story = ("the weights became NaN or inf: the steps were too large; the book uses lr = "
                 "0.01 on the mean loss of each minibatch of 10 (l.mean().backward())")
    elif bias is not None:
        story = _bias_text(bias)
    elif torch.equal(w, _initial_weights(seed, "train_poly.third_order", w.numel())) or (
            first is not None and last is not None and abs(last - first) <= 0.02 * abs(first)):
        story = ("the weights did not move from their initial values: for every minibatch call "
                 "trainer.zero_grad(), l.mean().backward() and trainer.step() (a missing step or "
                 "backward leaves the model untrained)")
    elif first is not None and last is not None and last > first:
        story = (f"{curve}: it went up, so the steps climb the loss; step against the gradient "
                 "with torch.optim.SGD(net.parameters(), lr=0.01)")
    elif last is not None and last > 10 * float(marks["reference_final_train_loss"]):
        story = (f"{curve}, but the reference gets to {marks['reference_final_train_loss']:g}: "
                 "training is too slow; use the book's lr = 0.01 and minibatches of 10 shuffled "
                 "examples, one optimizer step per minibatch")
    else:
        story = ("train with the book's recipe: nn.MSELoss(reduction='none'), torch.optim.SGD "
                 "with lr = 0.01, minibatches of min(10, n) shuffled examples, one step per "
                 "minibatch, for every one of the num_epochs epochs")
    raise Fail(f"{head}. {story[0].upper() + story[1:]}", details={"w_error": error, "pass_mark": mark})


# ---------------------------------------------------------------- the curves

def _mean_losses(w: torch.Tensor, bias: torch.Tensor | None, seed: int, tag: str):
    """The returned net's mean squared error on the training and test data, in float64 (the first
    w.numel() feature columns, as the net was given)."""
    train_f, test_f, train_y, test_y = inputs.fit_inputs(seed, tag, 4)
    b = 0.0 if bias is None else float(bias.reshape(-1)[0])
    d = min(w.numel(), train_f.shape[1])

    def mse(X, y):
        return float(((X[:, :d].double() @ w[:d] + b - y.double()) ** 2).mean())
    return mse(train_f, train_y), mse(test_f, test_y), len(train_y)


def _read_curve(run: dict, key: str, epochs: int, who: str) -> list[float]:
    curve = run.get(key)
    if isinstance(curve, dict) and "not_a_list" in curve:
        raise Fail(f"{who} returned {type_name(curve['not_a_list'])} as {key}, expected a list "
                   "of one float per epoch (append evaluate_loss(...) after each epoch)")
    length, values = _curve_values(run, key)
    if length is None:
        raise Fail(f"{who}: {key} could not be read back")
    if length != epochs:
        hint = (": one loss per minibatch? Append once per epoch, after its minibatches"
                if length > epochs and length % epochs == 0 else
                ": the loss before training is not an entry; append once after each epoch"
                if length == epochs + 1 else ": append one loss after each epoch")
        raise Fail(f"{who} returned {key} with {length} entries for num_epochs = {epochs}{hint}")
    for k, v in enumerate(values):
        if v is None:
            raise Fail(f"{who} returned {key}[{k}] that is not a number: append a float, "
                       "evaluate_loss(net, data_iter, loss)")
        if not math.isfinite(v):
            raise Fail(f"{who} returned {key}[{k}] = {v}: the loss became NaN or inf")
    return [v for v in values if v is not None]


@verdict("train_poly.curves")
def train_poly_curves(obs, seed):
    epochs = inputs.CURVE_EPOCHS
    who = f"train_poly(..., num_epochs={epochs}) on {_BOOK}"
    run = _fit_result(obs, who)
    w, bias = _net_parts(run, who)
    train_ls = _read_curve(run, "train_losses", epochs, who)
    test_ls = _read_curve(run, "test_losses", epochs, who)
    if not bool(torch.isfinite(w).all()):
        raise Fail(f"{who} returned a net whose weights are NaN or inf")
    train_mse, test_mse, n = _mean_losses(w, bias, seed, "train_poly.curves")
    got_train, got_test = train_ls[-1], test_ls[-1]
    where = (f"the returned net's mean squared error is {train_mse:.6g} on the training data and "
             f"{test_mse:.6g} on the test data (computed here from its weights)")
    ok_train, ok_test = _near(got_train, train_mse, 1e-3), _near(got_test, test_mse, 1e-3)
    if not (ok_train and ok_test):
        last = f"the last entries are train_losses[-1] = {got_train:.6g}, test_losses[-1] = {got_test:.6g}"
        if _near(got_train, test_mse, 1e-3) and _near(got_test, train_mse, 1e-3):
            raise Fail(f"{who}: {last}, but {where}: the two lists are swapped; return "
                       "(net, train_losses, test_losses)")
        for got, expected, key, other in ((got_train, train_mse, "train_losses", test_mse),
                                          (got_test, test_mse, "test_losses", train_mse)):
            if _near(got, expected, 1e-3):
                continue
            if key == "test_losses" and _near(got, other, 1e-3):
                raise Fail(f"{who}: {last}, but {where}: test_losses holds the training loss; "
                           "evaluate the test examples (test_iter) for it")
            if key == "train_losses" and _near(got, other, 1e-3):
                raise Fail(f"{who}: {last}, but {where}: train_losses holds the test loss; "
                           "evaluate the training examples (train_iter) for it")
            if _near(got, expected / 2, 1e-3):
                raise Fail(f"{who}: {last}, but {where}: {key} holds half the mean squared error; "
                           "use the book's loss, nn.MSELoss(reduction='none'): (y_hat - y)^2 "
                           "without squared_loss's 1/2")
            if _near(got, expected * n, 1e-3):
                raise Fail(f"{who}: {last}, but {where}: {key} holds the sum of the losses, not "
                           "their mean over the examples")
            raise Fail(f"{who}: {last}, but {where}: {key}[-1] must be the mean loss over all "
                       f"{n} examples of the trained net, measured after the epoch's steps "
                       "(evaluate_loss(net, data_iter, loss) once per epoch; not the last "
                       "minibatch's loss, not a running average during the epoch)")
    if torch.equal(w, _initial_weights(seed, "train_poly.curves", w.numel())):
        return   # an untrained net, whose curves are right to stay flat: the fit's check says so
    for key, values in (("train_losses", train_ls), ("test_losses", test_ls)):
        if not values[-1] < values[0]:
            raise Fail(f"{who} returned {key} from {values[0]:.4g} to {values[-1]:.4g}: the loss "
                       f"did not go down over {epochs} epochs of training from the initial "
                       "weights")


# ---------------------------------------------------------------- the model

@verdict("train_poly.model")
def train_poly_model(obs, seed):
    runs = obs.get("runs") if isinstance(obs, dict) else None
    if not isinstance(runs, list) or len(runs) != len(inputs.MODEL_DEGREES):
        raise Fail("train_poly: the results could not be read back")
    for d, run in zip(inputs.MODEL_DEGREES, runs):
        who = (f"train_poly(..., num_epochs={inputs.MODEL_EPOCHS}) with {d} feature columns "
               f"(train_features of shape ({inputs.N_TRAIN}, {d}))")
        if isinstance(run, dict) and isinstance(run.get("error"), str) and run["error"]:
            raise Fail(f"{who} failed with {run['error']}: the number of features must not be "
                       f"hard-coded (the third-order fit has 4, underfitting 2, overfitting 20); "
                       f"make the layer {_LAYER}")
        run = _fit_result(run, who)
        w, bias = _net_parts(run, who)
        if bias is not None:
            raise Fail(f"{who}: {_bias_text(bias)}")
        if w.numel() != d:
            raise Fail(f"{who} returned a net with {w.numel()} weights, expected {d}, one per "
                       f"feature column: the degree is hard-coded; make the layer {_LAYER}")
        forward = run.get("forward_error")
        if isinstance(forward, str) and forward:
            raise Fail(f"{who} returned a net that raised {forward} on train_features")
        shape = run.get("out_shape")
        if not (isinstance(shape, list) and len(shape) == 2
                and all(type(n) is int for n in shape) and shape == [inputs.N_TRAIN, 1]):
            raise Fail(f"{who} returned a net whose output on train_features has shape "
                       f"{tuple(shape) if isinstance(shape, list) else '?'}, expected "
                       f"({inputs.N_TRAIN}, 1): one prediction per example, from {_LAYER}")
