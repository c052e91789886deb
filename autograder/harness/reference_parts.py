"""Known-good training parts, written with torch's own operations (never the instructor's solutions).

A convergence run builds its model, loss, optimizer and training loop from a ``parts`` mapping
(component name -> callable) and swaps exactly one student component in among these. The composite
reference parts (``mlp``, ``dropout_mlp``) look their sub-parts (``relu``, ``dropout_layer``) up in
the final mapping, so ``assemble(dropout_layer=student_fn)`` trains the reference two-layer network
with the student's dropout.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import torch

Parts = dict[str, Callable[..., Any]]


# --- linear regression (d2l 3.2) ---------------------------------------------------------------

def synthetic_data(w, b, num_examples):
    """y = Xw + b + N(0, 0.01^2) noise; X ~ N(0, 1) of shape (n, len(w)); y of shape (n, 1)."""
    X = torch.normal(0.0, 1.0, (num_examples, len(w)))
    y = X @ w.reshape(-1) + b
    y = y + torch.normal(0.0, 0.01, y.shape)
    return X, y.reshape(-1, 1)


def data_iter(batch_size, features, labels):
    """Shuffled minibatches covering the data once (the last one may be smaller)."""
    order = torch.randperm(len(features))
    for i in range(0, len(features), batch_size):
        idx = order[i:i + batch_size]
        yield features[idx], labels[idx]


def linreg(X, w, b):
    return X @ w + b


def squared_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    """In-place minibatch SGD on a summed loss, then zero the gradients."""
    with torch.no_grad():
        for p in params:
            p.sub_(p.grad, alpha=lr / batch_size)
            p.grad.zero_()


# --- softmax regression (d2l 4.1-4.4) ----------------------------------------------------------

def softmax(X):
    return torch.softmax(X, dim=1)


def cross_entropy(y_hat, y):
    return -torch.log(y_hat.gather(1, y.reshape(-1, 1).long())).reshape(-1)


def accuracy(y_hat, y):
    """Number of correct predictions (a float), from (n, q) scores or (n,) labels."""
    if y_hat.dim() > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(dim=1)
    return float((y_hat.to(y.dtype) == y).sum())


def train_epoch_ch3(net, train_iter, loss, updater):
    """The book's training epoch: returns (mean training loss, training accuracy) per example."""
    if isinstance(net, torch.nn.Module):
        net.train()
    total_loss, correct, count = 0.0, 0.0, 0
    for X, y in train_iter:
        y_hat = net(X)
        l = loss(y_hat, y)
        if isinstance(updater, torch.optim.Optimizer):
            updater.zero_grad()
            l.mean().backward()
            updater.step()
        else:
            l.sum().backward()
            updater(X.shape[0])
        total_loss += float(l.detach().sum())
        correct += accuracy(y_hat.detach(), y)
        count += y.numel()
    return total_loss / count, correct / count


# --- multilayer perceptrons and dropout (d2l 5.1-5.2, 5.6) -------------------------------------

def relu(X):
    return torch.relu(X)


def _weights(*shape, std):
    return torch.nn.Parameter(torch.normal(0.0, std, shape))


def init_mlp_params(num_inputs, num_hiddens, num_outputs):
    return [_weights(num_inputs, num_hiddens, std=0.01), torch.nn.Parameter(torch.zeros(num_hiddens)),
            _weights(num_hiddens, num_outputs, std=0.01), torch.nn.Parameter(torch.zeros(num_outputs))]


def mlp(X, params, *, relu=relu):
    W1, b1, W2, b2 = params
    H = relu(X.reshape(-1, W1.shape[0]) @ W1 + b1)
    return H @ W2 + b2


def dropout_layer(X, dropout):
    """Inverted dropout with a Bernoulli keep-mask."""
    if dropout >= 1:
        return torch.zeros_like(X)
    if dropout <= 0:
        return X
    keep = torch.bernoulli(torch.full_like(X, 1.0 - dropout))
    return X * keep / (1.0 - dropout)


def init_dropout_mlp_params(num_inputs, num_hiddens1, num_hiddens2, num_outputs):
    sizes = [num_inputs, num_hiddens1, num_hiddens2, num_outputs]
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params += [_weights(fan_in, fan_out, std=0.1), torch.nn.Parameter(torch.zeros(fan_out))]
    return params


def dropout_mlp(X, params, dropout1, dropout2, training=True, *, relu=relu, dropout_layer=dropout_layer):
    W1, b1, W2, b2, W3, b3 = params
    H1 = relu(X.reshape(-1, W1.shape[0]) @ W1 + b1)
    if training:
        H1 = dropout_layer(H1, dropout1)
    H2 = relu(H1 @ W2 + b2)
    if training:
        H2 = dropout_layer(H2, dropout2)
    return H2 @ W3 + b3


# --- weight decay (d2l 3.7) --------------------------------------------------------------------

def l2_penalty(w):
    return (w ** 2).sum() / 2


REFERENCE: Parts = {
    "synthetic_data": synthetic_data, "data_iter": data_iter, "linreg": linreg,
    "squared_loss": squared_loss, "sgd": sgd,
    "softmax": softmax, "cross_entropy": cross_entropy, "accuracy": accuracy,
    "train_epoch_ch3": train_epoch_ch3,
    "relu": relu, "init_mlp_params": init_mlp_params, "mlp": mlp,
    "dropout_layer": dropout_layer, "init_dropout_mlp_params": init_dropout_mlp_params,
    "dropout_mlp": dropout_mlp,
    "l2_penalty": l2_penalty,
}

# Reference composites and the sub-parts they take from the assembled mapping.
_COMPOSITES = {"mlp": ("relu",), "dropout_mlp": ("relu", "dropout_layer")}


def assemble(overrides: dict[str, Callable[..., Any]] | None = None) -> Parts:
    """The reference parts with ``overrides`` swapped in; reference composites use the swapped
    sub-parts (the reference ``mlp`` calls an overriding ``relu``)."""
    overrides = dict(overrides or {})
    unknown = set(overrides) - set(REFERENCE)
    if unknown:
        raise KeyError(f"unknown parts: {sorted(unknown)}")
    parts = {**REFERENCE, **overrides}
    for name, deps in _COMPOSITES.items():
        if name not in overrides:
            parts[name] = functools.partial(REFERENCE[name], **{d: parts[d] for d in deps})
    return parts
