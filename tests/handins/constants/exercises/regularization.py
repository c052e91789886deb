"""A hand-in that computes nothing: every function returns zeros or constants of the right shapes."""
import torch
from torch import nn


def l2_penalty(w):
    return torch.zeros(())


def l1_loss(y_hat, y):
    return torch.zeros(y_hat.shape)


def huber_loss(y_hat, y, delta=1.0):
    return torch.zeros(y_hat.shape)


def get_k_fold_data(k, i, X, y):
    n = X.shape[0] // k
    return (torch.zeros(X.shape[0] - n, *X.shape[1:]), torch.zeros(X.shape[0] - n, *y.shape[1:]),
            torch.zeros(n, *X.shape[1:]), torch.zeros(n, *y.shape[1:]))


def train_concise(wd, train_iter, num_inputs, num_epochs=100, lr=0.003):
    net = nn.Sequential(nn.Linear(num_inputs, 1))
    for param in net.parameters():
        param.data.zero_()
    return net


def log_rmse(net, features, labels):
    return 0.0


class _Zeros(nn.Module):
    def forward(self, X):
        return torch.zeros(X.shape[0], 1)


def get_net(in_features):
    return nn.Sequential(_Zeros())


def train_house(net, train_features, train_labels, test_features, test_labels,
                num_epochs, learning_rate, weight_decay, batch_size):
    return [1.0] * num_epochs, ([] if test_labels is None else [1.0] * num_epochs)


def k_fold(k, X_train, y_train, num_epochs, learning_rate, weight_decay, batch_size):
    return 1.0, 1.0
