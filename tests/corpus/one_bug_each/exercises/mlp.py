"""Multilayer perceptrons and dropout from scratch (d2l.ai, sections 5.1-5.2 and 5.6).

A hidden layer with a ReLU turns softmax regression into an MLP (about 0.85 test accuracy on
Fashion-MNIST with the book's recipe); dropout regularises it by zeroing hidden units in training.
"""
import torch


def relu(X):
    """The rectified linear unit, elementwise: max(X, 0).

    Return a new tensor of the same shape; do not modify `X` in place (autograd and the caller
    still need it). Write it yourself: no `torch.relu`, `F.relu` or `nn.ReLU`.

    >>> relu(torch.tensor([-1.0, 0.0, 2.0]))   # tensor([0., 0., 2.])
    """
    a = torch.zeros_like(X)
    return torch.max(X, a)


def init_mlp_params(num_inputs, num_hiddens, num_outputs):
    """Create `[W1, b1, W2, b2]` for a one-hidden-layer MLP.

    Shapes: W1 (num_inputs, num_hiddens), b1 (num_hiddens,), W2 (num_hiddens, num_outputs),
    b2 (num_outputs,). Weights drawn from N(0, 0.01^2), biases zero; all require gradients.

    Pitfall: all-zero weights make every hidden unit identical, and they stay identical.

    >>> W1, b1, W2, b2 = init_mlp_params(784, 256, 10)
    """
    W1 = torch.nn.Parameter(torch.randn(num_inputs, num_hiddens) * 0.01)
    b1 = torch.nn.Parameter(torch.zeros(num_hiddens))
    W2 = torch.nn.Parameter(torch.randn(num_hiddens, num_outputs) * 0.01)
    b2 = torch.nn.Parameter(torch.zeros(num_outputs))
    return [W1, b1, W2, b2]


def mlp(X, params):
    """Forward pass of the MLP: relu(X W1 + b1) W2 + b2, returning logits (no softmax).

    `X` may be images (n, 1, 28, 28): flatten it to (n, num_inputs) with `X.reshape(-1, W1.shape[0])`.
    `params` is `[W1, b1, W2, b2]`. Use your `relu`.

    Pitfall: without the activation the two layers collapse into one linear map.

    >>> mlp(torch.zeros(2, 1, 28, 28), init_mlp_params(784, 256, 10)).shape   # (2, 10)
    """
    W1, b1, W2, b2 = params
    X = X.reshape((-1, W1.shape[0]))
    H = relu(X @ W1 + b1)
    return H @ W2 + b2


def dropout_layer(X, dropout):
    """Inverted dropout: zero each element with probability `dropout`, scale survivors by 1/(1-p).

    The scaling keeps the expected value of every element equal to X. `dropout == 1` returns all
    zeros (do not divide by 0); `dropout == 0` returns `X` unchanged. Do not modify `X` in place.
    Write it yourself: no `F.dropout` or `nn.Dropout`.

    >>> dropout_layer(torch.ones(2, 4), 0.5)   # each entry 0.0 or 2.0, about half of each
    """
    assert 0 <= dropout <= 1
    if dropout == 1:
        return torch.zeros_like(X)
    mask = (torch.rand(X.shape) > dropout).float()
    return mask * X / (1.0 - dropout)


def init_dropout_mlp_params(num_inputs, num_hiddens1, num_hiddens2, num_outputs):
    """Create `[W1, b1, W2, b2, W3, b3]` for an MLP with two hidden layers.

    Weights drawn from N(0, sigma^2) with any sigma from 0.01 (the book's choice for this
    network) to 0.1, biases zero; all require gradients.

    Pitfall: much smaller weights (0.001) shrink the signal at each layer, so with two hidden
    layers the gradients start so small that training barely moves; N(0, 1) (torch.randn
    without a scale) is far too large.

    >>> params = init_dropout_mlp_params(784, 256, 256, 10)   # W1 is (784, 256), b3 is (10,)
    """
    sizes = [num_inputs, num_hiddens1, num_hiddens2, num_outputs]
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        params.append(torch.nn.Parameter(torch.randn(fan_in, fan_out) * 0.1))
        params.append(torch.nn.Parameter(torch.zeros(fan_out)))
    return params


def dropout_mlp(X, params, dropout1, dropout2, training=True):
    """Forward pass of the two-hidden-layer MLP with dropout after each hidden ReLU.

    H1 = relu(X W1 + b1), dropped with `dropout1`; H2 = relu(H1 W2 + b2), dropped with `dropout2`;
    return logits H2 W3 + b3. Apply dropout only when `training` is true: at evaluation the
    network must be deterministic.

    >>> dropout_mlp(X, params, 0.2, 0.5, training=False).shape   # (n, 10)
    """
    W1, b1, W2, b2, W3, b3 = params
    X = X.reshape((-1, W1.shape[0]))
    H1 = relu(X @ W1 + b1)
    if training:
        H1 = dropout_layer(H1, dropout1)
    H2 = relu(H1 @ W2 + b2)
    if training:
        H2 = dropout_layer(H2, dropout2)
    return H2 @ W3 + b3
