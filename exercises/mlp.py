# Generated from solutions/ by `autograder build-exercises`: fill in the bodies.
"""Multilayer perceptrons and dropout from scratch (d2l.ai, sections 5.1-5.2, 5.4 and 5.6).

A hidden layer with a ReLU turns softmax regression into an MLP (about 0.85 test accuracy on
Fashion-MNIST with the book's recipe); dropout regularises it by zeroing hidden units in training.
The sigmoid and tanh activations with their derivatives, numerically stable, and Xavier
initialisation (5.4) close the chapter.
"""
import torch


def relu(X):
    """The rectified linear unit, elementwise: max(X, 0).

    Return a new tensor of the same shape; do not modify `X` in place (autograd and the caller
    still need it). Write it yourself: no `torch.relu`, `F.relu` or `nn.ReLU`.

    >>> relu(torch.tensor([-1.0, 0.0, 2.0]))   # tensor([0., 0., 2.])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def init_mlp_params(num_inputs, num_hiddens, num_outputs):
    """Create `[W1, b1, W2, b2]` for a one-hidden-layer MLP.

    Shapes: W1 (num_inputs, num_hiddens), b1 (num_hiddens,), W2 (num_hiddens, num_outputs),
    b2 (num_outputs,). Weights drawn from N(0, 0.01^2), biases zero; all require gradients.

    Pitfall: all-zero weights make every hidden unit identical, and they stay identical.

    >>> W1, b1, W2, b2 = init_mlp_params(784, 256, 10)
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def mlp(X, params):
    """Forward pass of the MLP: relu(X W1 + b1) W2 + b2, returning logits (no softmax).

    `X` may be images (n, 1, 28, 28): flatten it to (n, num_inputs) with `X.reshape(-1, W1.shape[0])`.
    `params` is `[W1, b1, W2, b2]`. Use your `relu`.

    Pitfall: without the activation the two layers collapse into one linear map.

    >>> mlp(torch.zeros(2, 1, 28, 28), init_mlp_params(784, 256, 10)).shape   # (2, 10)
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def dropout_layer(X, dropout):
    """Inverted dropout: zero each element with probability `dropout`, scale survivors by 1/(1-p).

    The scaling keeps the expected value of every element equal to X. `dropout == 1` returns all
    zeros (do not divide by 0); `dropout == 0` returns `X` unchanged. Do not modify `X` in place.
    Write it yourself: no `F.dropout` or `nn.Dropout`.

    >>> dropout_layer(torch.ones(2, 4), 0.5)   # each entry 0.0 or 2.0, about half of each
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def init_dropout_mlp_params(num_inputs, num_hiddens1, num_hiddens2, num_outputs):
    """Create `[W1, b1, W2, b2, W3, b3]` for an MLP with two hidden layers.

    Weights drawn from N(0, sigma^2) with any sigma from 0.01 (the book's choice for this
    network) to 0.1, biases zero; all require gradients.

    Pitfall: much smaller weights (0.001) shrink the signal at each layer, so with two hidden
    layers the gradients start so small that training barely moves; N(0, 1) (torch.randn
    without a scale) is far too large.

    >>> params = init_dropout_mlp_params(784, 256, 256, 10)   # W1 is (784, 256), b3 is (10,)
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def dropout_mlp(X, params, dropout1, dropout2, training=True):
    """Forward pass of the two-hidden-layer MLP with dropout after each hidden ReLU.

    H1 = relu(X W1 + b1), dropped with `dropout1`; H2 = relu(H1 W2 + b2), dropped with `dropout2`;
    return logits H2 W3 + b3. Apply dropout only when `training` is true: at evaluation the
    network must be deterministic.

    >>> dropout_mlp(X, params, 0.2, 0.5, training=False).shape   # (n, 10)
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def sigmoid(X):
    """The sigmoid (logistic) function, elementwise: 1 / (1 + exp(-X)), squashing X into (0, 1).

    Return a new tensor of X's shape and dtype. Keep it stable for large |X|: exp(-X) overflows
    to inf for X = -1000 in float32 (and exp(X) for X = +1000), even though the result is just
    0 or 1, and autograd then backpropagates inf * 0 = nan. Only ever exponentiate numbers <= 0:
    sigmoid(X) is 1 / (1 + exp(-X)) where X >= 0 and exp(X) / (1 + exp(X)) where X < 0.
    Write it yourself: no `torch.sigmoid`, `X.sigmoid()`, `F.sigmoid`, `torch.special.expit` or
    `nn.Sigmoid`.

    Pitfall: `torch.where(X >= 0, 1 / (1 + torch.exp(-X)), ...)` still computes exp(-X) for the
    negative entries, and autograd differentiates both branches: the one not selected overflows
    and turns the gradient into 0 * inf = nan. Zero the entries a branch does not use first.

    >>> sigmoid(torch.tensor([-1000.0, 0.0, 1000.0]))   # tensor([0.0000, 0.5000, 1.0000])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def sigmoid_grad(X):
    """The derivative of the sigmoid, elementwise: sigmoid(X) * (1 - sigmoid(X)).

    Compute it from this formula (use your `sigmoid`), not with autograd (no `backward`, no
    `torch.autograd.grad`). It peaks at 0.25 at X = 0 and vanishes for large |X|, which is why
    deep sigmoid networks learn slowly. It must be 0, not nan, for X = +-1000.

    Pitfall: the textbook form exp(-X) / (1 + exp(-X))**2 is inf / inf = nan once exp(-X)
    overflows (X = -100 in float32).

    >>> sigmoid_grad(torch.tensor([0.0, 1000.0]))   # tensor([0.2500, 0.0000])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def tanh(X):
    """The hyperbolic tangent, elementwise: (1 - exp(-2X)) / (1 + exp(-2X)), in (-1, 1).

    Return a new tensor of X's shape and dtype. Keep it stable for large |X|: for X = -1000,
    exp(-2X) is inf and the formula gives inf / inf = nan instead of -1. Only ever exponentiate
    numbers <= 0: tanh(X) is (1 - exp(-2X)) / (1 + exp(-2X)) where X >= 0 and
    (exp(2X) - 1) / (exp(2X) + 1) where X < 0. (2 * sigmoid(2X) - 1 with your stable sigmoid is
    just as good.) Write it yourself: no `torch.tanh`, `X.tanh()`, `F.tanh` or `nn.Tanh`.

    Pitfall: `torch.where` computes both branches and autograd differentiates both, so a branch
    that overflows where it is not selected still turns the gradient into 0 * inf = nan.

    >>> tanh(torch.tensor([-1000.0, 0.0, 1000.0]))   # tensor([-1., 0., 1.])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def tanh_grad(X):
    """The derivative of tanh, elementwise: 1 - tanh(X)**2.

    Compute it from this formula (use your `tanh`), not with autograd (no `backward`, no
    `torch.autograd.grad`). It is 1 at X = 0 and vanishes for large |X|; it must be 0, not nan,
    for X = +-1000.

    Pitfall: 4 exp(-2X) / (1 + exp(-2X))**2 is inf / inf = nan once exp(-2X) overflows.

    >>> tanh_grad(torch.tensor([0.0, 1000.0]))   # tensor([1., 0.])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def xavier_init(num_inputs, num_outputs):
    """A (num_inputs, num_outputs) weight matrix drawn from Xavier (Glorot) uniform initialisation.

    Each entry is drawn independently from U(-a, a) with a = sqrt(6 / (num_inputs + num_outputs))
    (d2l 5.4): its variance a**2 / 3 = 2 / (num_inputs + num_outputs) keeps the scale of the
    signal steady both forward and backward. Return a leaf tensor that requires gradients, e.g.
    `torch.rand(...) * 2 * a - a` followed by `.requires_grad_()`. Write it yourself: no
    `nn.init.xavier_uniform_` or `nn.init.xavier_normal_`.

    Pitfall: `torch.rand` alone draws from U(0, 1), `torch.randn` from a normal distribution, and
    a is the bound of the interval, not the standard deviation sqrt(2 / (num_inputs + num_outputs)).

    >>> W = xavier_init(784, 256)   # shape (784, 256), every entry within +-0.0757
    """
    # YOUR CODE HERE
    raise NotImplementedError()
