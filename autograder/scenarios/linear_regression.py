"""Scenario halves for linear regression: data, minibatches, model, loss and optimizer."""
from __future__ import annotations

import torch

from autograder.inputs import linear_regression as inputs
from autograder.inputs import upstream
from autograder.scenarios.gradients import upstream_gradients
from autograder.worker.errors import observed_exception
from autograder.scenarios.observe import forbidden_calls, observe
from autograder.scenarios.registry import scenario

# At most this many batches are observed per pass (a correct pass over our inputs needs 11).
_MAX_ITEMS = 60


def _take(iterable_result, max_items: int) -> dict:
    """Iterate what the student returned, at most ``max_items + 1`` items, and observe them.

    ``count`` is how many items were produced (capped at ``max_items + 1``, so an endless
    generator cannot hang the check); ``items`` holds the first ``max_items`` observed items.
    """
    try:
        iterator = iter(iterable_result)
    except TypeError:
        return {"iterable": False, "returned": observe(iterable_result), "count": 0, "items": []}
    items, count = [], 0
    for item in iterator:
        count += 1
        if count > max_items:
            break
        items.append(observe(item))
    return {"iterable": True, "returned": None, "count": count, "items": items}


# ---------------------------------------------------------------- synthetic_data

def _synthetic(student, seed):
    w, b, n = inputs.synth_params(seed)
    w_arg = w.clone()
    out = student.synthetic_data(w_arg, b, n)
    if isinstance(out, (tuple, list)) and len(out) == 2:
        X, y = out
        return {"pair": True, "X": observe(X), "y": observe(y), "returned": None,
                "w_after": observe(w_arg)}
    return {"pair": False, "X": None, "y": None, "returned": observe(out), "w_after": observe(w_arg)}


@scenario("synthetic_data.shapes")
def synthetic_data_shapes(student, seed):
    return _synthetic(student, seed)


@scenario("synthetic_data.features")
def synthetic_data_features(student, seed):
    return _synthetic(student, seed)


@scenario("synthetic_data.noise")
def synthetic_data_noise(student, seed):
    return _synthetic(student, seed)


# ---------------------------------------------------------------- data_iter

@scenario("data_iter.covers_once")
def data_iter_covers_once(student, seed):
    features, labels, batch_size = inputs.iter_data(seed)
    f_arg, l_arg = features.clone(), labels.clone()
    result = _take(student.data_iter(batch_size, f_arg, l_arg), _MAX_ITEMS)
    result.update(features_after=observe(f_arg), labels_after=observe(l_arg))
    return result


@scenario("data_iter.shuffles")
def data_iter_shuffles(student, seed):
    features, labels, batch_size = inputs.iter_data(seed, "iter.shuffle")
    first = _take(student.data_iter(batch_size, features.clone(), labels.clone()), _MAX_ITEMS)
    second = _take(student.data_iter(batch_size, features.clone(), labels.clone()), _MAX_ITEMS)
    return {"first": first, "second": second}


@scenario("data_iter.batch_size_one")
def data_iter_batch_size_one(student, seed):
    features, labels, batch_size = inputs.iter_one_data(seed)
    return _take(student.data_iter(batch_size, features.clone(), labels.clone()), _MAX_ITEMS)


# ---------------------------------------------------------------- linreg

@scenario("linreg.values")
def linreg_values(student, seed):
    X, w, b = inputs.linreg_inputs(seed)
    X_arg, w_arg, b_arg = X.clone(), w.clone(), b.clone()
    out = student.linreg(X_arg, w_arg, b_arg)
    return {"out": observe(out), "X_after": observe(X_arg), "w_after": observe(w_arg),
            "b_after": observe(b_arg)}


@scenario("linreg.differentiable")
def linreg_differentiable(student, seed):
    X, w, b = inputs.linreg_inputs(seed)
    v = upstream(seed, "linreg", (X.shape[0], w.shape[1]))
    return upstream_gradients(student.linreg, (X, w, b), v)


# ---------------------------------------------------------------- squared_loss

@scenario("squared_loss.values")
def squared_loss_values(student, seed):
    y_hat, y = inputs.loss_inputs(seed)
    yh_arg, y_arg = y_hat.clone(), y.clone()
    flat = student.squared_loss(yh_arg, y_arg)                       # y of shape (n,)
    column = student.squared_loss(y_hat.clone(), y.clone().reshape(-1, 1))  # y of shape (n, 1)
    return {"flat": observe(flat), "column": observe(column),
            "y_hat_after": observe(yh_arg), "y_after": observe(y_arg)}


@scenario("squared_loss.differentiable")
def squared_loss_differentiable(student, seed):
    y_hat, y = inputs.loss_inputs(seed)
    return upstream_gradients(student.squared_loss, (y_hat, y),
                              upstream(seed, "squared_loss", tuple(y_hat.shape)))


# ---------------------------------------------------------------- sgd

def _sgd_run(student, seed):
    w0, b0, gw, gb, lr, batch_size = inputs.sgd_case(seed)
    w = w0.clone().requires_grad_(True)
    b = b0.clone().requires_grad_(True)
    w.grad, b.grad = gw.clone(), gb.clone()
    params = [w, b]
    error = ""
    try:
        student.sgd(params, lr, batch_size)
    except AttributeError as exc:
        # `param = param - ...; param.grad.zero_()` fails here: the new tensor has no .grad.
        # The verdict explains it from the untouched parameters.
        error = observed_exception(exc, 150)
    # `w` and `b` are the very objects the training loop holds: observe them, not the list.
    return {"w": observe(w), "b": observe(b), "w_grad": observe(w.grad), "b_grad": observe(b.grad),
            "w_requires_grad": bool(w.requires_grad), "b_requires_grad": bool(b.requires_grad),
            "error": error}


@scenario("sgd.step")
def sgd_step(student, seed):
    return _sgd_run(student, seed)


@scenario("sgd.zeroes_grads")
def sgd_zeroes_grads(student, seed):
    return _sgd_run(student, seed)


@scenario("sgd.from_scratch")
def sgd_from_scratch(student, seed):
    with forbidden_calls("sgd") as seen:
        _sgd_run(student, seed)
    return {"seen": list(seen)}


# ---------------------------------------------------------------- load_array

@scenario("load_array.batches")
def load_array_batches(student, seed):
    features, labels, batch_size = inputs.load_data(seed)
    loader = student.load_array((features.clone(), labels.clone()), batch_size, False)
    first = _take(loader, _MAX_ITEMS)
    second = _take(loader, _MAX_ITEMS) if first["iterable"] else first
    return {"first": first, "second": second}


@scenario("load_array.shuffles")
def load_array_shuffles(student, seed):
    features, labels, batch_size = inputs.load_data(seed, "load.shuffle")
    loader = student.load_array((features.clone(), labels.clone()), batch_size)  # is_train default
    first = _take(loader, _MAX_ITEMS)
    second = _take(loader, _MAX_ITEMS) if first["iterable"] else first
    return {"first": first, "second": second}
