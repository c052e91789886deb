# Generated from solutions/ by `autograder build-exercises`: fill in the bodies.
"""Model selection, underfitting and overfitting with polynomial regression (d2l.ai, section 4.4
of the first edition, 3.6 of the second).

The book's data: x ~ N(0, 1), labels y = 5 + 1.2 x - 3.4 x^2 / 2! + 5.6 x^3 / 3! + noise, with the
features x^i / i! for i = 0 .. 19. Fitting the first 4 features recovers the weights (a good fit);
the first 2 underfit (train and test loss stay high); all 20 on 100 examples overfit (the train
loss falls, the test loss does not follow).
"""
import math

import torch
from torch import nn


def poly_features(x, max_degree):
    """The polynomial features of a column of inputs: `x` (n, 1) gives (n, max_degree) whose column
    i is x^i / i! for i = 0 .. max_degree - 1 (column 0 is all ones, the bias term).

    Dividing by i! (`math.gamma(i + 1)`) keeps the large powers from giving huge gradients.
    Keep the dtype of `x`.

    >>> poly_features(torch.tensor([[2.0]]), 4)   # tensor([[1., 2., 2., 1.3333]])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def evaluate_loss(net, data_iter, loss):
    """The mean loss of `net` over every example of `data_iter` (a float).

    `loss(out, y)` gives one value per example (`reduction='none'`); reshape each batch's labels
    to `net(X).shape` first. Sum the losses and count the examples over all batches, then divide:
    averaging the batch means is wrong when the last batch is smaller.

    >>> evaluate_loss(net, test_iter, nn.MSELoss(reduction='none'))   # e.g. 0.0102
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def train_poly(train_features, test_features, train_labels, test_labels, num_epochs=400):
    """Fit a linear model without bias, `nn.Sequential(nn.Linear(d, 1, bias=False))` with d the
    number of feature columns, by minibatch SGD (lr 0.01, batches of min(10, n_train) shuffled
    examples, `nn.MSELoss(reduction='none')`) for `num_epochs` epochs, as the book's `train`.

    Returns `(net, train_losses, test_losses)`: the trained net (the book prints
    `net[0].weight`) and the mean train and test loss (`evaluate_loss`) after each epoch, one
    float per epoch. No bias: column 0 of the features is already the constant term.

    >>> net, train_ls, test_ls = train_poly(poly[:100, :4], poly[100:, :4], y[:100], y[100:])
    >>> net[0].weight   # close to [[5.0, 1.2, -3.4, 5.6]]
    """
    # YOUR CODE HERE
    raise NotImplementedError()
