"""A hand-in that computes nothing: features of ones of the right shape and dtype, a constant loss,
and a train_poly that returns the right net untrained with flat curves."""
import torch
from torch import nn


def poly_features(x, max_degree):
    return torch.ones((x.shape[0], max_degree), dtype=x.dtype)


def evaluate_loss(net, data_iter, loss):
    return 1.0


def train_poly(train_features, test_features, train_labels, test_labels, num_epochs=400):
    net = nn.Sequential(nn.Linear(train_features.shape[-1], 1, bias=False))
    return net, [1.0] * num_epochs, [1.0] * num_epochs
