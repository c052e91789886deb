"""The grader's ``d2l.torch``: the book's helpers of chapters 2-4, as known-good parts.

Same names and signatures as *Dive into Deep Learning*'s ``d2l/torch.py`` (the classic API of
sections 2.4-4.10: ``synthetic_data``, ``sgd``, ``load_data_fashion_mnist``, ``train_ch3``, ...)
and the same module-level aliases (``d2l.reshape``, ``d2l.argmax``, ``d2l.float32``, ...), written
for the grader. Differences from the book, all for grading:

- plotting (``plt``, ``plot``, ``set_figsize``, ``show_images``, ``Animator``'s figure, IPython's
  ``display``) does nothing and never imports matplotlib;
- ``load_data_fashion_mnist`` reads the grader's copy of Fashion-MNIST and never downloads;
  ``download`` (the Kaggle house data) says that grading has no network;
- ``try_gpu`` and ``try_all_gpus`` give the CPU; ``train_ch3`` does not assert the book's
  accuracy thresholds.

Every function and class defined here (and each method) carries ``__d2l_known_good__`` naming
it, so the grader can tell when a graded function only hands its work to the book's version.
torchvision is imported only when it is used (``d2l.torchvision``, ``d2l.transforms``,
``load_data_fashion_mnist``).
"""
import collections
import math
import random
import sys
import time
from types import FunctionType

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F
from torch.utils import data

nn_Module = nn.Module
d2l = sys.modules[__name__]
del sys   # `d2l.sys.modules` would be a way around the grader's reading of the source

DATA_HUB = dict()
DATA_URL = 'http://d2l-data.s3-accelerate.amazonaws.com/'


def __getattr__(name):
    """``d2l.torchvision``, ``d2l.transforms``, ``d2l.Image``: imported on first use."""
    if name == "torchvision":
        import torchvision as value
    elif name == "transforms":
        from torchvision import transforms as value
    elif name == "Image":
        from PIL import Image as value
    else:
        raise AttributeError(f"module 'd2l.torch' has no attribute {name!r} (the grader's d2l holds "
                             "the helpers of chapters 2-4 only)")
    globals()[name] = value
    return value


# --- plotting: silent -----------------------------------------------------------------------

class _Silent:
    """Stands for pyplot, IPython's display, a figure or its axes while grading: nothing is drawn."""

    __slots__ = ()

    def __getattr__(self, name):
        if name.startswith("__") and name.endswith("__"):
            raise AttributeError(name)
        if name == "subplots":
            return _subplots
        return self

    def __setattr__(self, name, value):
        pass

    def __call__(self, *args, **kwargs):
        return self

    def __getitem__(self, key):
        return self

    def __setitem__(self, key, value):
        pass

    def __iter__(self):
        return iter(())

    def __len__(self):
        return 0

    def __bool__(self):
        return True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def __repr__(self):
        return "<d2l plotting: nothing is drawn while grading>"


def _subplots(*args, **kwargs):
    return _SILENT, _SILENT


_SILENT = _Silent()
plt = _SILENT
display = _SILENT
backend_inline = _SILENT


def use_svg_display():
    """Use the svg format to display a plot in Jupyter (nothing, while grading)."""


def set_figsize(figsize=(3.5, 2.5)):
    """Set the figure size for matplotlib (nothing, while grading)."""


def set_axes(axes, xlabel, ylabel, xlim, ylim, xscale, yscale, legend):
    """Set the axes for matplotlib (nothing, while grading)."""


def plot(X, Y=None, xlabel=None, ylabel=None, legend=None, xlim=None,
         ylim=None, xscale='linear', yscale='linear',
         fmts=('-', 'm--', 'g-.', 'r:'), figsize=(3.5, 2.5), axes=None):
    """Plot data points (nothing, while grading)."""


def show_images(imgs, num_rows, num_cols, titles=None, scale=1.5):
    """Plot a list of images (nothing, while grading); returns stand-in axes."""
    return _SILENT


class Animator:
    """For plotting data in animation: keeps the points it is given, draws nothing."""

    def __init__(self, xlabel=None, ylabel=None, legend=None, xlim=None,
                 ylim=None, xscale='linear', yscale='linear',
                 fmts=('-', 'm--', 'g-.', 'r:'), nrows=1, ncols=1,
                 figsize=(3.5, 2.5)):
        self.fig, self.axes = _SILENT, [_SILENT]
        self.config_axes = use_svg_display
        self.X, self.Y, self.fmts = None, None, fmts

    def add(self, x, y):
        """Add one point to each of the curves."""
        if not hasattr(y, "__len__"):
            y = [y]
        n = len(y)
        if not hasattr(x, "__len__"):
            x = [x] * n
        if not self.X:
            self.X = [[] for _ in range(n)]
        if not self.Y:
            self.Y = [[] for _ in range(n)]
        for i, (a, b) in enumerate(zip(x, y)):
            if a is not None and b is not None:
                self.X[i].append(a)
                self.Y[i].append(b)


class Timer:
    """Record multiple running times."""

    def __init__(self):
        self.times = []
        self.start()

    def start(self):
        """Start the timer."""
        self.tik = time.time()

    def stop(self):
        """Stop the timer and record the time in a list."""
        self.times.append(time.time() - self.tik)
        return self.times[-1]

    def avg(self):
        """Return the average time."""
        return sum(self.times) / len(self.times)

    def sum(self):
        """Return the sum of time."""
        return sum(self.times)

    def cumsum(self):
        """Return the accumulated time."""
        return np.array(self.times).cumsum().tolist()


# --- linear regression (3.2-3.3) ------------------------------------------------------------

def synthetic_data(w, b, num_examples):
    """Generate y = Xw + b + noise."""
    X = torch.normal(0, 1, (num_examples, len(w)))
    y = torch.matmul(X, w) + b
    y += torch.normal(0, 0.01, y.shape)
    return X, y.reshape((-1, 1))


def linreg(X, w, b):
    """The linear regression model."""
    return torch.matmul(X, w) + b


def squared_loss(y_hat, y):
    """Squared loss."""
    return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2


def sgd(params, lr, batch_size):
    """Minibatch stochastic gradient descent."""
    with torch.no_grad():
        for param in params:
            param -= lr * param.grad / batch_size
            param.grad.zero_()


def load_array(data_arrays, batch_size, is_train=True):
    """Construct a PyTorch data iterator."""
    dataset = data.TensorDataset(*data_arrays)
    return data.DataLoader(dataset, batch_size, shuffle=is_train)


# --- Fashion-MNIST and softmax regression (4.2-4.4) -----------------------------------------

def get_fashion_mnist_labels(labels):
    """Return text labels for the Fashion-MNIST dataset."""
    text_labels = ['t-shirt', 'trouser', 'pullover', 'dress', 'coat',
                   'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot']
    return [text_labels[int(i)] for i in labels]


def get_dataloader_workers():
    """Use 4 processes to read the data."""
    return 4


def _fashion_mnist_root():
    """The torchvision root holding the grader's copy (``../data`` outside the grader)."""
    try:
        from autograder.harness.datasets import data_root

        return str(data_root())
    except Exception:  # noqa: BLE001 - not configured: the book's own root
        return "../data"


def load_data_fashion_mnist(batch_size, resize=None):
    """Load the Fashion-MNIST dataset into memory (the grader's copy; nothing is downloaded)."""
    import torchvision
    from torchvision import transforms

    trans = [transforms.ToTensor()]
    if resize:
        trans.insert(0, transforms.Resize(resize))
    trans = transforms.Compose(trans)
    root = _fashion_mnist_root()
    mnist_train = torchvision.datasets.FashionMNIST(
        root=root, train=True, transform=trans, download=False)
    mnist_test = torchvision.datasets.FashionMNIST(
        root=root, train=False, transform=trans, download=False)
    return (data.DataLoader(mnist_train, batch_size, shuffle=True,
                            num_workers=get_dataloader_workers()),
            data.DataLoader(mnist_test, batch_size, shuffle=False,
                            num_workers=get_dataloader_workers()))


def accuracy(y_hat, y):
    """Compute the number of correct predictions."""
    if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
        y_hat = y_hat.argmax(axis=1)
    cmp = y_hat.type(y.dtype) == y
    return float(cmp.type(y.dtype).sum())


class Accumulator:
    """For accumulating sums over `n` variables."""

    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        self.data = [a + float(b) for a, b in zip(self.data, args)]

    def reset(self):
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx):
        return self.data[idx]


def evaluate_accuracy(net, data_iter):
    """Compute the accuracy for a model on a dataset."""
    if isinstance(net, torch.nn.Module):
        net.eval()
    metric = Accumulator(2)
    with torch.no_grad():
        for X, y in data_iter:
            metric.add(accuracy(net(X), y), y.numel())
    return metric[0] / metric[1]


def train_epoch_ch3(net, train_iter, loss, updater):
    """The training loop of one epoch (chapter 3); returns (mean loss, accuracy)."""
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
        metric.add(float(l.sum().detach()), accuracy(y_hat, y), y.numel())
    return metric[0] / metric[2], metric[1] / metric[2]


def train_ch3(net, train_iter, test_iter, loss, num_epochs, updater):
    """Train a model (chapter 3); the curves are kept, not drawn."""
    animator = Animator(xlabel='epoch', xlim=[1, num_epochs], ylim=[0.3, 0.9],
                        legend=['train loss', 'train acc', 'test acc'])
    for epoch in range(num_epochs):
        train_metrics = train_epoch_ch3(net, train_iter, loss, updater)
        test_acc = evaluate_accuracy(net, test_iter)
        animator.add(epoch + 1, train_metrics + (test_acc,))


def predict_ch3(net, test_iter, n=6):
    """Predict labels (chapter 3); the images are not shown."""
    for X, y in test_iter:
        break
    trues = get_fashion_mnist_labels(y)
    preds = get_fashion_mnist_labels(net(X).argmax(axis=1))
    titles = [true + '\n' + pred for true, pred in zip(trues, preds)]
    show_images(X[0:n].reshape((n, 28, 28)), 1, n, titles=titles[0:n])


# --- model selection, house prices, devices (4.4-4.10, 5.6) ---------------------------------

def evaluate_loss(net, data_iter, loss):
    """Evaluate the loss of a model on the given dataset."""
    metric = Accumulator(2)
    for X, y in data_iter:
        out = net(X)
        y = y.reshape(out.shape)
        l = loss(out, y)
        metric.add(float(l.sum().detach()), l.numel())
    return metric[0] / metric[1]


def download(name, cache_dir='../data'):
    """Download a file of DATA_HUB: not while grading (there is no network)."""
    raise RuntimeError(f"d2l.download({name!r}): grading has no network, so nothing can be "
                       "downloaded; the graded functions take their data as arguments")


def download_extract(name, folder=None):
    """Download and extract a zip/tar file: not while grading (there is no network)."""
    return download(name)


def download_all():
    """Download all files in the DATA_HUB: not while grading (there is no network)."""
    for name in DATA_HUB:
        download(name)


def try_gpu(i=0):
    """The device to use: the CPU while grading."""
    return torch.device('cpu')


def try_all_gpus():
    """All devices to use: the CPU while grading."""
    return [torch.device('cpu')]


# --- the book's aliases ---------------------------------------------------------------------

ones = torch.ones
zeros = torch.zeros
tensor = torch.tensor
arange = torch.arange
meshgrid = torch.meshgrid
sin = torch.sin
sinh = torch.sinh
cos = torch.cos
cosh = torch.cosh
tanh = torch.tanh
linspace = torch.linspace
exp = torch.exp
log = torch.log
normal = torch.normal
rand = torch.rand
randn = torch.randn
matmul = torch.matmul
int32 = torch.int32
float32 = torch.float32
concat = torch.cat
stack = torch.stack
abs = torch.abs
eye = torch.eye


def numpy(x, *args, **kwargs):
    return x.detach().numpy(*args, **kwargs)


def size(x, *args, **kwargs):
    return x.numel(*args, **kwargs)


def reshape(x, *args, **kwargs):
    return x.reshape(*args, **kwargs)


def to(x, *args, **kwargs):
    return x.to(*args, **kwargs)


def reduce_sum(x, *args, **kwargs):
    return x.sum(*args, **kwargs)


def argmax(x, *args, **kwargs):
    return x.argmax(*args, **kwargs)


def astype(x, *args, **kwargs):
    return x.type(*args, **kwargs)


def transpose(x, *args, **kwargs):
    return x.t(*args, **kwargs)


def reduce_mean(x, *args, **kwargs):
    return x.mean(*args, **kwargs)


def _mark_known_good(namespace):
    """``__d2l_known_good__`` on every function and class defined here, and on each method."""
    for name, obj in list(namespace.items()):
        if name.startswith("_") or getattr(obj, "__module__", None) != __name__:
            continue
        if isinstance(obj, FunctionType):
            obj.__d2l_known_good__ = name
        elif isinstance(obj, type):
            obj.__d2l_known_good__ = name
            for attr, member in vars(obj).items():
                if isinstance(member, FunctionType):
                    member.__d2l_known_good__ = f"{name}.{attr}"


_mark_known_good(globals())
del _mark_known_good, FunctionType
