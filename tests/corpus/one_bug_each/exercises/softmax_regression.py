"""Softmax regression from scratch on Fashion-MNIST (d2l.ai, sections 4.1-4.4).

The model is `softmax(X.reshape(-1, 784) @ W + b)`; you write the softmax, the loss, the metric
and one epoch of training. The book's training recipe reaches about 0.83 test accuracy.
"""
import torch
import torchvision
from torch.utils import data
from torchvision import transforms


def softmax(X):
    """Row-wise softmax: exp(X) / exp(X).sum(1, keepdim=True), computed stably.

    Shapes: `X` (n, q) logits -> (n, q) probabilities; each row sums to 1. Do not modify `X`.

    Pitfall: exp(89.0) overflows float32 to inf. Subtract each row's maximum first
    (`X - X.max(dim=1, keepdim=True).values`): the result is mathematically the same.

    >>> softmax(torch.tensor([[1.0, 1.0], [0.0, 1000.0]]))   # [[0.5, 0.5], [0.0, 1.0]]
    """
    X_exp = torch.exp(X - X.max(dim=1, keepdim=True).values)
    partition = X_exp.sum(1, keepdim=True)
    return X_exp / partition


def cross_entropy(y_hat, y):
    """Cross-entropy loss per example, from predicted probabilities: -log(y_hat[i, y[i]]).

    Shapes: `y_hat` (n, q) probabilities (already softmaxed), `y` (n,) integer labels -> (n,).
    Return one loss per example, not the mean: the training loop reduces it.

    Pitfall: `y_hat[:, y]` picks an (n, n) block; index with `y_hat[range(len(y_hat)), y]`.

    >>> cross_entropy(torch.tensor([[0.1, 0.9], [0.5, 0.5]]), torch.tensor([1, 0]))  # [0.105, 0.693]
    """
    return torch.log(y_hat[range(len(y_hat)), y])


def accuracy(y_hat, y):
    """Count the correct predictions (a number, not a fraction).

    `y_hat` is (n, q) scores (take `argmax(axis=1)`) or already (n,) predicted labels; `y` is (n,).
    Returns how many of the n predictions equal `y`, as a float; `evaluate_accuracy` divides.

    >>> accuracy(torch.tensor([[0.1, 0.9], [0.8, 0.2]]), torch.tensor([1, 1]))   # 1.0
    """
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


class Accumulator:
    """Keep running sums of `n` quantities (for example: correct predictions and examples seen).

    >>> metric = Accumulator(2); metric.add(3, 10); metric.add(4, 10)
    >>> metric[0], metric[1]   # (7.0, 20.0); metric.reset() sets both back to 0.0
    """

    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        """Add one value to each of the `n` sums."""
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def reset(self):
        """Set every sum back to 0.0."""
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx):
        return self.data[idx]


def evaluate_accuracy(net, data_iter):
    """Fraction of correct predictions of `net` over a whole data iterator.

    Sum correct predictions and example counts over all batches, then divide once. If `net` is a
    `torch.nn.Module`, call `net.eval()` first; run under `torch.no_grad()`.

    Pitfall: averaging per-batch accuracies weighs a small last batch like a full one.

    >>> evaluate_accuracy(net, test_iter)   # e.g. 0.83
    """
    if isinstance(net, torch.nn.Module):
        net.eval()
    metric = Accumulator(2)
    with torch.no_grad():
        for X, y in data_iter:
            metric.add(accuracy(net(X), y), y.numel())
    return metric[0] / metric[1]


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
    if isinstance(net, torch.nn.Module):
        net.train()
    metric = Accumulator(3)
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
        metric.add(float(l.sum()), accuracy(y_hat, y), y.numel())
    return metric[0] / metric[2], metric[1] / metric[2]


def get_fashion_mnist_labels(labels):
    """Turn numeric Fashion-MNIST labels into their text names.

    The ten classes in order: t-shirt, trouser, pullover, dress, coat, sandal, shirt, sneaker,
    bag, ankle boot.

    >>> get_fashion_mnist_labels(torch.tensor([0, 9]))   # ['t-shirt', 'ankle boot']
    """
    text_labels = ['t-shirt', 'trouser', 'pullover', 'dress', 'coat',
                   'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot']
    return [text_labels[int(i)] for i in labels]


def load_data_fashion_mnist(batch_size, resize=None):
    """Return `(train_iter, test_iter)` DataLoaders over Fashion-MNIST, as in the book.

    Use `torchvision.datasets.FashionMNIST(root="../data", ...)` with `transforms.ToTensor()`
    (preceded by `transforms.Resize(resize)` when `resize` is given). Shuffle the training set
    only. Batches are `X` of shape (batch_size, 1, 28, 28) with values in [0, 1] and `y` (batch_size,).

    >>> train_iter, test_iter = load_data_fashion_mnist(256)
    """
    trans = [transforms.ToTensor()]
    if resize:
        trans.insert(0, transforms.Resize(resize))
    trans = transforms.Compose(trans)
    mnist_train = torchvision.datasets.FashionMNIST(
        root="../data", train=True, transform=trans, download=True)
    mnist_test = torchvision.datasets.FashionMNIST(
        root="../data", train=False, transform=trans, download=True)
    return (data.DataLoader(mnist_train, batch_size, shuffle=True, num_workers=4),
            data.DataLoader(mnist_test, batch_size, shuffle=False, num_workers=4))
