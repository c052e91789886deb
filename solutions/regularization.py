"""Weight decay, robust losses and K-fold cross-validation (d2l.ai, sections 4.5 and 4.10 of the
first edition, 3.7 and 5.7 of the second).

Weight decay from scratch (`l2_penalty`) and the concise way (`train_concise`, the optimizer's
`weight_decay`); the losses that resist outliers; and the house-price recipe of the Kaggle
section: the log RMSE, a linear net trained with Adam (`train_house`, the book's `train`) and
K-fold cross-validation to choose its hyperparameters.
"""
import torch
from torch import nn


def l2_penalty(w):
    """The weight-decay penalty: the sum of squared entries of `w`, halved (a 0-d tensor).

    Halving makes the gradient exactly `w`. Keep it differentiable.

    >>> l2_penalty(torch.tensor([[1.0], [2.0]]))   # tensor(2.5000)
    """
    ### BEGIN SOLUTION
    return torch.sum(w.pow(2)) / 2
    ### END SOLUTION


def l1_loss(y_hat, y):
    """Absolute error per example: |y_hat - y|, with `y` reshaped to `y_hat.shape`.

    >>> l1_loss(torch.tensor([[1.0], [3.0]]), torch.tensor([0.0, 5.0]))   # [[1.0], [2.0]]
    """
    ### BEGIN SOLUTION
    return torch.abs(y_hat - y.reshape(y_hat.shape))
    ### END SOLUTION


def huber_loss(y_hat, y, delta=1.0):
    """Huber loss per example, with d = y_hat - y (y reshaped to `y_hat.shape`):

    d^2 / 2 where |d| <= delta (quadratic near 0), and delta * (|d| - delta / 2) beyond (linear,
    robust to outliers). The pieces meet with the same value and slope at |d| = delta for every
    delta; this is PyTorch's `nn.HuberLoss(reduction='none', delta=delta)`.

    Pitfall: `|d| - delta / 2` beyond delta (without the factor delta) is right only for
    delta = 1; for any other delta the loss jumps at |d| = delta.

    >>> y_hat, y = torch.tensor([[0.5], [3.0]]), torch.tensor([0.0, 0.0])
    >>> huber_loss(y_hat, y)              # [[0.125], [2.5]]
    >>> huber_loss(y_hat, y, delta=2.0)   # [[0.125], [4.0]]: 2 * (3 - 2 / 2), not 3 - 2 / 2
    """
    ### BEGIN SOLUTION
    d = y_hat - y.reshape(y_hat.shape)
    abs_d = torch.abs(d)
    return torch.where(abs_d <= delta, d ** 2 / 2, delta * (abs_d - delta / 2))
    ### END SOLUTION


def get_k_fold_data(k, i, X, y):
    """Split `(X, y)` for fold `i` of K-fold cross-validation.

    Cut the first `k * (n // k)` rows into k consecutive folds of `n // k` rows (leftover rows are
    unused, as in the book); fold `i` is the validation set, the other folds, concatenated in
    order, are the training set. Returns `(X_train, y_train, X_valid, y_valid)`.

    >>> X_train, y_train, X_valid, y_valid = get_k_fold_data(5, 0, X, y)   # X_valid is X[:n//5]
    """
    ### BEGIN SOLUTION
    assert k > 1
    fold_size = X.shape[0] // k
    X_train, y_train = None, None
    for j in range(k):
        idx = slice(j * fold_size, (j + 1) * fold_size)
        X_part, y_part = X[idx, :], y[idx]
        if j == i:
            X_valid, y_valid = X_part, y_part
        elif X_train is None:
            X_train, y_train = X_part, y_part
        else:
            X_train = torch.cat([X_train, X_part], 0)
            y_train = torch.cat([y_train, y_part], 0)
    return X_train, y_train, X_valid, y_valid
    ### END SOLUTION


def train_concise(wd, train_iter, num_inputs, num_epochs=100, lr=0.003):
    """Weight decay the concise way: train `nn.Sequential(nn.Linear(num_inputs, 1))` on
    `train_iter` (batches `(X, y)`, y of shape (batch, 1)) with `nn.MSELoss(reduction='none')`
    (the mean of a batch's losses is minimised) and `torch.optim.SGD` at `lr`, decaying the weight
    only: `weight_decay=wd` in the weight's parameter group, none in the bias's. Draw the initial
    parameters from N(0, 1) (`param.data.normal_()`), as the book does. Returns the trained net
    (the book prints `net[0].weight.norm()`).

    Pitfall: `torch.optim.SGD(net.parameters(), lr=lr, weight_decay=wd)` decays the bias too.

    >>> net = train_concise(3, train_iter, 200)   # net[0].weight.norm() about 0.36
    """
    ### BEGIN SOLUTION
    net = nn.Sequential(nn.Linear(num_inputs, 1))
    for param in net.parameters():
        param.data.normal_()
    loss = nn.MSELoss(reduction='none')
    trainer = torch.optim.SGD([
        {"params": net[0].weight, "weight_decay": wd},
        {"params": net[0].bias}], lr=lr)
    for _ in range(num_epochs):
        for X, y in train_iter:
            trainer.zero_grad()
            l = loss(net(X), y)
            l.mean().backward()
            trainer.step()
    return net
    ### END SOLUTION


def log_rmse(net, features, labels):
    """The house-price error of the book: the root-mean-square error between the logarithms of the
    predictions and of the labels (both (n, 1)), as a float.

    Clamp the predictions to at least 1 first (`torch.clamp(net(features), 1, float('inf'))`):
    the log of a price at or below 0 is undefined. A relative error: off by 10 % costs the same
    for a cheap house as for a dear one.

    >>> log_rmse(net, train_features, train_labels)   # e.g. 0.162
    """
    ### BEGIN SOLUTION
    with torch.no_grad():
        clipped_preds = torch.clamp(net(features), 1, float('inf'))
        mse = nn.MSELoss()(torch.log(clipped_preds), torch.log(labels.reshape(clipped_preds.shape)))
    return torch.sqrt(mse).item()
    ### END SOLUTION


def get_net(in_features):
    """The book's model for the house prices: `nn.Sequential(nn.Linear(in_features, 1))`, a new one
    on every call (the book reads `in_features` from a global; here it is the argument).

    >>> net = get_net(331)   # net(X) is (n, 1) for X of shape (n, 331)
    """
    ### BEGIN SOLUTION
    return nn.Sequential(nn.Linear(in_features, 1))
    ### END SOLUTION


def train_house(net, train_features, train_labels, test_features, test_labels,
                num_epochs, learning_rate, weight_decay, batch_size):
    """Train `net` on the house prices, as the book's `train` (4.10): shuffled minibatches of
    `batch_size` from `(train_features, train_labels)`, `nn.MSELoss()` on the prices, and
    `torch.optim.Adam(net.parameters(), lr=learning_rate, weight_decay=weight_decay)`.

    Returns `(train_ls, test_ls)`: after each epoch, `log_rmse` of the net on the training data and,
    unless `test_labels` is None, on the test data (`test_ls` stays empty then). So each list's
    last entry is the error of the net as it is returned.

    >>> train_ls, test_ls = train_house(get_net(d), X, y, None, None, 100, 5, 0, 64)
    """
    ### BEGIN SOLUTION
    train_ls, test_ls = [], []
    loss = nn.MSELoss()
    dataset = torch.utils.data.TensorDataset(train_features, train_labels)
    train_iter = torch.utils.data.DataLoader(dataset, batch_size, shuffle=True)
    optimizer = torch.optim.Adam(net.parameters(), lr=learning_rate, weight_decay=weight_decay)
    for _ in range(num_epochs):
        for X, y in train_iter:
            optimizer.zero_grad()
            l = loss(net(X), y)
            l.backward()
            optimizer.step()
        train_ls.append(log_rmse(net, train_features, train_labels))
        if test_labels is not None:
            test_ls.append(log_rmse(net, test_features, test_labels))
    return train_ls, test_ls
    ### END SOLUTION


def k_fold(k, X_train, y_train, num_epochs, learning_rate, weight_decay, batch_size):
    """K-fold cross-validation of the house-price recipe: for each fold i, split with
    `get_k_fold_data(k, i, X_train, y_train)`, train a fresh `get_net(X_train.shape[1])` with
    `train_house` (validation data as its test data, the hyperparameters passed on), and keep the
    last train and validation log RMSE. Returns their means over the k folds,
    `(train_l, valid_l)`.

    Pitfall: one net made before the loop keeps learning from fold to fold, and has seen every
    validation fold by the end.

    >>> train_l, valid_l = k_fold(5, X, y, 100, 5, 0, 64)   # e.g. (0.127, 0.145)
    """
    ### BEGIN SOLUTION
    train_l_sum, valid_l_sum = 0, 0
    for i in range(k):
        data = get_k_fold_data(k, i, X_train, y_train)
        net = get_net(X_train.shape[1])
        train_ls, valid_ls = train_house(net, *data, num_epochs, learning_rate, weight_decay,
                                         batch_size)
        train_l_sum += train_ls[-1]
        valid_l_sum += valid_ls[-1]
    return train_l_sum / k, valid_l_sum / k
    ### END SOLUTION
