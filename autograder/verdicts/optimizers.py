"""Verdict halves for the optimizers: the init functions' zero states, and each step function's
parameters after every one of STEPS calls, against torch.optim's update rules run here on the same gradients
(and the book's variant of eps where it differs), with the classic mistakes named."""
from __future__ import annotations

from typing import Callable

import torch

from autograder.inputs import optimizers as inputs
from autograder.verdicts.optim_rules import torch_adam, torch_rmsprop, torch_sgd_momentum
from autograder.verdicts.expect import close, show, type_name
from autograder.verdicts.registry import Fail, verdict

# ================================================================ the init functions

_STRUCTURE = {
    "init_momentum_states": ("(v_w, v_b)", ("v_w", "v_b")),
    "init_rmsprop_states": ("(s_w, s_b)", ("s_w", "s_b")),
    "init_adam_states": ("((v_w, s_w), (v_b, s_b))", ("v_w", "s_w", "v_b", "s_b")),
}


def _leaves(init: str, out) -> list | None:
    """The state tensors in the book's order, or None when the structure is not the book's."""
    if not isinstance(out, (tuple, list)) or len(out) != 2:
        return None
    if init != "init_adam_states":
        return list(out)
    if not all(isinstance(pair, (tuple, list)) and len(pair) == 2 for pair in out):
        return None
    return [out[0][0], out[0][1], out[1][0], out[1][1]]


def _judge_init(obs, seed, init: str) -> None:
    if not isinstance(obs, dict):
        raise Fail(f"{init}: the results could not be read back")
    layout, names = _STRUCTURE[init]
    calls = obs.get("calls")
    dims = inputs.feature_dims(seed, init)
    if not isinstance(calls, list) or len(calls) != len(dims):
        raise Fail(f"{init}: the results could not be read back")
    for d, call in zip(dims, calls):
        out = call.get("out") if isinstance(call, dict) else None
        leaves = _leaves(init, out)
        if leaves is None:
            raise Fail(f"{init}({d}) returned {type_name(out)}, expected {layout}: the training "
                       "loop zips the parameters [w, b] with these states")
        for name, t in zip(names, leaves):
            shape = (d, 1) if name.endswith("_w") else (1,)
            if not isinstance(t, torch.Tensor):
                raise Fail(f"{init}({d}) returned {type_name(t)} as {name}, expected a tensor of "
                           f"zeros of shape {shape}")
            if tuple(t.shape) != shape:
                hint = (" (a column, like the weight w: torch.zeros((feature_dim, 1)))"
                        if name.endswith("_w") else " (like the bias b: torch.zeros(1))")
                raise Fail(f"{init}({d}) returned {name} of shape {tuple(t.shape)}, expected "
                           f"{shape}{hint}: each state has its parameter's shape")
            if not t.is_floating_point():
                raise Fail(f"{init}({d}) returned {name} of dtype {t.dtype}, expected floating "
                           "point zeros: torch.zeros(...) (an integer state cannot hold the "
                           "averages of gradients)")
            if not bool((t == 0).all()):
                raise Fail(f"{init}({d}) returned {name} = {show(t)}, expected zeros: the "
                           "averages start at 0 (torch.zeros, not torch.empty or torch.ones)")
        if call.get("shared") is True:
            raise Fail(f"{init}({d}) returned states that share memory (e.g. `v_w = s_w = "
                       "torch.zeros(...)`, or one tensor used twice): each update would overwrite "
                       "the other; make a separate torch.zeros for each state")




# ================================================================ the step functions

Update = Callable[[torch.Tensor, torch.Tensor, list, dict, int], torch.Tensor]
# (p, grad, state as a list of tensors updated in place, hyperparams, t) -> the new p


def _simulate(optimizer: str, case: inputs.StepCase, update: Update, keep_state: bool = True,
              t_per_param: int = 0) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """(w, b) after each step of ``update`` (float64); ``keep_state=False`` restarts the states at
    zero every step; ``t_per_param`` > 0 advances Adam's t per parameter instead of per step."""
    params = [case.w0.clone(), case.b0.clone()]
    n_states = 2 if optimizer == "adam" else 1
    states = [[torch.zeros_like(p) for _ in range(n_states)] for p in params]
    t = int(case.hyperparams.get("t", 1))
    out = []
    for grads in case.grads:
        if not keep_state:
            states = [[torch.zeros_like(p) for _ in range(n_states)] for p in params]
        for k, (p, g) in enumerate(zip(params, grads)):
            params[k] = update(p, g, states[k], case.hyperparams, t + k * t_per_param)
        t += 1 + (len(params) - 1) * t_per_param
        out.append((params[0].clone(), params[1].clone()))
    return out


def _torch_optim(optimizer: str, case: inputs.StepCase, eps: float = 1e-8) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """(w, b) after each step of the torch.optim optimizer, by its own update rule
    (verdicts/optim_rules.py: torch.optim itself would import torch._dynamo here)."""
    start, hp = (case.w0, case.b0), case.hyperparams
    if optimizer == "sgd_momentum":
        return torch_sgd_momentum(start, case.grads, lr=hp["lr"], momentum=hp["momentum"])
    if optimizer == "rmsprop":
        return torch_rmsprop(start, case.grads, lr=hp["lr"], alpha=hp["gamma"], eps=eps)
    return torch_adam(start, case.grads, lr=hp["lr"], betas=(0.9, 0.999), eps=eps)


def _momentum(dampening: float = 0.0, lr_in_v: bool = False, sign: float = 1.0) -> Update:
    def update(p, g, state, hp, t):
        v = state[0]
        v.copy_(hp["momentum"] * v + (1 - dampening * hp["momentum"]) * g * (hp["lr"] if lr_in_v else 1))
        return p - sign * hp["lr"] * v
    return update


def _rmsprop(eps: float = 1e-6, inside: bool = True, swapped: bool = False, root: bool = True) -> Update:
    def update(p, g, state, hp, t):
        gamma = hp["gamma"]
        s = state[0]
        old, new = (1 - gamma, gamma) if swapped else (gamma, 1 - gamma)
        s.copy_(old * s + new * g ** 2)
        denom = (torch.sqrt(s + eps) if inside else torch.sqrt(s) + eps) if root else s + eps
        return p - hp["lr"] * g / denom
    return update


def _adam(eps: float = 1e-6, inside: bool = False, correct: bool = True,
          t_fixed: int | None = None) -> Update:
    def update(p, g, state, hp, t):
        v, s = state
        step = t if t_fixed is None else t_fixed
        v.copy_(0.9 * v + 0.1 * g)
        s.copy_(0.999 * s + 0.001 * g ** 2)
        v_hat = v / (1 - 0.9 ** step) if correct else v
        s_hat = s / (1 - 0.999 ** step) if correct else s
        denom = torch.sqrt(s_hat + eps) if inside else torch.sqrt(s_hat) + eps
        return p - hp["lr"] * v_hat / denom
    return update


_KEEP = ("the state is not kept between steps: `v = ...` (or `s = ...`) binds a new local name, "
         "so the tensor the training loop passes back next time stays zero and every step acts "
         "like the first; update the state in place, `v[:] = ...`")


def _correct(optimizer: str, case) -> list:
    """Every trajectory a correct implementation may produce."""
    if optimizer == "sgd_momentum":
        return [_torch_optim(optimizer, case)]
    if optimizer == "rmsprop":
        return [_torch_optim(optimizer, case, eps=1e-6), _torch_optim(optimizer, case, eps=1e-8),
                _simulate(optimizer, case, _rmsprop(1e-6, inside=True)),
                _simulate(optimizer, case, _rmsprop(1e-8, inside=True))]
    return [_torch_optim(optimizer, case, eps=1e-6), _torch_optim(optimizer, case, eps=1e-8),
            _simulate(optimizer, case, _adam(1e-6, inside=True)),
            _simulate(optimizer, case, _adam(1e-8, inside=True))]


def _wrong(optimizer: str, case) -> list[tuple[list, str]]:
    """What the classic mistakes produce, each with the message that names it."""
    if optimizer == "sgd_momentum":
        return [
            (_simulate(optimizer, case, _momentum(), keep_state=False),
             "sgd_momentum moved like plain SGD, p -= lr * p.grad: " + _KEEP),
            (_simulate(optimizer, case, _momentum(dampening=1.0)),
             "sgd_momentum weighted the gradient by (1 - momentum), v = momentum * v + "
             "(1 - momentum) * p.grad (an average, what torch calls dampening): the book's "
             "momentum adds the whole gradient, v = momentum * v + p.grad"),
            (_simulate(optimizer, case, _momentum(lr_in_v=True)),
             "sgd_momentum applied lr twice, once in v and once in the step: with "
             "v = momentum * v + p.grad the step is p -= lr * v (or fold lr into v and step "
             "p -= v, but not both)"),
            (_simulate(optimizer, case, _momentum(sign=-1.0)),
             "sgd_momentum moved the parameters up the gradient: subtract, p -= lr * v"),
        ]
    if optimizer == "rmsprop":
        return [
            (_simulate(optimizer, case, _rmsprop(), keep_state=False), "rmsprop: " + _KEEP),
            (_simulate(optimizer, case, _rmsprop(swapped=True)),
             "rmsprop swapped gamma and 1 - gamma: the average keeps gamma of the old s and "
             "adds (1 - gamma) * p.grad ** 2, s = gamma * s + (1 - gamma) * p.grad ** 2"),
            (_simulate(optimizer, case, _rmsprop(root=False)),
             "rmsprop divided by s + eps instead of its square root: the step is "
             "lr * p.grad / torch.sqrt(s + eps), so it is about lr whatever the scale of the "
             "gradient"),
        ]
    return [
        (_simulate(optimizer, case, _adam(), keep_state=False), "adam: " + _KEEP),
        (_simulate(optimizer, case, _adam(correct=False)),
         "adam has no bias correction: v and s start at 0, so divide them by (1 - beta1 ** t) "
         "and (1 - beta2 ** t) before the step (v_hat, s_hat), with t = hyperparams['t']"),
        (_simulate(optimizer, case, _adam(t_fixed=1)),
         "adam used t = 1 on every step: the bias correction must use the step number "
         "hyperparams['t'], and adam adds 1 to it after each step"),
        (_simulate(optimizer, case, _adam(), t_per_param=1),
         "adam advanced t once per parameter instead of once per step: add 1 to "
         "hyperparams['t'] after the loop over the parameters"),
    ]


def _same(got: list, expected: list) -> bool:
    return len(got) == len(expected) and all(
        close(gw, ew, rtol=1e-7, atol=1e-10) and close(gb, eb, rtol=1e-7, atol=1e-10)
        for (gw, gb), (ew, eb) in zip(got, expected))


def _setup(case) -> str:
    """The inputs of the first step, for a message about a wrong step."""
    g_b = case.grads[0][1]
    return (f"hyperparams = {case.hyperparams}, b = {show(case.b0)} with b.grad = {show(g_b)} "
            f"on the first step")


def _read_steps(obs, optimizer: str, case) -> list[tuple[torch.Tensor, torch.Tensor]]:
    """The student's (w, b) after each step; Fail on an error, a broken or unmoved parameter."""
    steps = obs.get("steps")
    error = obs.get("error") if isinstance(obs.get("error"), str) else ""
    if not isinstance(steps, list):
        raise Fail(f"{optimizer}: the results could not be read back")
    got = []
    for k, step in enumerate(steps):
        pair = []
        for name, before in (("w", case.w0), ("b", case.b0)):
            value = step.get(name) if isinstance(step, dict) else None
            if not isinstance(value, torch.Tensor) or tuple(value.shape) != tuple(before.shape):
                raise Fail(f"after step {k + 1} of {optimizer} the parameter {name} is "
                           f"{type_name(value)}, expected a tensor of shape {tuple(before.shape)}")
            pair.append(value.detach().double())
        got.append(tuple(pair))
    first_unmoved = bool(got) and close(got[0][0], case.w0, rtol=1e-12, atol=0) and \
        close(got[0][1], case.b0, rtol=1e-12, atol=0)
    if error:
        where = f"on step {len(got) + 1}" if got else "on its first call"
        extra = ""
        if "leaf Variable" in error:
            extra = ": update the parameters and states inside `with torch.no_grad():`"
        raise Fail(f"{optimizer} raised {error} {where}{extra}")
    if len(got) != inputs.STEPS:
        raise Fail(f"{optimizer}: the results could not be read back")
    if first_unmoved:
        raise Fail(f"{optimizer} left the parameters unchanged ({_setup(case)}): "
                   "`p = p - ...` only rebinds a local name; update in place, `p[:] -= ...` or "
                   "`p -= ...` inside `with torch.no_grad():`, and zero p.grad only after using it")
    if any(not bool(torch.isfinite(w).all() and torch.isfinite(b).all()) for w, b in got):
        hint = (" (the square root of a negative average: square the gradient, "
                "s = ... + (1 - gamma) * p.grad ** 2)" if optimizer == "rmsprop" else
                " (the square root of a negative average: square the gradient, "
                "s = beta2 * s + (1 - beta2) * p.grad ** 2)" if optimizer == "adam" else "")
        raise Fail(f"{optimizer} made the parameters NaN or inf{hint}")
    return got


def _judge_t(obs, case) -> None:
    t0 = int(case.hyperparams["t"])
    ts = [step.get("t") for step in obs["steps"]]
    for k, t in enumerate(ts):
        if isinstance(t, torch.Tensor) and t.numel() == 1:
            t = t.item()
        if not isinstance(t, (int, float)) or isinstance(t, bool):
            raise Fail(f"after step {k + 1} of adam hyperparams['t'] is {type_name(t)}, expected "
                       f"the number {t0 + k + 1}: keep the step count in hyperparams['t'] and add 1 "
                       "to it once per step")
        if t != t0 + k + 1:
            if k == 0 and t == t0:
                raise Fail(f"adam did not advance hyperparams['t']: it is still {t0} after a step. "
                           "Add 1 to it once per step, after the loop over the parameters, so the "
                           "bias correction of the next step uses t + 1")
            if k == 0 and t == t0 + 2:
                raise Fail("adam advanced hyperparams['t'] once per parameter (t went from "
                           f"{t0} to {t0 + 2} in one step with two parameters): add 1 after the "
                           "loop over the parameters")
            raise Fail(f"after step {k + 1} of adam hyperparams['t'] is {t}, expected "
                       f"{t0 + k + 1}: add 1 to it once per step")


def _judge_steps(obs, seed, optimizer: str) -> None:
    if not isinstance(obs, dict):
        raise Fail(f"{optimizer}: the results could not be read back")
    case = inputs.step_case(seed, optimizer)
    got = _read_steps(obs, optimizer, case)
    wrong = _wrong(optimizer, case)
    if optimizer == "adam":   # its t mistakes before t itself: their message says more
        for expected, message in wrong[2:]:
            if _same(got, expected):
                raise Fail(message)
        _judge_t(obs, case)
    correct = _correct(optimizer, case)
    if any(_same(got, expected) for expected in correct):
        if obs.get("requires_grad") is not True:
            raise Fail(f"after {optimizer} the parameters no longer require grad: update them "
                       "in place under torch.no_grad() so they stay trainable leaves")
        return
    for expected, message in wrong:
        if _same(got, expected):
            raise Fail(message)
    reference = correct[0]
    for k, ((gw, gb), (ew, eb)) in enumerate(zip(got, reference)):
        if not (close(gw, ew, rtol=1e-7, atol=1e-10) and close(gb, eb, rtol=1e-7, atol=1e-10)):
            which = "the first step" if k == 0 else f"step {k + 1} (the steps before it were right)"
            hint = (" — a state updated wrongly or not in place shows from the second step on"
                    if k else "")
            raise Fail(f"{optimizer} went wrong on {which}: b became {show(gb)}, expected "
                       f"{show(eb)} (torch.optim on the same gradients; {_setup(case)})"
                       f"{hint}")


def _judge_zeroes(obs, seed, optimizer: str) -> None:
    if not isinstance(obs, dict):
        raise Fail(f"{optimizer}: the results could not be read back")
    case = inputs.step_case(seed, optimizer)
    error = obs.get("error")
    if isinstance(error, str) and error:
        raise Fail(f"{optimizer} raised {error}: update each parameter in place under "
                   "torch.no_grad(), then zero its gradient with p.grad.data.zero_()")
    steps = obs.get("steps")
    if not isinstance(steps, list) or len(steps) != len(case.grads) or \
            not all(isinstance(step, dict) and "w_grad" in step and "b_grad" in step for step in steps):
        raise Fail(f"{optimizer}: the results could not be read back")
    for step in steps:
        for name in ("w", "b"):
            grad = step[f"{name}_grad"]
            if grad is None:
                continue
            if not isinstance(grad, torch.Tensor) or not bool((grad == 0).all()):
                raise Fail(f"{optimizer} did not zero the gradients: after the step {name}.grad is "
                           f"{show(grad)}, so the next backward() adds onto it; call "
                           "p.grad.data.zero_() after updating each parameter (p.grad = None is "
                           "accepted too), as the book's sgd does")


def _judge_scratch(obs, seed, optimizer: str) -> None:
    if not isinstance(obs, dict):
        raise Fail(f"{optimizer}: the results could not be read back")
    seen = obs.get("seen")
    if not isinstance(seen, list):
        raise Fail(f"{optimizer}: the library calls could not be read back")
    if seen:
        raise Fail(f"{optimizer} built a library optimizer ({', '.join(map(str, seen))}): the "
                   "exercise is to write the update yourself, so a torch.optim optimizer earns "
                   f"no points for {optimizer}")


# ================================================================ the registered verdicts

@verdict("init_momentum_states.zeros")
def init_momentum_states_zeros(obs, seed):
    _judge_init(obs, seed, "init_momentum_states")


@verdict("init_rmsprop_states.zeros")
def init_rmsprop_states_zeros(obs, seed):
    _judge_init(obs, seed, "init_rmsprop_states")


@verdict("init_adam_states.zeros")
def init_adam_states_zeros(obs, seed):
    _judge_init(obs, seed, "init_adam_states")


@verdict("sgd_momentum.steps")
def sgd_momentum_steps(obs, seed):
    _judge_steps(obs, seed, "sgd_momentum")


@verdict("sgd_momentum.zeroes_grads")
def sgd_momentum_zeroes_grads(obs, seed):
    _judge_zeroes(obs, seed, "sgd_momentum")


@verdict("sgd_momentum.from_scratch")
def sgd_momentum_from_scratch(obs, seed):
    _judge_scratch(obs, seed, "sgd_momentum")


@verdict("rmsprop.steps")
def rmsprop_steps(obs, seed):
    _judge_steps(obs, seed, "rmsprop")


@verdict("rmsprop.zeroes_grads")
def rmsprop_zeroes_grads(obs, seed):
    _judge_zeroes(obs, seed, "rmsprop")


@verdict("rmsprop.from_scratch")
def rmsprop_from_scratch(obs, seed):
    _judge_scratch(obs, seed, "rmsprop")


@verdict("adam.steps")
def adam_steps(obs, seed):
    _judge_steps(obs, seed, "adam")


@verdict("adam.zeroes_grads")
def adam_zeroes_grads(obs, seed):
    _judge_zeroes(obs, seed, "adam")


@verdict("adam.from_scratch")
def adam_from_scratch(obs, seed):
    _judge_scratch(obs, seed, "adam")
