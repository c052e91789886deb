"""Verdict halves for the convergence checks: did training with the student's parts converge?

The scenario trains the book's recipe (``autograder.harness.recipes``) with one student part swapped
in among known-good ones (or, for ``.all``, with all of the chapter's student parts) and reports the
curves. Here the final numbers are compared with the pass marks calibrated on the reference parts
(``thresholds.toml``, written by bench/calibrate.py), and a failure explains what the curves show:
a NaN loss, a loss that climbs, a loss that does not move, or learning that is merely too slow,
with advice specific to the part that was swapped in.
"""
from __future__ import annotations

import functools
import math
import tomllib
from pathlib import Path
from typing import Any

import torch

from autograder.harness import datasets
from autograder.harness.chapters import CHAPTERS
from autograder.verdicts.registry import Fail, verdict

THRESHOLDS_FILE = Path(__file__).with_name("thresholds.toml")

RECIPE = {
    "linear_regression": "Linear regression (true w = [2, -3.4], b = 4.2; 1000 examples, batch 10, "
                         "lr 0.03, 3 epochs)",
    "softmax_regression": "Softmax regression on 3,000 Fashion-MNIST images (batch 64, lr 0.1)",
    "mlp": "The one-hidden-layer MLP on 3,000 Fashion-MNIST images (256 hidden units, "
           "torch.optim.SGD lr 0.5, batch 64)",
    "dropout": "The two-hidden-layer MLP with dropout 0.2/0.5 on 3,000 Fashion-MNIST images "
               "(256 + 256 hidden units, torch.optim.SGD lr 0.2, batch 32, 3 epochs)",
    "weight_decay": "Weight decay on the book's 20-example, 200-feature problem (lambd = 3, lr 0.003, "
                    "100 epochs)",
}

ADVICE = {
    "synthetic_data": "synthetic_data must return X drawn from N(0, 1) with shape (n, len(w)) and "
                      "y = X w + b plus N(0, 0.01^2) noise, shaped (n, 1)",
    "data_iter": "data_iter must yield every example exactly once per pass, in a fresh random order, "
                 "with rows of features and labels kept together",
    "linreg": "linreg must return X @ w + b, of shape (n, 1)",
    "squared_loss": "squared_loss must return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2, one value per "
                    "example (without the reshape, (n, 1) - (n,) broadcasts to (n, n))",
    "sgd": "sgd must step against the gradient, in place: param -= lr * param.grad / batch_size inside "
           "torch.no_grad(), then param.grad.zero_()",
    "softmax": "softmax must exponentiate and divide each row by its own sum "
               "(X_exp.sum(1, keepdim=True)), so that every row is a probability distribution",
    "cross_entropy": "cross_entropy must be -log of the probability given to the true class, one value "
                     "per example: check the minus sign and the indexing y_hat[range(len(y_hat)), y]",
    "train_epoch_ch3": "for every batch, train_epoch_ch3 must compute the loss, then for an optimizer "
                       "zero_grad(), l.mean().backward(), step(); for a function updater "
                       "l.sum().backward(), updater(X.shape[0])",
    "relu": "relu must return max(X, 0) elementwise, without modifying X in place",
    "init_mlp_params": "init_mlp_params must draw W1 and W2 from N(0, 0.01^2), set b1 and b2 to zero, "
                       "and make all four require gradients",
    "mlp": "mlp must flatten X to (n, 784) and return relu(X W1 + b1) W2 + b2 (logits, no softmax)",
    "dropout_layer": "dropout_layer must zero each element with probability `dropout` (keep it with "
                     "probability 1 - dropout) and divide the survivors by 1 - dropout",
    "init_dropout_mlp_params": "init_dropout_mlp_params must draw every weight from N(0, sigma^2) with "
                               "sigma from 0.01 (the book's) to 0.1 and set the biases to zero, all "
                               "requiring gradients",
    "dropout_mlp": "dropout_mlp must compute relu(X W1 + b1), drop it with dropout1, relu(H1 W2 + b2), "
                   "drop it with dropout2, and return H2 W3 + b3; dropout only when training is true",
    "l2_penalty": "l2_penalty must return sum(w ** 2) / 2 as a tensor computed from w, so that "
                  "the penalty's gradient lambd * w shrinks the weights",
}


@functools.lru_cache(maxsize=None)
def thresholds() -> dict:
    """The calibrated pass marks (bench/calibrate.py --write)."""
    with THRESHOLDS_FILE.open("rb") as f:
        return tomllib.load(f)


# --- reading the (untrusted) observation --------------------------------------------------------

class _Malformed(Exception):
    pass


def _float(value: Any) -> float | None:
    """A float for a number (a one-element tensor too); None for anything else."""
    try:
        import torch
        if isinstance(value, torch.Tensor) and value.numel() == 1:
            return float(value.reshape(()).item())
    except Exception:  # noqa: BLE001
        return None
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    return None


def _curve(obs: dict, key: str) -> list[float | None]:
    value = obs.get(key)
    if not isinstance(value, list):
        raise _Malformed(key)
    return [_float(v) for v in value]


def _bad(x: float | None) -> bool:
    return x is not None and not math.isfinite(x)


def _fmt(x: float | None) -> str:
    if x is None:
        return "?"
    if not math.isfinite(x):
        return str(x)
    return f"{x:.3g}" if abs(x) < 1e4 else f"{x:.2e}"


def _who(component: str, names: tuple[str, ...], obs: dict | None = None) -> str:
    if component == "all":
        return "all your parts (" + ", ".join(_tried(names, obs)) + ")"
    return f"your {component}"


def _tried(names: tuple[str, ...], obs: dict | None) -> tuple[str, ...]:
    """The student's parts the run trained with: ``names`` less those the end-to-end rerun took
    from the reference (``reference_parts``, set by the trusted side's request)."""
    reference = (obs or {}).get("reference_parts")
    if not isinstance(reference, list):
        return names
    return tuple(n for n in names if n not in reference)


def _loss_story(losses: list[float | None], component: str) -> str:
    """What the training-loss curve says, in one clause."""
    numbers = [x for x in losses if x is not None]
    for epoch, x in enumerate(losses, 1):
        if _bad(x):
            return (f"the training loss became {x} in epoch {epoch}: the numbers blew up (a step too "
                    "large or in the wrong direction, a log of 0, or a division by 0)")
    if len(numbers) < 2:
        return ""
    first, last = numbers[0], numbers[-1]
    curve = ", ".join(_fmt(x) for x in numbers)
    if component in ("cross_entropy", "all") and last < 0:
        return (f"the training loss is negative ({curve} per epoch), which a cross-entropy never is: "
                "the loss lost its minus sign, so training makes the true class less likely")
    if last > first * 1.05 + 1e-12:
        return (f"the training loss went up ({curve} per epoch): the updates climb the loss instead "
                "of descending it; check the sign of the step")
    if abs(last - first) <= 0.02 * abs(first) + 1e-12:
        return f"the training loss did not move ({curve} per epoch): the parameters are not learning"
    return f"the training loss went down ({curve} per epoch), but too slowly"


def _advice(component: str, names: tuple[str, ...], chapter: str) -> str:
    if component == "all":
        return ("each of these parts passes its own checks, so the fault is in how they work "
                "together: what one returns must be what the next expects (shapes, per-example "
                "losses, the batch size handed to the updater, gradients reset once per step)")
    return ADVICE.get(component, "")


def _join(*clauses: str) -> str:
    """Sentences from clauses: capitalised unless they start with a function's name."""
    out = []
    for c in clauses:
        if not c:
            continue
        if c.split()[0].split("(")[0] not in ADVICE:
            c = c[0].upper() + c[1:]
        out.append(c if c.endswith((".", "?", "!")) else c + ".")
    return " ".join(out)


def _problem(obs: dict, chapter: str, component: str, names: tuple[str, ...]) -> None:
    problem = obs.get("problem")
    if problem is not None:
        raise Fail(_join(f"{RECIPE[chapter]} could not train with {_who(component, names, obs)}: {problem}",
                         _advice(component, names, chapter)))


def _safely(fn):
    """Anything unexpected in an observation is the student's run's doing: report it as a Fail."""
    @functools.wraps(fn)
    def wrapper(obs, seed):
        thresholds()  # a missing or malformed thresholds.toml is our bug: let it raise
        try:
            if not isinstance(obs, dict):
                raise _Malformed("observation")
            return fn(obs, seed)
        except Fail:
            raise
        except Exception as exc:  # noqa: BLE001 - a verdict may only raise Fail
            raise Fail("the training run sent back a report that cannot be read "
                       f"({type(exc).__name__}: {exc}); did your code change the harness's objects?") from None
    return wrapper


# --- Fashion-MNIST classifiers -------------------------------------------------------------------

def _init_advice(obs: dict, component: str, expected_std: float | tuple[float, float]) -> str:
    """Specific advice when an init function's parameters look wrong (``expected_std``: the
    recipe's std, or the (lowest, highest) std that is right)."""
    low, high = expected_std if isinstance(expected_std, tuple) else (expected_std, expected_std)
    span = f"standard deviation from {low} to {high}"
    expected = f"{low}" if low == high else f"a {span}"
    init = obs.get("init")
    if not isinstance(init, list):
        return ""
    weights = [p for i, p in enumerate(init) if isinstance(p, dict) and i % 2 == 0]
    stds = [_float(p.get("std")) for p in weights]
    if stds and all(s is not None and s == 0.0 for s in stds):
        return (f"your {component} made all-zero weights: every hidden unit then computes the same "
                "value and receives the same update, so they never become different. Draw the weights "
                f"from N(0, {low}^2)" + ("" if low == high else f" (any {span} is right)"))
    if any(isinstance(p, dict) and p.get("requires_grad") is False for p in init):
        return f"some parameters made by your {component} do not require gradients, so they never change"
    for i, s in enumerate(stds):
        if s is not None and s > 0 and not (low / 3 < s < high * 3):
            why = ("too small: each layer shrinks the signal, so the gradients start tiny and training "
                   "barely moves" if s < low else "too large: the first steps overshoot")
            return (f"your {component} drew weights with standard deviation {s:.3g} (weight matrix "
                    f"{i + 1}); the recipe expects {expected}. That is {why}")
    return ""


def trusted_test_accuracy(chapter: str, params: Any) -> float | None:
    """Test accuracy of the trained weights under the book's model, measured here in the trusted
    process, so nothing the student's code does inside the worker can inflate it. None when the
    weights do not have the book's shapes."""
    if not isinstance(params, list) or not all(isinstance(p, torch.Tensor) for p in params):
        return None
    data = datasets.fashion_tensors()
    X = data.test_X.reshape(len(data.test_X), -1)
    try:
        with torch.no_grad():
            p = [t.float() for t in params]
            if chapter == "softmax_regression":
                W, b = p
                out = X @ W + b
            elif chapter == "mlp":
                W1, b1, W2, b2 = p
                out = torch.relu(X @ W1 + b1) @ W2 + b2
            else:
                W1, b1, W2, b2, W3, b3 = p
                out = torch.relu(torch.relu(X @ W1 + b1) @ W2 + b2) @ W3 + b3
    except (ValueError, RuntimeError, TypeError):
        return None
    if tuple(out.shape) != (len(X), 10):
        return None
    return float((out.argmax(dim=1) == data.test_y).double().mean())


def _classifier_verdict(chapter: str, component: str, names: tuple[str, ...]):
    def check(obs: dict, seed: int) -> None:
        _problem(obs, chapter, component, names)
        t = thresholds()[chapter]
        test_acc = _curve(obs, "test_acc")
        if not test_acc or test_acc[-1] is None:
            raise _Malformed("test_acc")
        final = trusted_test_accuracy(chapter, obs.get("final_params"))
        unmeasurable = final is None
        final = 0.0 if unmeasurable else final
        epochs = len(test_acc)
        losses = _curve(obs, "train_loss")
        mark = float(t["pass_test_accuracy"])
        if final >= mark and math.isfinite(final) and obs.get("params_finite") is not False:
            return
        head = (f"{RECIPE[chapter]} with {_who(component, names, obs)} reached {final:.2f} test accuracy "
                f"after {epochs} epochs; the reference reaches {t['reference_min']:.2f}-"
                f"{t['reference_max']:.2f} and the pass mark is {mark:.2f}")
        story = _loss_story(losses, component)
        if not story and obs.get("params_finite") is False:
            story = "the parameters became NaN or inf during training"
        if not story and unmeasurable:
            story = ("the trained parameters do not have the shapes of the book's model, so their "
                     "test accuracy could not be measured")
        if all(x is None for x in losses) and obs.get("epoch_returned"):
            story = (story + "; " if story else "") + (
                f"(train_epoch_ch3 returned {obs['epoch_returned']} instead of "
                "(mean loss, accuracy))")
        specific = ""
        if component == "cross_entropy" or (component == "all" and "cross_entropy" in names):
            shape = obs.get("loss_shape")
            if isinstance(shape, list) and len(shape) == 0:
                specific = ("your cross_entropy returned a single number per batch instead of one loss "
                            "per example; the training loop sums the losses (l.sum().backward()) and "
                            "divides the step by the batch size, so each step was 64 times too small")
        if component in ("init_mlp_params", "init_dropout_mlp_params", "all"):
            std = 0.01 if chapter == "mlp" else (0.01, 0.1)
            name = {"mlp": "init_mlp_params", "dropout": "init_dropout_mlp_params"}.get(chapter)
            if name and (component == name or component == "all"):
                specific = _init_advice(obs, name, std) or specific
        if component in ("dropout_mlp", "all") and chapter == "dropout" \
                and obs.get("eval_deterministic") is False:
            specific = ("your dropout_mlp gives different outputs for the same images with "
                        "training=False: apply dropout only when training is true, so that evaluation "
                        "is deterministic")
        student_acc = obs.get("student_test_acc")
        note = ""
        if component == "all":
            value = _float(student_acc)
            note = (f"(your evaluate_accuracy said {value:.2f})" if value is not None
                    else f"({student_acc})" if isinstance(student_acc, str) else "")
        raise Fail(_join(head, story, specific or _advice(component, names, chapter), note),
                   details={"test_acc": final, "pass_mark": mark})
    return check


# --- linear regression ---------------------------------------------------------------------------

TRUE_W, TRUE_B = (2.0, -3.4), 4.2


def _linear_regression_verdict(component: str, names: tuple[str, ...]):
    chapter = "linear_regression"

    def check(obs: dict, seed: int) -> None:
        _problem(obs, chapter, component, names)
        t = thresholds()[chapter]
        tol = float(t["tolerance"])
        w = obs.get("w")
        b = obs.get("b")
        import torch
        if not isinstance(w, torch.Tensor) or w.numel() != 2 or not isinstance(b, torch.Tensor) \
                or b.numel() != 1:
            raise _Malformed("w, b")
        w_list = [float(v) for v in w.double().reshape(-1)]
        b_val = float(b.double().reshape(()))
        errors = [abs(a - e) for a, e in zip(w_list, TRUE_W)] + [abs(b_val - TRUE_B)]
        if all(math.isfinite(e) and e <= tol for e in errors):
            return
        head = (f"{RECIPE[chapter]} with {_who(component, names, obs)} ended at w = "
                f"[{_fmt(w_list[0])}, {_fmt(w_list[1])}], b = {_fmt(b_val)}; the reference gets within "
                f"{t['reference_error']} of the true values and the pass mark is {tol}")
        story = _loss_story(_curve(obs, "train_loss"), component)
        specific = ""
        examples = obs.get("examples")
        if component in ("data_iter", "all") and isinstance(examples, list) and examples \
                and any(_float(e) != 1000.0 for e in examples):
            specific = (f"your data_iter yielded {', '.join(_fmt(_float(e)) for e in examples)} "
                        "examples per pass instead of 1000: every example must appear exactly once")
        raise Fail(_join(head, story, specific or _advice(component, names, chapter)),
                   details={"w": w_list, "b": b_val})
    return check


# --- weight decay --------------------------------------------------------------------------------

def _weight_decay_verdict(component: str, names: tuple[str, ...]):
    chapter = "weight_decay"

    def check(obs: dict, seed: int) -> None:
        _problem(obs, chapter, component, names)
        t = thresholds()[chapter]
        norm = _float(obs.get("w_norm"))
        if norm is None:
            raise _Malformed("w_norm")
        bound = float(t["max_w_norm"])
        if math.isfinite(norm) and norm <= bound:
            return
        head = (f"{RECIPE[chapter]} with {_who(component, names, obs)} ended with ||w|| = {_fmt(norm)}; the "
                f"reference ends at {t['reference_min']:.2f}-{t['reference_max']:.2f} (training without "
                f"weight decay ends at {t['no_decay_min']:.0f}-{t['no_decay_max']:.0f}) and the pass "
                f"mark is ||w|| <= {bound:.2f}")
        penalty = obs.get("penalty") if isinstance(obs.get("penalty"), dict) else {}
        story = ""
        if not math.isfinite(norm):
            story = "the weights blew up to NaN or inf"
        elif penalty.get("requires_grad") is False:
            story = (f"your l2_penalty returned {penalty.get('kind', 'a value')} that carries no gradient, "
                     "so the penalty never pushed w toward 0: keep it a tensor computed from w "
                     "(no .item(), float() or .detach())")
        elif norm >= float(t["no_decay_min"]) * 0.8:
            story = ("the penalty had almost no effect, as if there were no weight decay: did you take "
                     "the mean instead of the sum, or scale it down?")
        raise Fail(_join(head, story, _advice(component, names, chapter)),
                   details={"w_norm": norm, "bound": bound})
    return check


def _register() -> None:
    for chapter, (singles, everything) in CHAPTERS.items():
        for component, names in [(c, (c,)) for c in singles] + [("all", everything)]:
            if chapter == "linear_regression":
                fn = _linear_regression_verdict(component, names)
            elif chapter == "weight_decay":
                fn = _weight_decay_verdict(component, names)
            else:
                fn = _classifier_verdict(chapter, component, names)
            fn.__name__ = f"convergence_{chapter}_{component}"
            verdict(f"convergence.{chapter}.{component}")(_safely(fn))


_register()
