"""Linear regression from scratch (d2l.ai, sections 3.2-3.3).

You build every piece of the book's training loop by hand: the data, the minibatch iterator,
the model, the loss and the optimizer. Only plain tensor operations are allowed.
"""
import random

import torch
from torch.utils import data


def synthetic_data(w, b, num_examples):
    """Generate a noisy linear data set: y = Xw + b + noise.

    Shapes: `w` is (d,), `b` a number; returns `X` of shape (num_examples, d) with entries drawn
    from N(0, 1) and `y` of shape (num_examples, 1), with Gaussian noise of standard deviation 0.01.

    Pitfall: `torch.matmul(X, w)` has shape (n,); reshape `y` to (-1, 1) or later the loss will
    broadcast (n,) against (n, 1) into an (n, n) matrix.

    >>> X, y = synthetic_data(torch.tensor([2.0, -3.4]), 4.2, 1000)
    >>> X.shape, y.shape   # (torch.Size([1000, 2]), torch.Size([1000, 1]))
    """
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = torch.matmul(X, w) + b
    y += torch.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


def data_iter(batch_size, features, labels):
    """Yield shuffled minibatches `(X_batch, y_batch)` that cover the data set once.

    Every example appears exactly once per pass, in a new random order each time; the last batch
    is smaller when `batch_size` does not divide the number of examples (keep it, do not drop it).
    Rows of `features` and `labels` stay paired.

    Pitfall: iterating `range(0, n, batch_size)` over unshuffled indices gives the same order every
    epoch, and SGD then sees correlated batches.

    >>> for X, y in data_iter(10, features, labels):
    ...     break   # X: (10, d), y: (10, 1)
    """
    num_examples = len(features)
    indices = list(range(num_examples))
    random.shuffle(indices)
    for i in range(0, num_examples, batch_size):
        batch_indices = torch.tensor(indices[i:min(i + batch_size, num_examples)])
        yield features[batch_indices], labels[batch_indices]


def linreg(X, w, b):
    """The linear regression model: return `X @ w + b`.

    Shapes: `X` (n, d), `w` (d, 1), `b` (1,) -> (n, 1). Keep it differentiable: no `.item()`,
    no NumPy, no in-place edits of `w` or `b`.

    >>> linreg(torch.ones(2, 3), torch.ones(3, 1), torch.zeros(1))   # tensor([[3.], [3.]])
    """
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    """Halved squared error, one value per example: (y_hat - y)^2 / 2.

    Shapes: `y_hat` (n, 1); `y` may be (n,) or (n, 1): reshape it to `y_hat.shape` first.
    Return the per-example losses (shape of `y_hat`), not their mean: the training loop sums them.

    Pitfall: without the reshape, (n, 1) - (n,) broadcasts to an (n, n) matrix.

    >>> squared_loss(torch.tensor([[1.0], [3.0]]), torch.tensor([0.0, 1.0]))  # [[0.5], [2.0]]
    """
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    """Minibatch stochastic gradient descent: `param -= lr * param.grad / batch_size`.

    Update every tensor in `params` in place, inside `with torch.no_grad():`, then zero its
    gradient (`param.grad.zero_()`) so the next batch does not add onto it. Divide by
    `batch_size` because the loss was summed over the batch.

    Pitfall: `param = param - lr * ...` only rebinds a local name; the model never changes.

    >>> sgd([w, b], lr=0.03, batch_size=10)   # w and b change in place, grads become 0
    """
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def load_array(data_arrays, batch_size, is_train=True):
    """Wrap tensors in a PyTorch `DataLoader` (the concise version of `data_iter`).

    `data_arrays` is a tuple `(features, labels)`; shuffle only when `is_train` is true.

    >>> next(iter(load_array((features, labels), 10)))   # [X of (10, d), y of (10, 1)]
    """
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)
