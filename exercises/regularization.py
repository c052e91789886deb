# Generated from solutions/ by `autograder build-exercises`: fill in the bodies.
"""Weight decay, robust losses and K-fold cross-validation (d2l.ai, sections 3.7 and 5.7).
"""
import torch


def l2_penalty(w):
    """The weight-decay penalty: the sum of squared entries of `w`, halved (a 0-d tensor).

    Halving makes the gradient exactly `w`. Keep it differentiable.

    >>> l2_penalty(torch.tensor([[1.0], [2.0]]))   # tensor(2.5000)
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def l1_loss(y_hat, y):
    """Absolute error per example: |y_hat - y|, with `y` reshaped to `y_hat.shape`.

    >>> l1_loss(torch.tensor([[1.0], [3.0]]), torch.tensor([0.0, 5.0]))   # [[1.0], [2.0]]
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def huber_loss(y_hat, y, delta=1.0):
    """Huber loss per example, with d = y_hat - y (y reshaped to `y_hat.shape`):

    d^2 / 2 where |d| <= delta (quadratic near 0), and delta * (|d| - delta / 2) beyond (linear,
    robust to outliers). The pieces meet with the same value and slope at |d| = delta for every
    delta; this is PyTorch's `nn.HuberLoss(reduction='none', delta=delta)`.

    Pitfall: `|d| - delta / 2` beyond delta (without the factor delta) is right only for
    delta = 1; for any other delta the loss jumps at |d| = delta.

    >>> y_hat, y = torch.tensor([[0.5], [3.0]]), torch.tensor([0.0, 0.0])
    >>> huber_loss(y_hat, y)              # [[0.125], [2.5]]
    >>> huber_loss(y_hat, y, delta=2.0)   # [[0.125], [4.0]]: 2 * (3 - 2 / 2), not 3 - 2 / 2
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def get_k_fold_data(k, i, X, y):
    """Split `(X, y)` for fold `i` of K-fold cross-validation.

    Cut the first `k * (n // k)` rows into k consecutive folds of `n // k` rows (leftover rows are
    unused, as in the book); fold `i` is the validation set, the other folds, concatenated in
    order, are the training set. Returns `(X_train, y_train, X_valid, y_valid)`.

    >>> X_train, y_train, X_valid, y_valid = get_k_fold_data(5, 0, X, y)   # X_valid is X[:n//5]
    """
    # YOUR CODE HERE
    raise NotImplementedError()
