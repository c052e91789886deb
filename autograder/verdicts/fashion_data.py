"""Verdict halves for the Fashion-MNIST data functions: get_fashion_mnist_labels and
load_data_fashion_mnist, compared with the official files read directly (never downloaded)."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import torch

from autograder.inputs import softmax_regression as inputs
from autograder.verdicts.expect import close, show, tensor
from autograder.verdicts.registry import Fail, verdict
from autograder.verdicts.softmax_regression import _list

FASHION_NAMES = ('t-shirt', 'trouser', 'pullover', 'dress', 'coat',
                 'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot')


@verdict("get_fashion_mnist_labels.names")
def get_fashion_mnist_labels_names(obs, seed):
    ids = inputs.label_ids(seed)
    expected = [FASHION_NAMES[int(i)] for i in ids]
    got = _list(obs.get("out"), "get_fashion_mnist_labels", len(expected))
    if got == expected:
        return
    text = f"for labels {ids.tolist()} got {got}, expected {expected}"
    if not all(isinstance(s, str) for s in got):
        raise Fail(f"get_fashion_mnist_labels must return a list of strings (the class names): {text}")
    for shift in (1, -1):
        if got == [FASHION_NAMES[(int(i) + shift) % 10] for i in ids]:
            raise Fail("get_fashion_mnist_labels is off by one: label 0 is 't-shirt' and label 9 is "
                       f"'ankle boot' (index the list with the label itself): {text}")
    if [s.lower().strip() for s in got] == expected:
        raise Fail(f"get_fashion_mnist_labels must use the book's names exactly (lowercase): {text}")
    raise Fail(f"get_fashion_mnist_labels returned the wrong names: the ten classes in order are "
               f"{list(FASHION_NAMES)}; {text}")


# ---------------------------------------------------------------- load_data_fashion_mnist

def _data_root() -> Path:
    """The torchvision root the worker was configured with, else the one found offline."""
    from autograder.data import locate_fashion_mnist
    from autograder.harness import datasets
    try:
        return Path(datasets.data_root())
    except RuntimeError:
        return locate_fashion_mnist(allow_download=False)


@functools.lru_cache(maxsize=4)
def _raw_head_of(root: Path, n: int):
    from autograder.data import load_grading_data
    data = load_grading_data(root, n_train=n, n_test=n)
    return (torch.from_numpy(data.train_labels.astype("int64")),
            torch.from_numpy(data.test_labels.astype("int64")),
            torch.from_numpy(data.test_images.astype("float32")) / 255)


def _raw_head(n: int):
    """The first n raw training labels, test labels and test images (scaled to [0, 1])."""
    return _raw_head_of(_data_root(), n)


def _pair_verdict(obs: dict) -> None:
    if "result" in obs:
        raise Fail(f"load_data_fashion_mnist returned {show(obs['result'])}, expected a pair "
                   "(train_iter, test_iter) of DataLoaders")


def _batch_parts(batch: Any, which: str) -> tuple[torch.Tensor, torch.Tensor]:
    if batch is None:
        raise Fail(f"the {which} iterator is not iterable: return data.DataLoader(...) objects")
    if not isinstance(batch, list) or len(batch) != 2:
        raise Fail(f"the first batch of the {which} iterator is {show(batch)}, expected a pair "
                   "(X, y)")
    return batch[0], batch[1]


def _image_batch_verdict(X: Any, which: str, side: int) -> torch.Tensor:
    b = inputs.LOAD_BATCH_SIZE
    if side != 28:
        which = f"{which} (with resize={side})"
    X = tensor(X, f"the first {which} batch X")
    if X.dim() == 3 and tuple(X.shape) == (b, side, side):
        raise Fail(f"the first {which} batch X has shape {tuple(X.shape)}, expected "
                   f"({b}, 1, {side}, {side}): use transforms.ToTensor(), which adds the channel axis")
    if tuple(X.shape) != (b, 1, side, side):
        raise Fail(f"the first {which} batch X has shape {tuple(X.shape)}, expected "
                   f"({b}, 1, {side}, {side}) for load_data_fashion_mnist({b}"
                   + (f", resize={side})" if side != 28 else ")")
                   + (": insert transforms.Resize(resize) before ToTensor()" if side != 28
                      else ": batch_size examples of 1x28x28 images"))
    if X.dtype != torch.float32:
        raise Fail(f"the first {which} batch X has dtype {X.dtype}, expected torch.float32: "
                   "use transforms.ToTensor()")
    lo, hi = float(X.min()), float(X.max())
    if not (lo >= 0.0 and hi <= 1.0):
        raise Fail(f"the {which} images have values in [{lo:.4g}, {hi:.4g}], expected [0, 1]: use "
                   "transforms.ToTensor() alone (it scales pixels by 1/255; no Normalize)")
    return X


@verdict("load_data_fashion_mnist.batches")
def load_data_batches(obs, seed):
    _pair_verdict(obs)
    b = inputs.LOAD_BATCH_SIZE
    images, labels = {}, {}
    for which, size in (("train", inputs.FASHION_TRAIN_SIZE), ("test", inputs.FASHION_TEST_SIZE)):
        info = obs.get(which)
        if not isinstance(info, dict) or info.get("iterable") is not True:
            kind = info.get("type") if isinstance(info, dict) else "?"
            raise Fail(f"the {which} iterator is a {kind}, which is not iterable: return "
                       "data.DataLoader(...) objects")
        examples, batches = info.get("examples"), info.get("batches")
        if examples is not None and examples != size:
            raise Fail(f"the {which} data set has {examples} examples, expected {size}: use "
                       f"torchvision.datasets.FashionMNIST(root='../data', train={which == 'train'}, "
                       "...)")
        if examples is None and batches is not None and batches != -(-size // b):
            raise Fail(f"the {which} iterator has {batches} batches of {b}, expected "
                       f"{-(-size // b)} (the {which} set has {size} examples)")
        X, y = _batch_parts(obs.get(f"{which}_batch"), which)
        X = _image_batch_verdict(X, which, 28)
        y = tensor(y, f"the first {which} batch y")
        if tuple(y.shape) != (b,):
            raise Fail(f"the first {which} batch y has shape {tuple(y.shape)}, expected ({b},)")
        if y.dtype != torch.int64:
            raise Fail(f"the first {which} batch y has dtype {y.dtype}, expected torch.int64 (the "
                       "data set's integer labels, unchanged)")
        if int(y.min()) < 0 or int(y.max()) > 9:
            raise Fail(f"the {which} labels {show(y)} are outside 0..9")
        images[which], labels[which] = X, y
    raw_train_y, raw_test_y, raw_test_X = _raw_head(b)
    if not torch.equal(labels["test"], raw_test_y):
        raise Fail("the test iterator is shuffled (or not the test set): its first labels are "
                   f"{labels['test'].tolist()[:12]}..., the test set starts "
                   f"{raw_test_y.tolist()[:12]}...: use shuffle=False for the test DataLoader and "
                   "train=False for its data set")
    if not close(images["test"], raw_test_X.reshape(b, 1, 28, 28), rtol=0, atol=1e-6):
        raise Fail("the test images differ from the data set's pixels divided by 255: use "
                   "transforms.ToTensor() alone as the transform (no Normalize, no Resize when "
                   "resize is None)")
    # A shuffled training set puts the same 32 labels first as the raw file only by chance: each
    # position matches with probability about 1/10, so all 32 match with probability ~1e-32.
    if torch.equal(labels["train"], raw_train_y):
        raise Fail("the training iterator is not shuffled: its first batch is the first "
                   f"{b} examples of the training set in file order. Use shuffle=True for the "
                   "training DataLoader (only)")


@verdict("load_data_fashion_mnist.resize")
def load_data_resize(obs, seed):
    _pair_verdict(obs)
    _image_batch_verdict(obs.get("X"), "test", inputs.LOAD_RESIZE)
