# Bob's chapter 2, typed from the book with a few changes of his own.
import csv

import torch


def csv_to_tensors(path):
    with open(path) as f:
        header, *rows = list(csv.reader(f))
    columns = list(zip(*rows))
    numbers, dummies = [], []
    for col in columns[:-1]:
        known = [v for v in col if v != "NA"]
        try:
            values = [float(v) for v in known]
        except ValueError:
            # "get_dummies": one column per category (Bob forgot dummy_na=True)
            for cat in sorted(set(known)):
                dummies.append([1.0 if v == cat else 0.0 for v in col])
            continue
        mean = sum(values) / len(values)
        numbers.append([float(v) if v != "NA" else mean for v in col])
    X = torch.tensor(numbers + dummies, dtype=torch.float64).T
    y = torch.tensor([float(v) for v in columns[-1]], dtype=torch.float64)
    return X, y


def normalize_rows(A):
    # "the sum of each row, then divide" -- without keepdim=True
    return A / A.sum(axis=1)


def dot(x, y):
    return torch.sum(x * y)


def mv(A, x):
    return torch.sum(A * x, axis=1)


def mm(A, B):
    return torch.stack([mv(A, B[:, j]) for j in range(B.shape[1])], dim=1)


def l1_norm(x):
    return torch.abs(x).sum()


def l2_norm(x):
    return torch.sqrt(torch.sum(x * x))


def frobenius_norm(X):
    return torch.sqrt(torch.sum(X * X))


def numerical_lim(f, x, h):
    return (f(x + h) - f(x)) / h


def grad_of_2xTx(x):
    x.requires_grad_(True)
    y = 2 * torch.dot(x, x)
    y.backward()
    return x.grad


def grad_of_sum(x):
    x = x.detach().clone().requires_grad_(True)
    y = x * x
    y.sum().backward()
    return x.grad


def detach_grad(x):
    x = x.detach().clone().requires_grad_(True)
    y = x * x
    u = y.detach()
    z = u * x
    z.sum().backward()
    return x.grad


def control_flow_grad(a):
    def f(a):
        b = a * 2
        while b.norm() < 1000:
            b = b * 2
        if b.sum() > 0:
            c = b
        else:
            c = 100 * b
        return c

    a = a.detach().clone().requires_grad_(True)
    d = f(a)
    d.backward()
    return a.grad
