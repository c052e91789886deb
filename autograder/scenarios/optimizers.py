"""Scenario halves for the optimizers: the init functions' states, and STEPS calls of each step
function on known-good states, recording the parameters, gradients and t after every call."""
from __future__ import annotations

import torch

from autograder.inputs import optimizers as inputs
from autograder.scenarios.observe import forbidden_calls, observe
from autograder.scenarios.registry import scenario
from autograder.worker.errors import observed_exception


def _flatten(value) -> list:
    """The tensors of a (possibly nested) tuple or list, in order."""
    if isinstance(value, torch.Tensor):
        return [value]
    if isinstance(value, (tuple, list)):
        return [t for item in value for t in _flatten(item)]
    return []


def _shares_memory(tensors: list[torch.Tensor]) -> bool:
    ptrs = [t.untyped_storage().data_ptr() for t in tensors if t.numel()]
    return len(set(ptrs)) < len(ptrs)


def _init_run(student, seed, init: str) -> dict:
    calls = []
    for d in inputs.feature_dims(seed, init):
        out = getattr(student, init)(d)
        calls.append({"d": d, "out": observe(out), "shared": _shares_memory(_flatten(out))})
    return {"calls": calls}


@scenario("init_momentum_states.zeros")
def init_momentum_states_zeros(student, seed):
    return _init_run(student, seed, "init_momentum_states")


@scenario("init_rmsprop_states.zeros")
def init_rmsprop_states_zeros(student, seed):
    return _init_run(student, seed, "init_rmsprop_states")


@scenario("init_adam_states.zeros")
def init_adam_states_zeros(student, seed):
    return _init_run(student, seed, "init_adam_states")


def _steps(student, seed, optimizer: str) -> dict:
    case = inputs.step_case(seed, optimizer)
    w = case.w0.clone().requires_grad_(True)
    b = case.b0.clone().requires_grad_(True)
    states = inputs.fresh_states(optimizer, w.detach(), b.detach())
    hyperparams = dict(case.hyperparams)
    step = getattr(student, optimizer)
    trajectory, error = [], ""
    for g_w, g_b in case.grads:
        w.grad, b.grad = g_w.clone(), g_b.clone()
        try:
            step([w, b], states, hyperparams)
        except NotImplementedError:
            raise
        except Exception as exc:  # noqa: BLE001 - the verdict explains it
            error = observed_exception(exc, 200)
            break
        trajectory.append({"w": observe(w), "b": observe(b), "w_grad": observe(w.grad),
                           "b_grad": observe(b.grad), "t": observe(hyperparams.get("t"))})
    return {"steps": trajectory, "error": error, "requires_grad": bool(w.requires_grad and b.requires_grad),
            "hyperparams_keys": sorted(str(k) for k in hyperparams)}


def _steps_from_scratch(student, seed, optimizer: str) -> dict:
    with forbidden_calls(optimizer) as seen:
        _steps(student, seed, optimizer)
    return {"seen": list(seen)}


# steps and zeroes_grads share one scenario function, so the two checks share one run
@scenario("sgd_momentum.steps")
@scenario("sgd_momentum.zeroes_grads")
def sgd_momentum_steps(student, seed):
    return _steps(student, seed, "sgd_momentum")


@scenario("sgd_momentum.from_scratch")
def sgd_momentum_from_scratch(student, seed):
    return _steps_from_scratch(student, seed, "sgd_momentum")


@scenario("rmsprop.steps")
@scenario("rmsprop.zeroes_grads")
def rmsprop_steps(student, seed):
    return _steps(student, seed, "rmsprop")


@scenario("rmsprop.from_scratch")
def rmsprop_from_scratch(student, seed):
    return _steps_from_scratch(student, seed, "rmsprop")


@scenario("adam.steps")
@scenario("adam.zeroes_grads")
def adam_steps(student, seed):
    return _steps(student, seed, "adam")


@scenario("adam.from_scratch")
def adam_from_scratch(student, seed):
    return _steps_from_scratch(student, seed, "adam")
