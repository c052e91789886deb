"""Verdict halves for linear regression's data: synthetic_data, data_iter and load_array (the
minibatch iterators' shared checks). linreg, squared_loss and sgd: autograder/verdicts/linear_regression.py."""
from __future__ import annotations

import math

import torch

from autograder.inputs import linear_regression as inputs
from autograder.verdicts.expect import close, show, tensor, type_name
from autograder.verdicts.linear_regression import _unchanged
from autograder.verdicts.registry import Fail, verdict


def _chi2_bounds(k: int, z: float) -> tuple[float, float]:
    """Bounds on chi2_k / k holding with probability 1 - 2 * Phi(-z).

    Wilson-Hilferty: (chi2_k / k) ** (1/3) is very nearly N(1 - 2/(9k), 2/(9k)); its relative
    error in the tail probability at k >= 2000 is far below the margin we take (z = 7 where the
    design asks for 6.5, i.e. P(fail) ~ 3e-12 instead of 8e-11).
    """
    s = math.sqrt(2 / (9 * k))
    lo = max(1 - 2 / (9 * k) - z * s, 0.0) ** 3
    hi = (1 - 2 / (9 * k) + z * s) ** 3
    return lo, hi


# ================================================================ synthetic_data

def _synthetic_pair(obs, seed, *, strict_y: bool) -> tuple[torch.Tensor, torch.Tensor]:
    """The returned X (n, d) and y (as a column), or Fail."""
    w, b, n = inputs.synth_params(seed)
    d = w.numel()
    if obs.get("pair") is not True:
        raise Fail(f"synthetic_data returned {type_name(obs.get('returned'))}, expected a pair "
                   f"(X, y): `return X, y.reshape((-1, 1))`")
    X = tensor(obs["X"], "synthetic_data (its X)")
    if tuple(X.shape) != (n, d):
        raise Fail(f"synthetic_data(w, b, {n}) with w of shape ({d},) returned X of shape "
                   f"{tuple(X.shape)}, expected ({n}, {d}): one row per example, one column per "
                   "weight, e.g. torch.normal(0, 1, (num_examples, len(w)))")
    y = tensor(obs["y"], "synthetic_data (its y)")
    if not strict_y and y.numel() == n:
        y = y.reshape(n, 1)
    if tuple(y.shape) == (n,):
        raise Fail(f"synthetic_data returned y of shape ({n},), expected ({n}, 1): "
                   "torch.matmul(X, w) is 1-D, reshape y with y.reshape((-1, 1)) or the loss will "
                   "later broadcast (n,) against (n, 1) into an (n, n) matrix")
    if tuple(y.shape) != (n, 1):
        raise Fail(f"synthetic_data returned y of shape {tuple(y.shape)}, expected ({n}, 1)")
    if not bool(torch.isfinite(X).all()) or not bool(torch.isfinite(y).all()):
        raise Fail("synthetic_data returned inf or nan values")
    return X, y


@verdict("synthetic_data.shapes")
def synthetic_data_shapes(obs, seed):
    w, b, n = inputs.synth_params(seed)
    X, y = _synthetic_pair(obs, seed, strict_y=True)
    if X.dtype != torch.float32:
        raise Fail(f"synthetic_data returned X of dtype {X.dtype}, expected torch.float32 "
                   "(the default of torch.normal; w is float32 too)")
    if y.dtype != torch.float32:
        raise Fail(f"synthetic_data returned y of dtype {y.dtype}, expected torch.float32")
    if not _unchanged(obs.get("w_after"), w):
        raise Fail(f"synthetic_data modified w in place (w = {show(w)} became "
                   f"{show(obs.get('w_after'))}): build new tensors, leave the argument alone")


@verdict("synthetic_data.features")
def synthetic_data_features(obs, seed):
    X, _ = _synthetic_pair(obs, seed, strict_y=False)
    x = X.double().reshape(-1)
    N = x.numel()
    mean = float(x.mean())
    mean_sq = float((x ** 2).mean())
    # mean of N iid N(0, 1) draws is N(0, 1/N): 6.5 sigma = 6.5 / sqrt(N) (P(fail) ~ 8e-11)
    mean_bound = 6.5 / math.sqrt(N)
    # sum of squares of N iid N(0, 1) draws is chi2_N (the mean 0 is known)
    lo, hi = _chi2_bounds(N, 7.0)
    where = f"over the {N} entries of X"
    if abs(mean - 0.5) < 0.05 and abs(mean_sq - mean ** 2 - 1 / 12) < 0.02:
        raise Fail(f"the features look uniform on [0, 1) (mean {mean:.3g}, variance "
                   f"{mean_sq - mean ** 2:.3g} {where}): torch.rand draws uniform numbers; draw "
                   "them from N(0, 1) with torch.normal(0, 1, size) or torch.randn")
    if abs(mean) > mean_bound:
        raise Fail(f"the features of X should be drawn from N(0, 1), but their mean {where} is "
                   f"{mean:.4g} (a correct draw stays within +-{mean_bound:.3g})")
    if not lo <= mean_sq <= hi:
        raise Fail(f"the features of X should be drawn from N(0, 1), but their variance {where} "
                   f"is {mean_sq - mean ** 2:.4g} (a correct draw stays within "
                   f"[{lo:.3g}, {hi:.3g}]): use standard deviation 1, torch.normal(0, 1, size)")


@verdict("synthetic_data.noise")
def synthetic_data_noise(obs, seed):
    w, b, n = inputs.synth_params(seed)
    X, y = _synthetic_pair(obs, seed, strict_y=False)
    clean = X.double() @ w.double().reshape(-1, 1) + b
    r = (y.double() - clean).reshape(-1)
    sigma = 0.01
    mean = float(r.mean())
    std = float(r.pow(2).mean().sqrt())
    # The residual is the noise itself, iid N(0, sigma^2), plus float32 rounding (|e| < 1e-5).
    # Its mean is N(0, sigma^2 / n): bound 6.5 sigma / sqrt(n) (P(fail) ~ 8e-11), plus rounding.
    mean_bound = 6.5 * sigma / math.sqrt(n) + 1e-5
    # sum r^2 / sigma^2 is chi2_n; 0.002 of slack absorbs the float32 rounding of y.
    lo, hi = _chi2_bounds(n, 7.0)
    lo, hi = lo - 0.002, hi + 0.002
    ratio = std ** 2 / sigma ** 2
    spread = float(r.std())  # about the residual's own mean: a missing bias does not inflate it
    if spread < 1e-4:
        raise Fail(f"synthetic_data added no noise at all: y - (X @ w + b) has standard deviation "
                   f"{spread:.2g}; add Gaussian noise of standard deviation 0.01, "
                   "y += torch.normal(0, 0.01, y.shape)")
    if abs(b) > 0.1 and abs(mean + b) < 0.05 and spread < 0.5:
        raise Fail(f"y does not include the bias: y - (X @ w + b) averages {mean:.4g}, about -b "
                   f"(b = {b:.4g}); compute y = X @ w + b + noise")
    if 0.5 < spread < 2.0:
        raise Fail(f"the noise in y has standard deviation {spread:.3g}, expected 0.01: "
                   "torch.normal(0, 1, ...) gives standard deviation 1; use torch.normal(0, 0.01, y.shape)")
    if 0.05 < spread < 0.2:
        raise Fail(f"the noise in y has standard deviation {spread:.3g}, expected 0.01 (0.1 is ten "
                   "times too large): use torch.normal(0, 0.01, y.shape)")
    if abs(mean) > mean_bound and std < 0.5:
        raise Fail(f"the noise y - (X @ w + b) should have mean 0, but averages {mean:.4g} over {n} "
                   f"examples (a correct draw stays within +-{mean_bound:.3g})")
    if not lo <= ratio <= hi:
        raise Fail(f"y - (X @ w + b) should be Gaussian noise of standard deviation 0.01 but has "
                   f"standard deviation {std:.4g} (a correct draw stays within "
                   f"[{sigma * math.sqrt(lo):.4g}, {sigma * math.sqrt(hi):.4g}]); compute y from "
                   "the X you return, with w, b and torch.normal(0, 0.01, y.shape)")


# ================================================================ minibatch iterators

def _pass_rows(res, who: str, features: torch.Tensor, labels: torch.Tensor,
               expected_batches: int) -> list[torch.Tensor]:
    """Validate one pass (from the scenario's ``_take``) and return the row indices of each batch."""
    n, d = features.shape
    if not isinstance(res, dict) or res.get("iterable") is not True:
        returned = res.get("returned") if isinstance(res, dict) else res
        raise Fail(f"{who} returned {type_name(returned)}, which cannot be iterated: yield the "
                   "batches (`yield features[batch_indices], labels[batch_indices]`)")
    count, items = res.get("count"), res.get("items")
    if type(count) is not int or not isinstance(items, list):
        raise Fail(f"{who}: the batches could not be read back")
    if count == 0:
        raise Fail(f"{who} yielded no batch at all for {n} examples")
    if count > len(items):
        raise Fail(f"{who} yielded more than {len(items)} batches for {n} examples, expected "
                   f"{expected_batches}: one pass must stop after covering the data once")
    rows = []
    for k, item in enumerate(items):
        if isinstance(item, torch.Tensor):
            raise Fail(f"{who} yielded a single tensor of shape {tuple(item.shape)} as batch {k}, "
                       "expected an (X, y) pair: `yield features[batch_indices], "
                       "labels[batch_indices]` (did you `return` instead of `yield`?)")
        if not isinstance(item, list) or len(item) != 2:
            raise Fail(f"{who} yielded {type_name(item)} as batch {k}, expected an (X, y) pair")
        Xb, yb = item
        if not isinstance(Xb, torch.Tensor) or not isinstance(yb, torch.Tensor):
            raise Fail(f"{who} yielded ({type_name(Xb)}, {type_name(yb)}) as batch {k}, expected "
                       "a pair of tensors")
        if Xb.dim() != 2 or Xb.shape[1] != d:
            raise Fail(f"{who} yielded X of shape {tuple(Xb.shape)} in batch {k}, expected "
                       f"(batch size, {d}): index features with a tensor of indices, which keeps "
                       "the row dimension even for a batch of one")
        m = Xb.shape[0]
        if tuple(yb.shape) != (m, 1):
            raise Fail(f"{who} yielded y of shape {tuple(yb.shape)} with X of shape "
                       f"{tuple(Xb.shape)} in batch {k}, expected ({m}, 1): index labels with the "
                       "same index tensor as features")
        ids_f = Xb[:, 0].double()
        ids = ids_f.round().long()
        valid = bool(torch.isfinite(ids_f).all()) and bool((ids_f == ids.double()).all()) and \
            bool(((ids >= 0) & (ids < n)).all())
        if not valid or not close(Xb, features[ids.clamp(0, n - 1)], rtol=1e-6, atol=1e-6):
            raise Fail(f"{who} yielded rows in batch {k} that are not rows of features: select "
                       "whole rows, features[batch_indices]")
        if not close(yb, labels[ids], rtol=1e-6, atol=1e-6):
            raise Fail(f"{who} broke the pairing of rows and labels: batch {k} holds the rows "
                       f"{show(ids)} of features but labels {show(yb.reshape(-1))} instead of "
                       f"{show(labels[ids].reshape(-1))}; use the same indices for features and labels")
        rows.append(ids)
    return rows


def _check_one_pass(rows: list[torch.Tensor], who: str, n: int, batch_size: int) -> None:
    """Every example exactly once, batches of batch_size, the last partial batch kept."""
    sizes = [len(r) for r in rows]
    too_big = [s for s in sizes if s > batch_size]
    if too_big:
        raise Fail(f"{who} yielded a batch of {too_big[0]} examples with batch_size {batch_size}")
    seen = torch.cat(rows) if rows else torch.zeros(0, dtype=torch.long)
    counts = torch.bincount(seen, minlength=n)
    twice = torch.nonzero(counts > 1).reshape(-1)
    if len(twice):
        raise Fail(f"{who} yielded {len(twice)} example(s) more than once in one pass (e.g. row "
                   f"{int(twice[0])}, {int(counts[twice[0]])} times): draw a permutation of the "
                   "indices (random.shuffle or torch.randperm), not indices with replacement")
    missing = torch.nonzero(counts == 0).reshape(-1)
    if len(missing):
        if len(missing) == n % batch_size and all(s == batch_size for s in sizes):
            raise Fail(f"{who} dropped the last partial batch: {len(missing)} of {n} examples "
                       f"never appeared (batch_size {batch_size}); keep the last, smaller batch, "
                       "e.g. indices[i: min(i + batch_size, n)]")
        raise Fail(f"{who} left out {len(missing)} of {n} examples in one pass (e.g. row "
                   f"{int(missing[0])}): every example must appear exactly once")
    expected = -(-n // batch_size)
    partial = [s for s in sizes if s < batch_size]
    if len(rows) != expected or len(partial) > 1:
        raise Fail(f"{who} split {n} examples into batches of sizes {sizes} with batch_size "
                   f"{batch_size}, expected {expected} batches: {n // batch_size} full ones and "
                   f"{'one of ' + str(n % batch_size) if n % batch_size else 'no partial one'}")


def _empty_pass(res) -> bool:
    """A pass that produced nothing from an iterable (e.g. a spent generator)."""
    return isinstance(res, dict) and res.get("iterable") is True and \
        type(res.get("count")) is int and res["count"] == 0


def _order(rows: list[torch.Tensor]) -> torch.Tensor:
    return torch.cat(rows) if rows else torch.zeros(0, dtype=torch.long)


def _is_sorted(seq: torch.Tensor) -> bool:
    return len(seq) < 2 or bool((seq[1:] > seq[:-1]).all())


# ================================================================ data_iter

@verdict("data_iter.covers_once")
def data_iter_covers_once(obs, seed):
    features, labels, batch_size = inputs.iter_data(seed)
    n = len(features)
    rows = _pass_rows(obs, "data_iter", features, labels, -(-n // batch_size))
    _check_one_pass(rows, "data_iter", n, batch_size)
    if not _unchanged(obs.get("features_after"), features) or \
            not _unchanged(obs.get("labels_after"), labels):
        raise Fail("data_iter modified features or labels in place: shuffle a list of indices "
                   "and index the tensors with it, leave the data alone")


@verdict("data_iter.shuffles")
def data_iter_shuffles(obs, seed):
    features, labels, batch_size = inputs.iter_data(seed, "iter.shuffle")
    n = len(features)
    expected = -(-n // batch_size)
    first = _pass_rows(obs.get("first"), "data_iter", features, labels, expected)
    second = _pass_rows(obs.get("second"), "data_iter", features, labels, expected)
    order1, order2 = _order(first), _order(second)
    # For a uniformly random order of 103 examples each event below has probability <= 1e-100.
    if _is_sorted(order1) or _is_sorted(order2):
        raise Fail(f"data_iter does not shuffle: the examples came out in their original order "
                   f"{show(order1[:8])}...; shuffle the indices (random.shuffle(indices) or "
                   "torch.randperm(n)) before cutting them into batches")
    full = [r for r in first if len(r) >= 2]
    if full and all(bool((r[1:] - r[:-1] == 1).all()) for r in full):
        raise Fail("data_iter shuffles the order of the batches but not the examples: every batch "
                   f"holds consecutive rows (e.g. {show(first[0])}); shuffle the example indices, "
                   "then cut them into batches")
    if len(order1) == len(order2) and bool(torch.equal(order1, order2)):
        raise Fail(f"data_iter gives the same order every epoch ({show(order1[:8])}... twice): "
                   "shuffle on every call, inside data_iter (do not reseed the generator or "
                   "shuffle once at import)")


@verdict("data_iter.batch_size_one")
def data_iter_batch_size_one(obs, seed):
    features, labels, batch_size = inputs.iter_one_data(seed)
    n = len(features)
    rows = _pass_rows(obs, "data_iter with batch_size 1", features, labels, n)
    _check_one_pass(rows, "data_iter with batch_size 1", n, batch_size)


# ================================================================ load_array

@verdict("load_array.batches")
def load_array_batches(obs, seed):
    features, labels, batch_size = inputs.load_data(seed)
    n = len(features)
    expected = -(-n // batch_size)
    who = "load_array(..., is_train=False)"
    for k, key in enumerate(("first", "second")):
        res = obs.get(key)
        if k == 1 and _empty_pass(res):
            raise Fail("the object load_array returned can be iterated only once (a generator?): "
                       "the training loop goes over it every epoch; return a "
                       "torch.utils.data.DataLoader")
        rows = _pass_rows(res, who if k == 0 else f"{who} (second pass)", features, labels, expected)
        _check_one_pass(rows, who, n, batch_size)
        order = _order(rows)
        if not _is_sorted(order):
            raise Fail(f"load_array shuffled although is_train=False ({show(order[:8])}...): "
                       "evaluation data keeps its order, pass shuffle=is_train to the DataLoader")


@verdict("load_array.shuffles")
def load_array_shuffles(obs, seed):
    features, labels, batch_size = inputs.load_data(seed, "load.shuffle")
    n = len(features)
    expected = -(-n // batch_size)
    who = "load_array(..., is_train=True)"
    first = _pass_rows(obs.get("first"), who, features, labels, expected)
    second_obs = obs.get("second")
    if _empty_pass(second_obs):
        raise Fail("the object load_array returned can be iterated only once (a generator?): "
                   "the training loop goes over it every epoch; return a torch.utils.data.DataLoader")
    second = _pass_rows(second_obs, f"{who} (second pass)", features, labels, expected)
    order1, order2 = _order(first), _order(second)
    # For a uniformly random order of 53 examples each event has probability 1/53! ~ 2e-70.
    if _is_sorted(order1) or _is_sorted(order2):
        raise Fail(f"load_array does not shuffle when is_train=True: the examples came out in "
                   f"their original order {show(order1[:8])}...; pass shuffle=is_train to the "
                   "DataLoader")
    if len(order1) == len(order2) and bool(torch.equal(order1, order2)):
        raise Fail("load_array gives the same order on every pass over the data: the training "
                   "loop needs a new order each epoch (a DataLoader with shuffle=True reshuffles "
                   "each time it is iterated)")
