"""Weight decay, robust losses and K-fold cross-validation (d2l.ai, sections 3.7 and 5.7).
"""
import torch


def l2_penalty(w):
    """The weight-decay penalty: the sum of squared entries of `w`, halved (a 0-d tensor).

    Halving makes the gradient exactly `w`. Keep it differentiable.

    >>> l2_penalty(torch.tensor([[1.0], [2.0]]))   # tensor(2.5000)
    """
    return torch.sum(w.pow(2)) / 2


def l1_loss(y_hat, y):
    """Absolute error per example: |y_hat - y|, with `y` reshaped to `y_hat.shape`.

    >>> l1_loss(torch.tensor([[1.0], [3.0]]), torch.tensor([0.0, 5.0]))   # [[1.0], [2.0]]
    """
    return torch.abs(y_hat - y.reshape(y_hat.shape))


def huber_loss(y_hat, y, delta=1.0):
    """Huber loss per example, with d = y_hat - y (y reshaped to `y_hat.shape`):

    d^2 / 2 where |d| <= delta (quadratic near 0), and delta * (|d| - delta / 2) beyond (linear,
    robust to outliers). The pieces meet with the same value and slope at |d| = delta for every
    delta; this is PyTorch's `nn.HuberLoss(reduction='none', delta=delta)`.

    Pitfall: `|d| - delta / 2` beyond delta (without the factor delta) is right only for
    delta = 1; for any other delta the loss jumps at |d| = delta.

    >>> huber_loss(torch.tensor([[0.5], [3.0]]), torch.tensor([0.0, 0.0]))              # [[0.125], [2.5]]
    >>> huber_loss(torch.tensor([[0.5], [3.0]]), torch.tensor([0.0, 0.0]), delta=2.0)   # [[0.125], [4.0]]
    """
    d = y_hat - y.reshape(y_hat.shape)
    abs_d = torch.abs(d)
    return torch.where(abs_d <= delta, d ** 2 / 2, delta * (abs_d - delta / 2))


def get_k_fold_data(k, i, X, y):
    """Split `(X, y)` for fold `i` of K-fold cross-validation.

    Cut the first `k * (n // k)` rows into k consecutive folds of `n // k` rows (leftover rows are
    unused, as in the book); fold `i` is the validation set, the other folds, concatenated in
    order, are the training set. Returns `(X_train, y_train, X_valid, y_valid)`.

    >>> X_train, y_train, X_valid, y_valid = get_k_fold_data(5, 0, X, y)   # X_valid is X[:n//5]
    """
    assert k > 1
    fold_size = X.shape[0] // k
    X_train, y_train = None, None
    for j in range(k):
        idx = slice(j * fold_size, (j + 1) * fold_size)
        X_part, y_part = X[idx, :], y[idx]
        if j == i:
            X_valid, y_valid = X_part, y_part
        elif X_train is None:
            X_train, y_train = X_part, y_part
        else:
            X_train = torch.cat([X_train, X_part], 0)
            y_train = torch.cat([y_train, y_part], 0)
    return X_train, y_train, X_valid, y_valid
