# Bob's regularization helpers.
import torch
from torch import nn


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


def train_concise(wd, train_iter, num_inputs, num_epochs=100, lr=0.003):
    net = nn.Sequential(nn.Linear(num_inputs, 1))
    for param in net.parameters():
        param.data.normal_()
    loss = nn.MSELoss(reduction='none')
    trainer = torch.optim.SGD(net.parameters(), lr=lr, weight_decay=wd)   # decays the bias too
    for epoch in range(num_epochs):
        for X, y in train_iter:
            trainer.zero_grad()
            loss(net(X), y).mean().backward()
            trainer.step()
    return net


def log_rmse(net, features, labels):
    with torch.no_grad():
        preds = torch.clamp(net(features), 1, float('inf'))
        return torch.sqrt(((torch.log(preds) - torch.log(labels)) ** 2).mean()).item()


def get_net(in_features):
    return nn.Sequential(nn.Linear(in_features, 1))


def train_house(net, train_features, train_labels, test_features, test_labels,
                num_epochs, learning_rate, weight_decay, batch_size):
    train_ls, test_ls = [], []
    train_iter = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(train_features, train_labels), batch_size, shuffle=True)
    optimizer = torch.optim.Adam(net.parameters(), lr=learning_rate, weight_decay=weight_decay)
    for epoch in range(num_epochs):
        for X, y in train_iter:
            optimizer.zero_grad()
            nn.MSELoss()(net(X), y).backward()
            optimizer.step()
        train_ls.append(log_rmse(net, train_features, train_labels))
        if test_labels is not None:
            test_ls.append(log_rmse(net, test_features, test_labels))
    return train_ls, test_ls


def k_fold(k, X_train, y_train, num_epochs, learning_rate, weight_decay, batch_size):
    net = get_net(X_train.shape[1])   # one net for all the folds
    train_sum, valid_sum = 0, 0
    for i in range(k):
        data = get_k_fold_data(k, i, X_train, y_train)
        train_ls, valid_ls = train_house(net, *data, num_epochs, learning_rate, weight_decay,
                                         batch_size)
        train_sum += train_ls[-1]
        valid_sum += valid_ls[-1]
    return train_sum / k, valid_sum / k
