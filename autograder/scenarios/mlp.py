"""Scenario halves for mlp: relu, the MLP forward passes, their initialisation, and dropout.

Each scenario only runs student code on seeded inputs (autograder.inputs.mlp) and returns what it
produced; the verdicts (autograder.verdicts.mlp) decide. Where a function calls another student
function (mlp -> relu, dropout_mlp -> relu and dropout_layer), torch's own versions are swapped in
so that a failure names the function that is actually wrong.
"""
from __future__ import annotations

import torch

from autograder.inputs import mlp as inputs
from autograder.worker.errors import observed_exception
from autograder.scenarios.observe import forbidden_calls, observe
from autograder.scenarios.registry import scenario

# ------------------------------------------------------------------ known-good helpers (torch's)

def _torch_relu(X):
    return torch.relu(X)


def _torch_dropout(X, dropout):
    if dropout >= 1:
        return torch.zeros_like(X)
    return torch.nn.functional.dropout(X, p=float(dropout), training=True)


_error_text = observed_exception  # "Name: message (at file.py:LINE in func: code)"


# ------------------------------------------------------------------------------------------ relu

@scenario("relu.values")
def relu_values(student, seed):
    return {"outs": [observe(student.relu(x.clone())) for x in inputs.relu_inputs(seed)]}


@scenario("relu.not_in_place")
def relu_not_in_place(student, seed):
    x = inputs.relu_inputs(seed)[1]
    arg = x.clone()
    out = student.relu(arg)
    return {"x_after": observe(arg), "same_object": out is arg, "out": observe(out)}


@scenario("relu.grad")
def relu_grad(student, seed):
    x, upstream = inputs.relu_grad_input(seed)
    leaf = x.clone().requires_grad_(True)
    try:
        out = student.relu(leaf)
    except NotImplementedError:
        raise
    except RuntimeError as exc:  # e.g. an in-place write into a leaf that requires grad
        return {"error": _error_text(exc)}
    obs = {"error": None, "out": observe(out), "requires_grad": False, "grad": None}
    if isinstance(out, torch.Tensor) and out.requires_grad and tuple(out.shape) == tuple(x.shape):
        obs["requires_grad"] = True
        with torch._C.DisableTorchFunctionSubclass():  # a Tensor subclass gets no say here
            (out * upstream).sum().backward()
        obs["grad"] = observe(leaf.grad)
    return obs


@scenario("relu.from_scratch")
def relu_from_scratch(student, seed):
    x = inputs.relu_inputs(seed)[1]
    with forbidden_calls("relu") as seen:
        student.relu(x.clone())
    return {"seen": list(seen)}


# ------------------------------------------------------------------------------ initialisation

def _params_observation(params) -> dict:
    requires_grad = is_leaf = None
    if isinstance(params, (list, tuple)):
        requires_grad = [bool(p.requires_grad) if isinstance(p, torch.Tensor) else None
                         for p in params]
        is_leaf = [bool(p.is_leaf) if isinstance(p, torch.Tensor) else None for p in params]
    return {"params": observe(params), "requires_grad": requires_grad, "is_leaf": is_leaf}


def _init_mlp(student, seed):
    return _params_observation(student.init_mlp_params(*inputs.MLP_SIZES))


def _init_dropout_mlp(student, seed):
    return _params_observation(student.init_dropout_mlp_params(*inputs.DROPOUT_MLP_SIZES))


scenario("init_mlp_params.shapes")(_init_mlp)
scenario("init_mlp_params.biases_zero")(_init_mlp)
scenario("init_mlp_params.weight_distribution")(_init_mlp)


@scenario("init_mlp_params.fresh_each_call")
def init_mlp_params_fresh(student, seed):
    first = student.init_mlp_params(*inputs.SMALL_MLP_SIZES)
    second = student.init_mlp_params(*inputs.SMALL_MLP_SIZES)
    return {"first": observe(first), "second": observe(second)}


scenario("init_dropout_mlp_params.shapes")(_init_dropout_mlp)
scenario("init_dropout_mlp_params.biases_zero")(_init_dropout_mlp)
scenario("init_dropout_mlp_params.weight_distribution")(_init_dropout_mlp)


@scenario("init_dropout_mlp_params.fresh_each_call")
def init_dropout_mlp_params_fresh(student, seed):
    first = student.init_dropout_mlp_params(*inputs.SMALL_DROPOUT_MLP_SIZES)
    second = student.init_dropout_mlp_params(*inputs.SMALL_DROPOUT_MLP_SIZES)
    return {"first": observe(first), "second": observe(second)}


# ------------------------------------------------------------------------------------------- mlp

def _call_mlp(student, X, params):
    """(output, error text): a shape error from forgetting to flatten is the observation."""
    try:
        return student.mlp(X, params), None
    except NotImplementedError:
        raise
    except RuntimeError as exc:
        return None, _error_text(exc)


@scenario("mlp.values")
def mlp_values(student, seed):
    X, params, _ = inputs.mlp_case(seed)
    obs = {}
    with student.swapped("mlp", relu=_torch_relu):
        for key, x in (("images", X), ("flat", X.reshape(X.shape[0], -1))):
            out, error = _call_mlp(student, x.clone(), [p.clone() for p in params])
            obs[key], obs[f"{key}_error"] = observe(out), error
    return obs


@scenario("mlp.grad")
def mlp_grad(student, seed):
    X, params, upstream = inputs.mlp_case(seed)
    leaves = [p.clone().requires_grad_(True) for p in params]
    obs = {"error": None, "requires_grad": False, "grads": None}
    with student.swapped("mlp", relu=_torch_relu):
        out, obs["error"] = _call_mlp(student, X.clone(), leaves)
        if (isinstance(out, torch.Tensor) and out.requires_grad
                and tuple(out.shape) == tuple(upstream.shape)):
            obs["requires_grad"] = True
            with torch._C.DisableTorchFunctionSubclass():  # a Tensor subclass gets no say here
                (out * upstream).sum().backward()
            obs["grads"] = [observe(p.grad) for p in leaves]
    return obs


# --------------------------------------------------------------------------------- dropout_layer

@scenario("dropout_layer.p_zero")
def dropout_p_zero(student, seed):
    x = inputs.dropout_input(seed, "p0", inputs.DROPOUT_SMALL_SHAPE)
    return {"out": observe(student.dropout_layer(x.clone(), 0.0))}


@scenario("dropout_layer.p_one")
def dropout_p_one(student, seed):
    x = inputs.dropout_input(seed, "p1", inputs.DROPOUT_SMALL_SHAPE)
    try:
        out = student.dropout_layer(x.clone(), 1.0)
    except ZeroDivisionError as exc:
        return {"out": None, "error": _error_text(exc)}
    return {"out": observe(out), "error": None}


def _dropout_runs(student, seed):
    return {"outs": [observe(student.dropout_layer(inputs.dropout_input(seed, f"stat{p}"), p))
                     for p in inputs.DROPOUT_PS]}


scenario("dropout_layer.drop_rate")(_dropout_runs)
scenario("dropout_layer.rescale")(_dropout_runs)
scenario("dropout_layer.keeps_mean")(_dropout_runs)


@scenario("dropout_layer.not_in_place")
def dropout_not_in_place(student, seed):
    """One call per dropout in DROPOUT_IN_PLACE_PS (0, 0.5 and 1), each on its own X: what X
    holds afterwards, whether X's version counter moved (any in-place write bumps it, even one
    that leaves the values as they were, such as X.mul_(mask) with nothing dropped) and whether
    X itself came back."""
    runs = []
    for p in inputs.DROPOUT_IN_PLACE_PS:
        arg = inputs.dropout_input(seed, f"inplace.{p}", inputs.DROPOUT_SMALL_SHAPE)
        version = arg._version
        error = None
        try:
            out = student.dropout_layer(arg, p)
        except ZeroDivisionError as exc:  # dividing by 1 - dropout = 0: dropout_layer.p_one's point
            out, error = None, _error_text(exc)
        runs.append({"x_after": observe(arg), "written": arg._version != version,
                     "same_object": out is arg, "error": error})
    return {"runs": runs}


@scenario("dropout_layer.fresh_mask")
def dropout_fresh_mask(student, seed):
    x = inputs.dropout_input(seed, "fresh", inputs.DROPOUT_FRESH_SHAPE)
    first = student.dropout_layer(x.clone(), inputs.DROPOUT_FRESH_P)
    second = student.dropout_layer(x.clone(), inputs.DROPOUT_FRESH_P)
    return {"first": observe(first), "second": observe(second)}


@scenario("dropout_layer.from_scratch")
def dropout_from_scratch(student, seed):
    x = inputs.dropout_input(seed, "scratch", inputs.DROPOUT_SMALL_SHAPE)
    with forbidden_calls("dropout_layer") as seen:
        student.dropout_layer(x, 0.5)
    return {"seen": list(seen)}


# ----------------------------------------------------------------------------------- dropout_mlp

def _dropout_mlp(student, X, params, *args, **kwargs):
    return observe(student.dropout_mlp(X.clone(), [p.clone() for p in params], *args, **kwargs))


@scenario("dropout_mlp.eval_deterministic")
def dropout_mlp_eval(student, seed):
    X, params = inputs.dropout_mlp_case(seed)
    with student.swapped("mlp", relu=_torch_relu, dropout_layer=_torch_dropout):
        return {
            "half_a": _dropout_mlp(student, X, params, 0.5, 0.5, training=False),
            "half_b": _dropout_mlp(student, X, params, 0.5, 0.5, training=False),
            "all": _dropout_mlp(student, X, params, 1.0, 1.0, training=False),
        }


@scenario("dropout_mlp.no_dropout")
def dropout_mlp_no_dropout(student, seed):
    X, params = inputs.dropout_mlp_case(seed)
    with student.swapped("mlp", relu=_torch_relu, dropout_layer=_torch_dropout):
        return {
            "training": _dropout_mlp(student, X, params, 0.0, 0.0, training=True),
            "default": _dropout_mlp(student, X, params, 0.0, 0.0),
        }


@scenario("dropout_mlp.dropout_structure")
def dropout_mlp_structure(student, seed):
    X, params = inputs.dropout_mlp_case(seed)
    with student.swapped("mlp", relu=_torch_relu, dropout_layer=_torch_dropout):
        return {
            "drop_first": _dropout_mlp(student, X, params, 1.0, 0.0, training=True),
            "drop_second": _dropout_mlp(student, X, params, 0.0, 1.0, training=True),
            "half_a": _dropout_mlp(student, X, params, 0.5, 0.5, training=True),
            "half_b": _dropout_mlp(student, X, params, 0.5, 0.5, training=True),
            "default_first": _dropout_mlp(student, X, params, 1.0, 0.0),
        }
