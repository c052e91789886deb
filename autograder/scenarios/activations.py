"""Scenario halves for the chapter-4 activations of exercises/mlp.py: sigmoid, tanh, their
derivatives, and Xavier initialisation.

Each scenario only runs student code on seeded inputs (autograder.inputs.activations) and returns
what it produced; the verdicts (autograder.verdicts.activations) decide. Where a function may call
another of these (tanh -> sigmoid, sigmoid_grad -> sigmoid, tanh_grad -> tanh), torch's own
versions are swapped in, so that a failure names the function that is actually wrong.
"""
from __future__ import annotations

import contextlib
import sys

import torch

from autograder.inputs import activations as inputs
from autograder.scenarios.observe import forbidden_calls, observe
from autograder.scenarios.registry import scenario
from autograder.worker.errors import observed_exception

# ------------------------------------------------------------------ known-good helpers (torch's)

def _torch_sigmoid(X):
    return torch.sigmoid(X)


def _torch_sigmoid_grad(X):
    s = torch.sigmoid(X)
    return s * (1 - s)


def _torch_tanh(X):
    return torch.tanh(X)


def _torch_tanh_grad(X):
    return 1 - torch.tanh(X) ** 2


_KNOWN_GOOD = {"sigmoid": _torch_sigmoid, "sigmoid_grad": _torch_sigmoid_grad,
               "tanh": _torch_tanh, "tanh_grad": _torch_tanh_grad}


@contextlib.contextmanager
def _isolated(student, function: str):
    """The student's ``function``, with torch's versions of the other three activations swapped
    into exercises/mlp.py while it runs."""
    others = {name: fn for name, fn in _KNOWN_GOOD.items() if name != function}
    with student.swapped("mlp", **others):
        yield getattr(student, function)


def _values(student, seed, function):
    with _isolated(student, function) as fn:
        return {"outs": [observe(fn(x.clone())) for x in inputs.value_inputs(seed, function)]}


def _gradient(fn, x: torch.Tensor) -> dict:
    """What autograd computes through ``fn`` at ``x``: the gradient of fn(x).sum(), elementwise
    the derivative."""
    leaf = x.clone().requires_grad_(True)
    try:
        out = fn(leaf)
    except NotImplementedError:
        raise
    except RuntimeError as exc:  # e.g. an in-place write into a leaf that requires grad
        return {"error": observed_exception(exc), "requires_grad": False, "grad": None}
    obs = {"error": None, "requires_grad": False, "grad": None}
    if isinstance(out, torch.Tensor) and out.requires_grad and tuple(out.shape) == tuple(x.shape):
        obs["requires_grad"] = True
        with torch._C.DisableTorchFunctionSubclass():  # a Tensor subclass gets no say here
            out.sum().backward()
        obs["grad"] = observe(leaf.grad)
    return obs


def _stable(student, seed, function, with_grad: bool):
    x = inputs.large_input(seed, function)
    with _isolated(student, function) as fn:
        obs = {"out": observe(fn(x.clone()))}
        if with_grad:
            obs.update(_gradient(fn, x))
    return obs


def _from_scratch(student, seed, function):
    x = inputs.value_inputs(seed, function)[1]
    with _isolated(student, function) as fn, forbidden_calls(function) as seen:
        fn(x.clone())
    return {"seen": list(seen)}


# -------------------------------------------------------------------------------------- sigmoid

@scenario("sigmoid.values")
def sigmoid_values(student, seed):
    return _values(student, seed, "sigmoid")


@scenario("sigmoid.stable")
def sigmoid_stable(student, seed):
    return _stable(student, seed, "sigmoid", with_grad=True)


@scenario("sigmoid.from_scratch")
def sigmoid_from_scratch(student, seed):
    return _from_scratch(student, seed, "sigmoid")


# --------------------------------------------------------------------------------- sigmoid_grad

@scenario("sigmoid_grad.values")
def sigmoid_grad_values(student, seed):
    return _values(student, seed, "sigmoid_grad")


@scenario("sigmoid_grad.stable")
def sigmoid_grad_stable(student, seed):
    return _stable(student, seed, "sigmoid_grad", with_grad=False)


@scenario("sigmoid_grad.from_scratch")
def sigmoid_grad_from_scratch(student, seed):
    return _from_scratch(student, seed, "sigmoid_grad")


# ----------------------------------------------------------------------------------------- tanh

@scenario("tanh.values")
def tanh_values(student, seed):
    return _values(student, seed, "tanh")


@scenario("tanh.stable")
def tanh_stable(student, seed):
    return _stable(student, seed, "tanh", with_grad=True)


@scenario("tanh.from_scratch")
def tanh_from_scratch(student, seed):
    return _from_scratch(student, seed, "tanh")


# ------------------------------------------------------------------------------------ tanh_grad

@scenario("tanh_grad.values")
def tanh_grad_values(student, seed):
    return _values(student, seed, "tanh_grad")


@scenario("tanh_grad.stable")
def tanh_grad_stable(student, seed):
    return _stable(student, seed, "tanh_grad", with_grad=False)


@scenario("tanh_grad.from_scratch")
def tanh_grad_from_scratch(student, seed):
    return _from_scratch(student, seed, "tanh_grad")


# ---------------------------------------------------------------------------------- xavier_init

def _weight_observation(w) -> dict:
    is_tensor = isinstance(w, torch.Tensor)
    return {"w": observe(w), "requires_grad": bool(w.requires_grad) if is_tensor else None,
            "is_leaf": bool(w.is_leaf) if is_tensor else None}


@scenario("xavier_init.distribution")
def xavier_distribution(student, seed):
    return {"draws": [_weight_observation(student.xavier_init(n_in, n_out))
                      for n_in, n_out in inputs.XAVIER_SIZES]}


@scenario("xavier_init.fresh_each_call")
def xavier_fresh(student, seed):
    first = student.xavier_init(*inputs.XAVIER_FRESH_SIZES)
    second = student.xavier_init(*inputs.XAVIER_FRESH_SIZES)
    return {"first": observe(first), "second": observe(second)}


# torch.nn.init's initialisers are plain Python functions, invisible to a TorchFunctionMode; each
# of these asks _calculate_fan_in_and_fan_out for the fans (kaiming_* through
# _calculate_correct_fan), which is looked up in torch.nn.init's globals at every call, however
# the student imported the initialiser.
_LIBRARY_INITS = ("xavier_uniform_", "xavier_normal_", "kaiming_uniform_", "kaiming_normal_")


@contextlib.contextmanager
def _library_inits(seen: list[str]):
    """Record, into ``seen``, the torch.nn.init initialisers run inside."""
    init = torch.nn.init
    original = init._calculate_fan_in_and_fan_out

    def recording(*args, **kwargs):
        for depth in (1, 2):
            try:
                name = sys._getframe(depth).f_code.co_name
            except ValueError:
                break
            if name in _LIBRARY_INITS:
                label = f"nn.init.{name}"
                if label not in seen:
                    seen.append(label)
                break
        return original(*args, **kwargs)

    init._calculate_fan_in_and_fan_out = recording
    try:
        yield
    finally:
        init._calculate_fan_in_and_fan_out = original


@scenario("xavier_init.from_scratch")
def xavier_from_scratch(student, seed):
    with forbidden_calls("xavier_init") as seen, _library_inits(seen):
        student.xavier_init(*inputs.XAVIER_SCRATCH_SIZES)
    return {"seen": list(seen)}
