"""A hand-in that computes nothing: every function returns zeros or constants of the right shapes."""
import torch


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
