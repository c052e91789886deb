"""Verdict halves for regularization."""
from __future__ import annotations

import torch

from autograder.inputs import regularization as inputs
from autograder.inputs import upstream
from autograder.verdicts.expect import close, mismatch, number, show, type_name
from autograder.verdicts.gradients import check_gradients
from autograder.verdicts.linear_regression import per_example_loss
from autograder.verdicts.registry import Fail, verdict


def _unchanged(after, before: torch.Tensor) -> bool:
    return isinstance(after, torch.Tensor) and after.shape == before.shape and \
        bool(torch.equal(after.detach().double(), before.double()))


# ================================================================ l2_penalty

@verdict("l2_penalty.values")
def l2_penalty_values(obs, seed):
    w = inputs.weights(seed)
    expected = (w ** 2).sum() / 2
    got = number(obs.get("out"), "l2_penalty")
    if abs(got - 2 * expected.item()) < 1e-6 * abs(expected.item()) + 1e-9:
        raise Fail(f"l2_penalty is twice too large ({got:.6g} instead of {expected.item():.6g}): "
                   "halve the sum of squares so that its gradient is exactly w")
    mean_half = (w ** 2).mean().item() / 2
    for value, what in ((mean_half, "(w ** 2).mean() / 2"), (2 * mean_half, "(w ** 2).mean()")):
        if abs(got - value) < 1e-6 * abs(value) + 1e-9:
            raise Fail(f"l2_penalty took the mean of the squares ({got:.6g} = {what}) instead of "
                       f"their sum ({expected.item():.6g}): use torch.sum(w ** 2) / 2")
    if abs(got - expected.item()) > 1e-6 * abs(expected.item()) + 1e-9:
        raise mismatch("l2_penalty", f"w = {show(w)}", got, expected, "expected sum(w**2) / 2")
    grad = obs.get("grad")
    if grad is None:
        raise Fail("l2_penalty's result is not differentiable with respect to w: keep it a tensor "
                   "built from w (no .item(), no float())")
    if not isinstance(grad, torch.Tensor) or not close(grad, w):
        raise mismatch("the gradient of l2_penalty", f"w = {show(w)}", grad, w,
                       "the gradient of sum(w**2)/2 must be w itself")
    if not _unchanged(obs.get("w_after"), w):
        raise Fail("l2_penalty modified w in place (e.g. w **= 2 or w.pow_(2)): compute a new "
                   "tensor, weight decay must not change the weights it measures")


# ================================================================ l1_loss

def _loss_text(y_hat, y, extra: str = "") -> str:
    return f"y_hat = {show(y_hat)} and y = {show(y)}{extra}"


@verdict("l1_loss.values")
def l1_loss_values(obs, seed):
    y_hat, y = inputs.l1_inputs(seed)
    d = y_hat - y.reshape(y_hat.shape)
    expected = d.abs()
    formula = "torch.abs(y_hat - y.reshape(y_hat.shape))"
    wrong = ((d, "take the absolute value of the difference, torch.abs(y_hat - y)"),
             (d.abs() / 2, "l1_loss is not halved: it is |y_hat - y| itself"),
             (d ** 2 / 2, "that is the squared loss: l1_loss is |y_hat - y|"))
    n = y_hat.shape[0]
    per_example_loss(obs.get("flat"), "l1_loss", expected, _loss_text(y_hat, y), f"({n},)",
                     formula, wrong)
    per_example_loss(obs.get("column"), "l1_loss", expected,
                     _loss_text(y_hat, y, f" reshaped to ({n}, 1)"), f"({n}, 1)", formula, wrong)
    if not _unchanged(obs.get("y_hat_after"), y_hat) or not _unchanged(obs.get("y_after"), y):
        raise Fail("l1_loss modified y_hat or y in place: compute a new tensor")


@verdict("l1_loss.differentiable")
def l1_loss_differentiable(obs, seed):
    y_hat, y = inputs.l1_inputs(seed)
    check_gradients(obs, "l1_loss", ("y_hat", "y"), (y_hat, y), upstream(seed, "l1", tuple(y_hat.shape)),
                    lambda y_hat, y: torch.abs(y_hat - y.reshape(y_hat.shape)),
                    "Use tensor operations (torch.abs(y_hat - y.reshape(y_hat.shape))): "
                    "no .item(), .numpy(), .detach() or torch.tensor(...)",
                    _loss_text(y_hat, y, ", float64"))


# ================================================================ huber_loss

HUBER_FORMULA = ("d ** 2 / 2 where |d| <= delta and delta * (|d| - delta / 2) elsewhere "
                 "(d = y_hat - y.reshape(y_hat.shape))")


def huber_reference(y_hat: torch.Tensor, y: torch.Tensor, delta: float) -> torch.Tensor:
    """The classic (continuous) Huber loss per example: torch's own HuberLoss."""
    return torch.nn.functional.huber_loss(y_hat, y.reshape(y_hat.shape), reduction="none",
                                          delta=delta)


def _huber_wrong(d: torch.Tensor, delta: float) -> tuple:
    """What the classic mistakes give, each with the hint that names it."""
    a = d.abs()
    inside = a <= delta
    linear = delta * (a - delta / 2)
    right = torch.where(inside, d ** 2 / 2, linear)
    wrong = [
        (torch.where(inside, a - delta / 2, d ** 2 / 2),
         "the two pieces of huber_loss are swapped: d ** 2 / 2 where |d| <= delta (near 0), "
         "delta * (|d| - delta / 2) beyond"),
        (torch.where(inside, linear, d ** 2 / 2),
         "the two pieces of huber_loss are swapped: d ** 2 / 2 where |d| <= delta (near 0), "
         "delta * (|d| - delta / 2) beyond"),
        (torch.where(inside, d ** 2 / 2, a - delta / 2),
         f"beyond delta this is the old formula |d| - delta / 2, which is right only for "
         f"delta = 1: at |d| = delta = {delta:g} it jumps from delta ** 2 / 2 = {delta ** 2 / 2:g} "
         f"to delta / 2 = {delta / 2:g}. The linear piece is delta * (|d| - delta / 2): it "
         "meets d ** 2 / 2 at |d| = delta with the same value and the same slope (PyTorch's "
         "HuberLoss)"),
        (torch.where(inside, d ** 2 / 2, delta * a),
         "the linear piece forgot the - delta / 2: use delta * (|d| - delta / 2) where "
         "|d| > delta, so the pieces meet"),
        (torch.where(inside, d ** 2 / 2, a),
         "the linear piece is delta * (|d| - delta / 2) where |d| > delta: it forgot both the "
         "factor delta and the - delta / 2"),
        (torch.where(inside, d ** 2, linear),
         "the quadratic piece is not halved: use d ** 2 / 2 where |d| <= delta"),
        (torch.where(inside, d ** 2 / (2 * delta), a - delta / 2),
         "this is the smooth-L1 form (torch's SmoothL1Loss with beta = delta), "
         "d ** 2 / (2 * delta) near 0 and |d| - delta / 2 beyond: that is the Huber loss divided "
         "by delta. Use d ** 2 / 2 and delta * (|d| - delta / 2)"),
        (torch.where(a <= 1.0, d ** 2 / 2, a - 0.5),
         "huber_loss ignores its delta argument: it computed the loss for delta = 1"),
    ]
    # (a mistake that coincides with the right answer for this delta is skipped)
    return tuple((w, h) for w, h in wrong if not torch.allclose(w, right, rtol=1e-9, atol=1e-12))


@verdict("huber_loss.values")
def huber_loss_values(obs, seed):
    cases = obs.get("cases")
    if not isinstance(cases, list) or len(cases) != len(inputs.HUBER_DELTAS):
        raise Fail("huber_loss: the results could not be read back")
    for delta_arg, case in zip(inputs.HUBER_DELTAS, cases):
        delta = 1.0 if delta_arg is None else delta_arg
        y_hat, y = inputs.huber_inputs(seed, delta_arg)
        d = y_hat - y.reshape(y_hat.shape)
        expected = huber_reference(y_hat, y, delta)
        call = "the default delta (1.0)" if delta_arg is None else f"delta = {delta}"
        wrong = _huber_wrong(d, delta)
        n = y_hat.shape[0]
        if not isinstance(case, dict):
            raise Fail("huber_loss: the results could not be read back")
        per_example_loss(case.get("flat"), "huber_loss", expected,
                         _loss_text(y_hat, y, f", {call}"), f"({n},)", HUBER_FORMULA, wrong)
        per_example_loss(case.get("column"), "huber_loss", expected,
                         _loss_text(y_hat, y, f" reshaped to ({n}, 1), {call}"), f"({n}, 1)",
                         HUBER_FORMULA, wrong)
        if not _unchanged(case.get("y_hat_after"), y_hat) or not _unchanged(case.get("y_after"), y):
            raise Fail("huber_loss modified y_hat or y in place: compute a new tensor")


@verdict("huber_loss.differentiable")
def huber_loss_differentiable(obs, seed):
    cases = obs.get("cases")
    if not isinstance(cases, list) or len(cases) != len(inputs.HUBER_DELTAS):
        raise Fail("huber_loss: the gradients could not be read back")
    for delta_arg, case in zip(inputs.HUBER_DELTAS, cases):
        delta = 1.0 if delta_arg is None else delta_arg
        call = "with the default delta" if delta_arg is None else f"with delta = {delta_arg}"
        y_hat, y = inputs.huber_inputs(seed, delta_arg)
        check_gradients(case, f"huber_loss {call}", ("y_hat", "y"), (y_hat, y),
                        upstream(seed, f"huber.{delta_arg}", tuple(y_hat.shape)),
                        lambda y_hat, y, delta=delta: huber_reference(y_hat, y, delta),
                        "Build both pieces with tensor operations and pick them with "
                        "torch.where (or boolean masks): no .item(), Python if on tensor values, "
                        ".numpy() or torch.tensor(...)", _loss_text(y_hat, y, ", float64"))


# ================================================================ get_k_fold_data

@verdict("get_k_fold_data.folds")
def get_k_fold_data_folds(obs, seed):
    X, y = inputs.kfold_data(seed)
    n = X.shape[0]
    cases = obs.get("cases")
    pairs = inputs.kfold_cases(seed)
    if not isinstance(cases, list) or len(cases) != len(pairs):
        raise Fail("get_k_fold_data: the results could not be read back")
    for (k, i), case in zip(pairs, cases):
        call = f"get_k_fold_data({k}, {i}, X, y) with {n} rows"
        out = case.get("out") if isinstance(case, dict) else None
        if not isinstance(out, list) or len(out) != 4:
            raise Fail(f"{call} returned {type_name(out)}, expected four tensors "
                       "(X_train, y_train, X_valid, y_valid)")
        fold = n // k
        expected_valid = torch.arange(i * fold, (i + 1) * fold)
        expected_train = torch.cat([torch.arange(j * fold, (j + 1) * fold)
                                    for j in range(k) if j != i])
        ids = {}
        for part, (Xp, yp) in (("train", (out[0], out[1])), ("valid", (out[2], out[3]))):
            for name, t in ((f"X_{part}", Xp), (f"y_{part}", yp)):
                if not isinstance(t, torch.Tensor):
                    raise Fail(f"{call} returned {type_name(t)} as {name}, expected a tensor")
            if Xp.dim() != 2 or Xp.shape[1] != X.shape[1]:
                raise Fail(f"{call} returned X_{part} of shape {tuple(Xp.shape)}, expected "
                           f"(rows, {X.shape[1]}): keep whole rows of X")
            m = Xp.shape[0]
            if tuple(yp.shape) != (m, 1):
                raise Fail(f"{call} returned y_{part} of shape {tuple(yp.shape)} with X_{part} of "
                           f"shape {tuple(Xp.shape)}, expected ({m}, 1): slice y with the same rows")
            col = Xp[:, 0].double()
            rows = col.round().long()
            if not bool(torch.isfinite(col).all()) or not bool((col == rows.double()).all()) or \
                    not bool(((rows >= 0) & (rows < n)).all()) or \
                    not close(Xp, X[rows.clamp(0, n - 1)], rtol=1e-9, atol=1e-12):
                raise Fail(f"{call} returned X_{part} holding rows that are not rows of X: "
                           "slice whole rows, X[j * fold_size:(j + 1) * fold_size, :]")
            if not close(yp, y[rows], rtol=1e-9, atol=1e-12):
                raise Fail(f"{call}: y_{part} does not match X_{part} (rows {show(rows)} of X but "
                           f"labels {show(yp.reshape(-1))}): take the same rows of y as of X")
            ids[part] = rows
        valid, train = ids["valid"], ids["train"]
        if not torch.equal(valid, expected_valid):
            if len(valid) == fold and len(valid) and int(valid[0]) % fold == 0 and \
                    torch.equal(valid, torch.arange(int(valid[0]), int(valid[0]) + fold)):
                j = int(valid[0]) // fold
                raise Fail(f"{call} returned fold {j} as the validation set instead of fold {i} "
                           f"(rows {show(valid)}, expected rows {i * fold} to {(i + 1) * fold - 1}): "
                           "folds are numbered from 0 and fold i is rows i * fold_size to "
                           "(i + 1) * fold_size - 1")
            if len(valid) != fold:
                raise Fail(f"{call} returned a validation fold of {len(valid)} rows, expected a "
                           f"fold size of n // k = {n} // {k} = {fold} (rows {i * fold} to "
                           f"{(i + 1) * fold - 1}); the {n - k * fold} leftover rows stay unused")
            raise Fail(f"{call} returned validation rows {show(valid)}, expected rows "
                       f"{i * fold} to {(i + 1) * fold - 1} (fold {i})")
        if torch.equal(train, expected_train):
            if not _unchanged(case.get("X_after"), X) or not _unchanged(case.get("y_after"), y):
                raise Fail(f"{call} modified X or y in place: slice and concatenate, do not "
                           "assign into the arguments")
            continue
        if len(set(train.tolist()) & set(valid.tolist())):
            raise Fail(f"{call} put validation rows into the training set too: fold {i} must be "
                       "left out of X_train")
        leftovers = [r for r in train.tolist() if r >= k * fold]
        if leftovers:
            raise Fail(f"{call} used the {n - k * fold} leftover rows ({leftovers[:4]}) in the "
                       f"training set: only the first k * (n // k) = {k * fold} rows are cut into "
                       "folds, the rest stay unused")
        if len(train) != len(expected_train):
            missing = sorted(set(expected_train.tolist()) - set(train.tolist()))
            raise Fail(f"{call} returned {len(train)} training rows, expected {len(expected_train)} "
                       f"(the {k - 1} other folds of {fold} rows)"
                       + (f"; missing rows {missing[:6]}" if missing else ""))
        if sorted(train.tolist()) == expected_train.tolist():
            raise Fail(f"{call} returned the training folds out of order ({show(train)}): "
                       "concatenate the other folds in order, fold 0 first")
        raise Fail(f"{call} returned training rows {show(train)}, expected {show(expected_train)}")


# ================================================================ train_concise

def linear_parameters(net, d: int, who: str) -> tuple[torch.Tensor, torch.Tensor]:
    """The weight (d,) and bias (1,) of an observed ``nn.Linear(d, 1)`` net (float64), or Fail."""
    params = net.get("params") if isinstance(net, dict) else None
    if params is None:
        raise Fail(f"{who} returned {type_name(net)}, expected the trained net "
                   f"(nn.Sequential(nn.Linear({d}, 1)))")
    if not isinstance(params, list) or not all(isinstance(p, torch.Tensor) for p in params):
        raise Fail(f"{who}: the net's parameters could not be read back")
    shapes = [tuple(p.shape) for p in params]
    if len(params) != 2 or sorted(p.numel() for p in params) != sorted([d, 1]):
        raise Fail(f"{who}'s net has parameters of shapes {shapes}, expected a weight (1, {d}) and "
                   f"a bias (1,): one nn.Linear({d}, 1)")
    weight, bias = sorted(params, key=lambda p: -p.numel()) if d != 1 else params
    return weight.detach().double().reshape(-1), bias.detach().double().reshape(-1)


def _near(theta: torch.Tensor, target: torch.Tensor) -> bool:
    return bool(torch.isfinite(theta).all()) and \
        bool(((theta - target).abs() <= 2e-3 + 2e-3 * target.abs()).all())


@verdict("train_concise.decay")
def train_concise_decay(obs, seed):
    X, y = inputs.concise_data(seed)
    runs = obs.get("runs")
    if not isinstance(runs, list) or len(runs) != len(inputs.CONCISE_WDS):
        raise Fail("train_concise: the trained nets could not be read back")
    n, d = X.shape
    for wd, run in zip(inputs.CONCISE_WDS, runs):
        call = (f"train_concise({wd:g}, train_iter, {d}, num_epochs={inputs.CONCISE_EPOCHS}, "
                f"lr={inputs.CONCISE_LR:g}) on {n} examples given as one batch (full-batch descent, "
                "so training ends at the regularised optimum)")
        w, b = linear_parameters(run.get("net") if isinstance(run, dict) else None, d, "train_concise")
        theta = torch.cat([w, b])
        target = inputs.ridge(X, y, wd).reshape(-1)
        if _near(theta, target):
            continue
        got = f"w = {show(w)}, b = {show(b)}"
        want = f"w = {show(target[:d])}, b = {show(target[d:])}"
        if not bool(torch.isfinite(theta).all()) or theta.abs().max() > 1e3:
            raise Fail(f"{call}: the parameters blew up ({got}). Average the batch's losses before "
                       "backward (l.mean().backward(): with an optimizer, l.sum() steps batch-size "
                       "times too far), and zero the gradients before each backward")
        known = (
            (inputs.ridge(X, y, wd, wd), "the bias was decayed too: give weight_decay to the "
             "weight's parameter group only ({'params': net[0].weight, 'weight_decay': wd}, "
             "{'params': net[0].bias}); SGD(net.parameters(), weight_decay=wd) shrinks the bias "
             f"towards 0 as well (here to b = {show(inputs.ridge(X, y, wd, wd).reshape(-1)[d:])})"),
            (inputs.ridge(X, y, 0.0), "there is no weight decay at all: the weights are the "
             "unregularised least-squares fit. Pass weight_decay=wd in the weight's parameter group"),
            (inputs.ridge(X, y, wd / n), "the decay is batch-size times too weak: l.sum().backward() "
             "with an optimizer makes the loss's gradient n times larger than the decay's. Use "
             "l.mean().backward()"),
            (inputs.ridge(X, y, 2 * wd), "the weights are decayed twice as strongly as wd asks "
             "(weight_decay=wd and an l2_penalty added to the loss, or 2 * wd)"),
        )
        for wrong, hint in known:
            if _near(theta, wrong.reshape(-1)):
                raise Fail(f"{call}: {hint}. Got {got}, expected {want}")
        raise Fail(f"{call} ended at {got}, expected {want}: minimise the mean MSE of each batch "
                   "with torch.optim.SGD at lr, weight_decay=wd on the weight only, for every epoch")
