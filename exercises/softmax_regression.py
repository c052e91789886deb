# Generated from solutions/ by `autograder build-exercises`: fill in the bodies.
"""Softmax regression from scratch on Fashion-MNIST (d2l.ai, sections 4.1-4.5).

The model is `softmax(X.reshape(-1, 784) @ W + b)`; you write the softmax, the loss, the metric,
one epoch of training, the whole training loop and the predictions, then the same model the
concise way with `torch.nn`. The book's training recipe reaches about 0.83 test accuracy.
"""
import torch
import torchvision
from torch import nn
from torch.utils import data
from torchvision import transforms


def softmax(X):
    """Row-wise softmax: exp(X) / exp(X).sum(1, keepdim=True), computed stably.

    Shapes: `X` (n, q) logits -> (n, q) probabilities; each row sums to 1. Do not modify `X`.

    Pitfall: exp(89.0) overflows float32 to inf. Subtract each row's maximum first
    (`X - X.max(dim=1, keepdim=True).values`): the result is mathematically the same.

    >>> softmax(torch.tensor([[1.0, 1.0], [0.0, 1000.0]]))   # [[0.5, 0.5], [0.0, 1.0]]
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def cross_entropy(y_hat, y):
    """Cross-entropy loss per example, from predicted probabilities: -log(y_hat[i, y[i]]).

    Shapes: `y_hat` (n, q) probabilities (already softmaxed), `y` (n,) integer labels -> (n,).
    Return one loss per example, not the mean: the training loop reduces it.

    Pitfall: `y_hat[:, y]` picks an (n, n) block; index with `y_hat[range(len(y_hat)), y]`.

    >>> cross_entropy(torch.tensor([[0.1, 0.9], [0.5, 0.5]]), torch.tensor([1, 0]))  # [0.105, 0.693]
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def accuracy(y_hat, y):
    """Count the correct predictions (a number, not a fraction).

    `y_hat` is (n, q) scores (take `argmax(axis=1)`) or already (n,) predicted labels; `y` is (n,).
    Returns how many of the n predictions equal `y`, as a float; `evaluate_accuracy` divides.

    >>> accuracy(torch.tensor([[0.1, 0.9], [0.8, 0.2]]), torch.tensor([1, 1]))   # 1.0
    """
    # YOUR CODE HERE
    raise NotImplementedError()


class Accumulator:
    """Keep running sums of `n` quantities (for example: correct predictions and examples seen).

    >>> metric = Accumulator(2); metric.add(3, 10); metric.add(4, 10)
    >>> metric[0], metric[1]   # (7.0, 20.0); metric.reset() sets both back to 0.0
    """

    def __init__(self, n):
        # YOUR CODE HERE
        raise NotImplementedError()

    def add(self, *args):
        """Add one value to each of the `n` sums."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def reset(self):
        """Set every sum back to 0.0."""
        # YOUR CODE HERE
        raise NotImplementedError()

    def __getitem__(self, idx):
        # YOUR CODE HERE
        raise NotImplementedError()


def evaluate_accuracy(net, data_iter):
    """Fraction of correct predictions of `net` over a whole data iterator.

    Sum correct predictions and example counts over all batches, then divide once. If `net` is a
    `torch.nn.Module`, call `net.eval()` first; run under `torch.no_grad()`.

    Pitfall: averaging per-batch accuracies weighs a small last batch like a full one.

    >>> evaluate_accuracy(net, test_iter)   # e.g. 0.83
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def train_epoch_ch3(net, train_iter, loss, updater):
    """Train `net` for one epoch; return `(mean training loss, training accuracy)` per example.

    `loss(y_hat, y)` returns per-example losses. `updater` is either a `torch.optim.Optimizer`
    (then: `zero_grad()`, `l.mean().backward()`, `step()`) or a function `updater(batch_size)`
    such as `lambda bs: sgd([W, b], lr, bs)` (then: `l.sum().backward()`, `updater(X.shape[0])`).
    Accumulate the summed loss, the number correct and the number of examples; divide at the end.

    Pitfall: accumulating `l.mean()` and then dividing by the example count again makes the
    reported loss batch_size times too small.

    >>> train_loss, train_acc = train_epoch_ch3(net, train_iter, cross_entropy, updater)
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def train_ch3(net, train_iter, test_iter, loss, num_epochs, updater):
    """Train for `num_epochs` epochs; return the history, one `(train_loss, train_acc, test_acc)`
    tuple per epoch.

    Each epoch: `train_loss, train_acc = train_epoch_ch3(net, train_iter, loss, updater)`, then
    `test_acc = evaluate_accuracy(net, test_iter)` on the net just trained. The book draws these
    with an `Animator`; here return them (plotting as well is fine, but not needed).

    Pitfall: `range(1, num_epochs)` runs one epoch too few; measure the test accuracy on
    `test_iter` (not `train_iter`), after the epoch's training, not before.

    >>> history = train_ch3(net, train_iter, test_iter, cross_entropy, 10, updater)
    >>> history[-1]   # e.g. (0.45, 0.84, 0.83)
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def get_fashion_mnist_labels(labels):
    """Turn numeric Fashion-MNIST labels into their text names.

    The ten classes in order: t-shirt, trouser, pullover, dress, coat, sandal, shirt, sneaker,
    bag, ankle boot.

    >>> get_fashion_mnist_labels(torch.tensor([0, 9]))   # ['t-shirt', 'ankle boot']
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def predict_ch3(net, test_iter, n=6):
    """Label the first `n` images of `test_iter`'s first batch; return their titles, the true
    name above the predicted one: `'sneaker\\nsandal'`.

    Take the first batch `X, y` (`for X, y in test_iter: break`), `trues =
    get_fashion_mnist_labels(y)`, `preds = get_fashion_mnist_labels(net(X).argmax(axis=1))`, and
    return `[true + '\\n' + pred for true, pred in zip(trues, preds)][:n]`. The book also shows
    the images (`d2l.show_images(X[0:n].reshape((n, 28, 28)), 1, n, titles=titles[0:n])`):
    optional here.

    Pitfall: the prediction is the class with the highest score in each row, `argmax(axis=1)`;
    over axis 0 it is the example with the highest score in each class.

    >>> predict_ch3(net, test_iter, n=2)   # ['ankle boot\\nankle boot', 'pullover\\npullover']
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def load_data_fashion_mnist(batch_size, resize=None):
    """Return `(train_iter, test_iter)` DataLoaders over Fashion-MNIST, as in the book.

    Use `torchvision.datasets.FashionMNIST(root="../data", ...)` with `transforms.ToTensor()`
    (preceded by `transforms.Resize(resize)` when `resize` is given). Shuffle the training set
    only. Batches are `X` of shape (batch_size, 1, 28, 28) with values in [0, 1] and `y` (batch_size,).

    >>> train_iter, test_iter = load_data_fashion_mnist(256)
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def init_weights(m):
    """Initialise one module for `net.apply(init_weights)`: an `nn.Linear` gets weights drawn
    from N(0, 0.01^2); its bias and every other module stay as they are.

    `net.apply` calls this on every module of the net (the `nn.Flatten`, the `nn.Sequential`
    itself), so check the type first: `if type(m) == nn.Linear:`. Nothing to return.

    Pitfall: `nn.init.normal_(m.weight, 0.01)` sets the *mean* to 0.01 (and keeps std 1): pass
    `std=0.01` by name.

    >>> layer = nn.Linear(784, 10); init_weights(layer); float(layer.weight.std())   # ~0.01
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def concise_softmax_net():
    """Softmax regression the concise way: a new `nn.Sequential(nn.Flatten(), nn.Linear(784, 10))`
    with `init_weights` applied (`net.apply(init_weights)`), on every call.

    It maps images (b, 1, 28, 28) to (b, 10) logits: no softmax in the net, since
    `nn.CrossEntropyLoss(reduction='none')` takes logits. Train it with
    `train_ch3(net, train_iter, test_iter, loss, 10, torch.optim.SGD(net.parameters(), lr=0.1))`.

    Pitfall: without `nn.Flatten()` the linear layer sees rows of 28 pixels, not images of 784.

    >>> concise_softmax_net()(torch.zeros(2, 1, 28, 28)).shape   # torch.Size([2, 10])
    """
    # YOUR CODE HERE
    raise NotImplementedError()
