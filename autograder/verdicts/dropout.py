"""Verdict halves for mlp's dropout (d2l.ai 5.6): dropout_layer and dropout_mlp.

Each verdict rebuilds the scenario's inputs from the seed (autograder.inputs.mlp), computes what was
expected with torch's own operations and raises Fail with a message that names the student's
mistake. Statistical bounds use mlp's z = 6.5.
"""
from __future__ import annotations

import math

import torch

from autograder.inputs import mlp as inputs
from autograder.verdicts.expect import close, mismatch, show, tensor
from autograder.verdicts.mlp import Z, _from_scratch, _get, _rows
from autograder.verdicts.registry import Fail, verdict


# --------------------------------------------------------------------------------- dropout_layer

@verdict("dropout_layer.p_zero")
def dropout_p_zero(obs, seed):
    x = inputs.dropout_input(seed, "p0", inputs.DROPOUT_SMALL_SHAPE)
    got = tensor(_get(obs, "out"), "dropout_layer(X, 0)", shape=tuple(x.shape))
    same = torch.isclose(got.double(), x.double(), rtol=1e-6, atol=0)
    # torch.rand returns exactly 0.0 with probability 2^-24 per float32 entry, so a correct
    # `rand > dropout` mask drops one of the 64 entries at p = 0 with probability 4e-6; two
    # with probability < 1e-11. Tolerate one exact zero.
    zeros = int(((got == 0) & ~same).sum())
    wrong = int((~same).sum())
    if wrong == 0 or (wrong == 1 and zeros == 1):
        return
    if bool((got == 0).all()):
        raise Fail("dropout_layer(X, 0) returned all zeros: keep and drop are swapped. With "
                   "dropout = 0 nothing may be dropped: keep an element when "
                   "torch.rand(...) > dropout, i.e. with probability 1 - dropout")
    raise mismatch("dropout_layer", f"X = {show(x)} and dropout = 0", got, x,
                   "with dropout = 0, dropout_layer must return X unchanged")


@verdict("dropout_layer.p_one")
def dropout_p_one(obs, seed):
    x = inputs.dropout_input(seed, "p1", inputs.DROPOUT_SMALL_SHAPE)
    error = _get(obs, "error")
    if error is not None:
        raise Fail(f"dropout_layer(X, 1) divides by 1 - dropout = 0 ({error}): when dropout == 1 "
                   "every element is dropped, so return torch.zeros_like(X) before dividing")
    got = tensor(_get(obs, "out"), "dropout_layer(X, 1)", shape=tuple(x.shape))
    if not bool(torch.isfinite(got).all()):
        raise Fail(f"dropout_layer(X, 1) returned {show(got)}: it divides by 1 - dropout = 0 "
                   "(0 / 0 is NaN). When dropout == 1 every element is dropped, so return "
                   "torch.zeros_like(X) before dividing")
    if not bool((got == 0).all()):
        raise mismatch("dropout_layer", f"X = {show(x)} and dropout = 1", got, torch.zeros_like(x),
                       "with dropout = 1 every element is dropped")


def _dropout_outs(obs: dict, seed: int) -> list[tuple[float, torch.Tensor, torch.Tensor]]:
    outs = _get(obs, "outs")
    if not isinstance(outs, list) or len(outs) != len(inputs.DROPOUT_PS):
        raise Fail("dropout_layer's results could not be read back")
    result = []
    for p, got in zip(inputs.DROPOUT_PS, outs):
        x = inputs.dropout_input(seed, f"stat{p}")
        got = tensor(got, f"dropout_layer(X, {p}) for X of shape {tuple(x.shape)}",
                     shape=tuple(x.shape))
        if not bool(torch.isfinite(got).all()):
            raise Fail(f"dropout_layer(X, {p}) returned NaN or inf: {show(got)}")
        result.append((p, x, got.double()))
    return result


@verdict("dropout_layer.drop_rate")
def dropout_drop_rate(obs, seed):
    for p, x, got in _dropout_outs(obs, seed):
        n = x.numel()
        # The number of zeros is Binomial(n, p) (X has no zeros): sd sqrt(p (1 - p) / n).
        bound = Z * math.sqrt(p * (1 - p) / n)
        frac = (got == 0).double().mean().item()
        if abs(frac - p) <= bound:
            continue
        if abs(frac - (1 - p)) <= bound:
            raise Fail(f"dropout_layer: keep and drop are swapped. With dropout = {p} a fraction "
                       f"{frac:.4f} of the {n} entries became 0, about 1 - dropout; each element "
                       "must be dropped with probability dropout: keep it when "
                       "torch.rand(...) > dropout")
        what = "dropped nothing" if frac == 0 else f"dropped a fraction {frac:.4f} of the entries"
        raise Fail(f"dropout_layer(X, {p}) {what} for X of shape {tuple(x.shape)} with no zeros; "
                   f"expected {p} ± {bound:.4f}: drop each element independently with "
                   "probability dropout")


@verdict("dropout_layer.rescale")
def dropout_rescale(obs, seed):
    for p, x, got in _dropout_outs(obs, seed):
        kept = got != 0
        if not bool(kept.any()):
            raise Fail(f"dropout_layer(X, {p}) dropped every element: with dropout = {p} a "
                       f"fraction {1 - p} should survive, scaled by 1 / (1 - dropout)")
        g, xs = got[kept], x.double()[kept]
        expected = xs / (1 - p)
        if close(g, expected, rtol=1e-5, atol=0):
            continue
        where = f"X = {show(xs)} (the surviving entries) and dropout = {p}"
        if close(g, xs, rtol=1e-5, atol=0):
            raise mismatch("dropout_layer", where, g, expected,
                           "dropout_layer did not rescale the survivors: a kept element must "
                           "become X / (1 - dropout) so that the expected value stays X")
        if close(g, xs * (1 - p), rtol=1e-5, atol=0):
            hint = ("dropout_layer multiplied the survivors by 1 - dropout: divide by it instead, "
                    "so that the expected value stays X")
        elif close(g, xs / p, rtol=1e-5, atol=0):
            hint = "dropout_layer divided the survivors by dropout: divide by 1 - dropout"
        else:
            hint = "a kept element must become X / (1 - dropout)"
        raise mismatch("dropout_layer", where, g, expected, hint)


@verdict("dropout_layer.keeps_mean")
def dropout_keeps_mean(obs, seed):
    for p, x, got in _dropout_outs(obs, seed):
        xd = x.double()
        n = xd.numel()
        # Each output is x_i B_i / (1 - p) with B_i ~ Bernoulli(1 - p): mean x_i, variance
        # x_i^2 p / (1 - p). The sample mean has sd sqrt(p / (1 - p) * sum x_i^2) / n.
        sd = math.sqrt(p / (1 - p) * (xd ** 2).sum().item()) / n
        m_got, m_x = got.mean().item(), xd.mean().item()
        if abs(m_got - m_x) <= Z * sd:
            continue
        hint = ""
        if abs(m_got - (1 - p) * m_x) <= Z * sd:
            hint = (" (about (1 - dropout) times the mean of X: the survivors were not rescaled; "
                    "divide them by 1 - dropout)")
        raise Fail(f"dropout_layer changed the mean: with dropout = {p} the output's mean is "
                   f"{m_got:.4f} but X's mean is {m_x:.4f} (allowed ±{Z * sd:.4f}){hint}. "
                   "Inverted dropout keeps E[dropout_layer(X)] = X")


@verdict("dropout_layer.not_in_place")
def dropout_not_in_place(obs, seed):
    runs = _get(obs, "runs")
    if not isinstance(runs, list) or len(runs) != len(inputs.DROPOUT_IN_PLACE_PS):
        raise Fail("dropout_layer's inputs could not be read back after the calls")
    for p, run in zip(inputs.DROPOUT_IN_PLACE_PS, runs):
        x = inputs.dropout_input(seed, f"inplace.{p}", inputs.DROPOUT_SMALL_SHAPE)
        call = f"dropout_layer(X, {p:g})"
        if not isinstance(run, dict):
            raise Fail(f"{call}: what happened to X could not be read back")
        after = tensor(_get(run, "x_after"), f"the input X of {call}", shape=tuple(x.shape))
        error = run.get("error")
        if not torch.equal(after, x):
            fix = ("return a new tensor of zeros, torch.zeros_like(X), not X.zero_() or "
                   "X *= 0" if p == 1 else
                   "return a new tensor, e.g. mask * X / (1 - dropout), not X *= mask, "
                   "X.mul_(mask) or X[mask] = 0")
            raise Fail(f"{call} modified X in place: X = {show(x)} came back as {show(after)}. "
                       f"The caller (and autograd) still need X: {fix}")
        if run.get("written") is True:
            raise Fail(f"{call} modified X in place (it wrote into X with X.mul_(mask), "
                       "X *= mask, X /= ... or X[...] = ...); the values came back the same "
                       f"here{' because nothing was dropped' if p == 0 else ''}, but the function "
                       "changes the tensor it was given. Compute mask * X / (1 - dropout) as a "
                       "new tensor")
        if error is not None:
            continue  # dividing by 1 - dropout = 0 costs dropout_layer.p_one's point, not this one
        # dropout = 0 may hand X itself back (the book's `if dropout == 0: return X`): nothing
        # was dropped and X is untouched. With anything to drop, X itself must not come back.
        if p > 0 and _get(run, "same_object") is True:
            raise Fail(f"{call} returned X itself: return a new tensor, mask * X / (1 - dropout)")


@verdict("dropout_layer.fresh_mask")
def dropout_fresh_mask(obs, seed):
    x = inputs.dropout_input(seed, "fresh", inputs.DROPOUT_FRESH_SHAPE)
    p = inputs.DROPOUT_FRESH_P
    first = tensor(_get(obs, "first"), f"dropout_layer(X, {p})", shape=tuple(x.shape))
    second = tensor(_get(obs, "second"), f"dropout_layer(X, {p})", shape=tuple(x.shape))
    if not bool((first == 0).any()) and not bool((second == 0).any()):
        raise Fail(f"dropout_layer(X, {p}) dropped no entry of an X of {x.numel()} non-zero "
                   "entries, twice: each entry must be dropped with probability dropout")
    # Two independent masks of 1000 entries coincide with probability 2^-1000.
    if torch.equal(first == 0, second == 0):
        raise Fail(f"two calls of dropout_layer(X, {p}) on the same X of {x.numel()} entries "
                   "dropped exactly the same entries: draw a fresh random mask on every call (no "
                   "torch.manual_seed or fixed generator inside dropout_layer, no mask reused "
                   "between calls)")


@verdict("dropout_layer.from_scratch")
def dropout_from_scratch(obs, seed):
    _from_scratch(obs, "dropout_layer",
                  "a mask from torch.rand(...) > dropout or torch.bernoulli")


# ----------------------------------------------------------------------------------- dropout_mlp

def _dropout_mlp_forward(X, params, scale1=1.0, scale2=1.0):
    """relu(relu(X W1 + b1) * scale1 W2 + b2) * scale2 W3 + b3 (scales stand in for masks)."""
    W1, b1, W2, b2, W3, b3 = params
    H1 = torch.relu(X.reshape(X.shape[0], -1) @ W1 + b1) * scale1
    H2 = torch.relu(H1 @ W2 + b2) * scale2
    return H2 @ W3 + b3


def _dropout_mlp_outputs(obs: dict, keys: tuple[str, ...], seed: int):
    X, params = inputs.dropout_mlp_case(seed)
    shape = (X.shape[0], params[-1].shape[0])
    got = {}
    for key in keys:
        got[key] = tensor(_get(obs, key), f"dropout_mlp(X, params, ...) for X of shape "
                          f"{tuple(X.shape)}", shape=shape).double()
    return X, params, got


def _near(a: torch.Tensor, b: torch.Tensor) -> bool:
    return close(a, b, rtol=1e-6, atol=1e-9)


_PLAIN = "relu(relu(X @ W1 + b1) @ W2 + b2) @ W3 + b3"


@verdict("dropout_mlp.eval_deterministic")
def dropout_mlp_eval(obs, seed):
    X, params, got = _dropout_mlp_outputs(obs, ("half_a", "half_b", "all"), seed)
    plain = _dropout_mlp_forward(X, params)
    if all(_near(got[k], plain) for k in got):
        return
    n, b3 = X.shape[0], params[-1]
    if _near(got["half_a"], _dropout_mlp_forward(X, params, 0.5, 0.5)):
        raise Fail("dropout_mlp scaled the hidden layers by 1 - dropout at evaluation: inverted "
                   "dropout already rescales during training, so with training=False use every "
                   f"unit as it is: {_PLAIN}")
    if not _near(got["half_a"], got["half_b"]) or _near(got["all"], _rows(b3, n)) \
            or _near(got["all"], torch.zeros_like(plain)):
        raise Fail("dropout applied at evaluation: with training=False the network must be "
                   "deterministic and use every unit, but two identical calls with dropout 0.5 "
                   f"gave {show(got['half_a'])} and {show(got['half_b'])}, and dropout 1 gave "
                   f"{show(got['all'])}. Call dropout_layer only `if training`")
    key = next(k for k in got if not _near(got[k], plain))
    raise mismatch("dropout_mlp", f"X of shape {tuple(X.shape)}, seeded params and training=False",
                   got[key], plain, f"at evaluation the output is {_PLAIN}")


@verdict("dropout_mlp.no_dropout")
def dropout_mlp_no_dropout(obs, seed):
    X, params, got = _dropout_mlp_outputs(obs, ("training", "default"), seed)
    plain = _dropout_mlp_forward(X, params)
    W1, b1, W2, b2, W3, b3 = params
    Xf = X.reshape(X.shape[0], -1)
    for key, call in (("training", "training=True"), ("default", "training left at its default")):
        if _near(got[key], plain):
            continue
        if _near(got[key], ((Xf @ W1 + b1) @ W2 + b2) @ W3 + b3):
            hint = ("dropout_mlp has no activation: without an activation the layers collapse "
                    f"into one linear map; expected {_PLAIN}")
        elif _near(got[key], torch.softmax(plain, dim=1)):
            hint = "dropout_mlp applied softmax: it must return logits, H2 @ W3 + b3"
        else:
            hint = f"with dropout1 = dropout2 = 0 nothing is dropped, so the output is {_PLAIN}"
        raise mismatch("dropout_mlp", f"X of shape {tuple(X.shape)}, seeded params, "
                       f"dropout1 = dropout2 = 0 and {call}", got[key], plain, hint)


@verdict("dropout_mlp.dropout_structure")
def dropout_mlp_structure(obs, seed):
    X, params, got = _dropout_mlp_outputs(
        obs, ("drop_first", "drop_second", "half_a", "half_b", "default_first"), seed)
    W1, b1, W2, b2, W3, b3 = params
    n = X.shape[0]
    plain = _dropout_mlp_forward(X, params)
    first_dropped = _rows(torch.relu(b2) @ W3 + b3, n)   # H1 = 0
    second_dropped = _rows(b3, n)                        # H2 = 0
    zeros = torch.zeros_like(plain)
    ok_first = _near(got["drop_first"], first_dropped)
    ok_second = _near(got["drop_second"], second_dropped)
    if not (ok_first and ok_second):
        if _near(got["drop_first"], second_dropped) and _near(got["drop_second"], first_dropped):
            raise Fail("dropout1 and dropout2 are swapped in dropout_mlp: dropout1 belongs to the "
                       "first hidden layer H1 and dropout2 to the second, H2. With dropout1 = 1 "
                       f"every row should be relu(b2) @ W3 + b3 = {show(first_dropped[0])}, "
                       f"got {show(got['drop_first'][0])}")
        if _near(got["drop_first"], zeros) or _near(got["drop_second"], zeros):
            raise Fail("dropout_mlp applied dropout to the output layer: with a dropout of 1 the "
                       "logits came back all zero. Dropout goes after each hidden relu only; the "
                       "output H2 @ W3 + b3 is never dropped")
        if _near(got["drop_first"], plain) and _near(got["drop_second"], plain):
            raise Fail("dropout_mlp did not apply dropout in training: with training=True and a "
                       "dropout of 1 the output equals the undropped network. Call "
                       "dropout_layer on H1 (with dropout1) and H2 (with dropout2) when training")
        if not ok_first:
            raise mismatch("dropout_mlp", "dropout1 = 1, dropout2 = 0 and training=True",
                           got["drop_first"], first_dropped,
                           "with dropout1 = 1 the whole first hidden layer is dropped (H1 = 0), "
                           "so every row is relu(b2) @ W3 + b3")
        raise mismatch("dropout_mlp", "dropout1 = 0, dropout2 = 1 and training=True",
                       got["drop_second"], second_dropped,
                       "with dropout2 = 1 the whole second hidden layer is dropped (H2 = 0), so "
                       "every row is b3")
    # Two independent dropout draws over 6 x (12 + 8) units coincide with probability < 2^-120.
    if _near(got["half_a"], got["half_b"]):
        raise Fail("dropout_mlp with training=True and dropout1 = dropout2 = 0.5 returned the same "
                   f"output on two calls ({show(got['half_a'])}): dropout must draw a fresh mask "
                   "on every forward pass in training")
    if not _near(got["default_first"], first_dropped):
        if _near(got["default_first"], plain):
            raise Fail("dropout_mlp(X, params, 1.0, 0.0) without a training argument did not "
                       "drop anything: `training` must default to True")
        raise mismatch("dropout_mlp", "dropout1 = 1, dropout2 = 0 and training left at its default",
                       got["default_first"], first_dropped,
                       "training defaults to True, so the whole first hidden layer is dropped")
