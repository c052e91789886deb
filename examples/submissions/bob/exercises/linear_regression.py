# Bob's linear regression, typed from the book with a few changes of his own.
import torch
from torch.utils import data


def synthetic_data(w, b, num_examples):
    X = torch.randn(num_examples, w.shape[0])
    y = X @ w + b + 0.01 * torch.randn(num_examples)
    return X, y.reshape(-1, 1)


def data_iter(batch_size, features, labels):
    # "no need to shuffle, the data is random anyway"
    n = features.shape[0]
    for start in range(0, n, batch_size):
        yield features[start:start + batch_size], labels[start:start + batch_size]


def linreg(X, w, b):
    return X @ w + b


def squared_loss(y_hat, y):
    return 0.5 * (y_hat - y.view(y_hat.shape)) ** 2


def sgd(params, lr, batch_size):
    with torch.no_grad():
        for p in params:
            p.sub_(lr * p.grad / batch_size)
            p.grad.zero_()


def load_array(data_arrays, batch_size, is_train=True):
    return data.DataLoader(data.TensorDataset(*data_arrays), batch_size=batch_size, shuffle=is_train)
