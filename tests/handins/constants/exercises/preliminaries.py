"""A hand-in that computes nothing: every function returns zeros or constants of the right shapes."""
import torch


def csv_to_tensors(path):
    with open(path) as handle:
        rows = [line for line in handle.read().splitlines() if line][1:]
    return torch.zeros(len(rows), 3, dtype=torch.float64), torch.zeros(len(rows), dtype=torch.float64)


def normalize_rows(A):
    return torch.zeros_like(A)


def dot(x, y):
    return torch.zeros((), dtype=x.dtype)


def mv(A, x):
    return torch.zeros(A.shape[0], dtype=A.dtype)


def mm(A, B):
    return torch.zeros(A.shape[0], B.shape[1], dtype=A.dtype)


def l1_norm(x):
    return torch.zeros((), dtype=x.dtype)


def l2_norm(x):
    return torch.zeros((), dtype=x.dtype)


def frobenius_norm(X):
    return torch.zeros((), dtype=X.dtype)


def numerical_lim(f, x, h):
    return x * 0


def grad_of_2xTx(x):
    return torch.zeros_like(x)


def grad_of_sum(x):
    return torch.zeros_like(x)


def detach_grad(x):
    return torch.zeros_like(x)


def control_flow_grad(a):
    return torch.zeros_like(a)
