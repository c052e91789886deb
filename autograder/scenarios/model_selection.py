"""Scenario halves for model selection (d2l 4.4): poly_features on columns of x, evaluate_loss of
a fixed model over uneven batches with two losses, and train_poly on the book's data.

train_poly runs with a known-good evaluate_loss swapped in for the student's (its own checks grade
that one), after torch's global RNG is seeded from the run's seed: the student's nn.Linear draws
its initial weights, and its DataLoader its shuffling, from that RNG.
"""
from __future__ import annotations

import numpy as np
import torch
from torch import nn

from autograder.inputs import model_selection as inputs
from autograder.scenarios.observe import observe
from autograder.scenarios.registry import scenario
from autograder.worker.errors import observed_exception

MODULE = "model_selection"
_MAX_PARAMS = 8
_MAX_CURVE = 64


def _plain(value):
    """A numpy scalar as a Python number (np.float32 is no float); anything else unchanged."""
    return value.item() if isinstance(value, np.generic) else value


# ---------------------------------------------------------------- poly_features

@scenario("poly_features.values")
def poly_features_values(student, seed):
    calls = []
    for x, degree in inputs.poly_cases(seed):
        arg = x.clone()
        out = student.poly_features(arg, degree)
        calls.append({"out": observe(out), "x_after": observe(arg)})
    return {"calls": calls}


# ---------------------------------------------------------------- evaluate_loss

@scenario("evaluate_loss.values")
def evaluate_loss_values(student, seed):
    w, b, batches = inputs.eval_case(seed)
    results = []
    for name in inputs.EVAL_LOSSES:
        net = inputs.FixedLinear(w, b)
        data = [(X.clone(), y.clone()) for X, y in batches]
        results.append(observe(_plain(student.evaluate_loss(net, data, inputs.eval_loss_fn(name)))))
    return {"out": results}


# ---------------------------------------------------------------- train_poly

def _parameters(net) -> list[dict]:
    """Name and value of each parameter of the returned net (None when it is no nn.Module)."""
    return [{"name": str(name)[:60], "value": observe(p)}
            for name, p in list(net.named_parameters())[:_MAX_PARAMS]]


def _curve(values) -> dict:
    """A returned list of per-epoch losses: its length and its values (the first and last ones
    when it is long)."""
    if not isinstance(values, (list, tuple)):
        return {"not_a_list": observe(values)}
    items = list(values)
    kept = items if len(items) <= _MAX_CURVE else items[:_MAX_CURVE // 2] + items[-_MAX_CURVE // 2:]
    return {"len": len(items), "values": [observe(_plain(v)) for v in kept]}


def _fit(student, seed: int, tag: str, degree: int, num_epochs: int) -> dict:
    """train_poly on the book's data with ``degree`` feature columns; what it returned, observed."""
    train_f, test_f, train_y, test_y = inputs.fit_inputs(seed, tag, degree)
    train_poly = student.train_poly
    torch.manual_seed(inputs.global_seed(seed, tag))
    with student.swapped(MODULE, evaluate_loss=inputs.evaluate_loss_known_good):
        out = train_poly(train_f, test_f, train_y, test_y, num_epochs=num_epochs)
    if not isinstance(out, (tuple, list)) or len(out) != 3:
        return {"returned": observe(out) if not isinstance(out, (tuple, list))
                else {"type": type(out).__name__, "repr": f"{len(out)} items"}}
    net, train_losses, test_losses = out
    obs = {"net": type(net).__name__[:60], "is_module": isinstance(net, nn.Module),
           "train_losses": _curve(train_losses), "test_losses": _curve(test_losses)}
    if isinstance(net, nn.Module):
        obs["params"] = _parameters(net)
        try:
            with torch.no_grad():
                obs["out_shape"] = list(net(train_f.clone()).shape)
        except Exception as exc:  # noqa: BLE001 - the verdict explains it
            obs["forward_error"] = observed_exception(exc, 200)
    return obs


@scenario("train_poly.third_order")
def train_poly_third_order(student, seed):
    return _fit(student, seed, "train_poly.third_order", 4, inputs.THIRD_ORDER_EPOCHS)


@scenario("train_poly.curves")
def train_poly_curves(student, seed):
    return _fit(student, seed, "train_poly.curves", 4, inputs.CURVE_EPOCHS)


@scenario("train_poly.model")
def train_poly_model(student, seed):
    runs = []
    for degree in inputs.MODEL_DEGREES:
        try:
            runs.append(_fit(student, seed, f"train_poly.model.{degree}", degree, inputs.MODEL_EPOCHS))
        except NotImplementedError:
            raise
        except Exception as exc:  # noqa: BLE001 - the verdict explains it
            runs.append({"error": observed_exception(exc, 200)})
    return {"runs": runs}
