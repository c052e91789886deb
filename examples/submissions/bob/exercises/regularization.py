# Bob's regularization helpers.
import torch


def l2_penalty(w):
    return (w ** 2).sum() / 2


def l1_loss(y_hat, y):
    return (y_hat - y.reshape(y_hat.shape)).abs()


def huber_loss(y_hat, y, delta=1.0):
    d = (y_hat - y.reshape(y_hat.shape)).abs()
    return torch.where(d <= delta, 0.5 * d ** 2, delta * (d - 0.5 * delta))


def get_k_fold_data(k, i, X, y):
    fold = X.shape[0] // k
    valid = slice(i * fold, (i + 1) * fold)
    X_valid, y_valid = X[valid], y[valid]
    train_idx = [j for j in range(k) if j != i]
    X_train = torch.cat([X[j * fold:(j + 1) * fold] for j in train_idx])
    y_train = torch.cat([y[j * fold:(j + 1) * fold] for j in train_idx])
    return X_train, y_train, X_valid, y_valid
