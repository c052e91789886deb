"""Bob's model selection: the features and the training follow the book; his evaluate_loss
averages the batch means, which weighs a small last batch as much as a full one."""
import math

import torch
from torch import nn


def poly_features(x, max_degree):
    features = torch.pow(x, torch.arange(max_degree).reshape(1, -1))
    for i in range(max_degree):
        features[:, i] /= math.gamma(i + 1)
    return features


def evaluate_loss(net, data_iter, loss):
    batch_means = []
    with torch.no_grad():
        for X, y in data_iter:
            out = net(X)
            batch_means.append(float(loss(out, y.reshape(out.shape)).mean()))
    return sum(batch_means) / len(batch_means)


def train_poly(train_features, test_features, train_labels, test_labels, num_epochs=400):
    loss = nn.MSELoss(reduction='none')
    net = nn.Sequential(nn.Linear(train_features.shape[-1], 1, bias=False))
    batch_size = min(10, train_labels.shape[0])
    train_iter = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(train_features, train_labels.reshape(-1, 1)), batch_size,
        shuffle=True)
    test_iter = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(test_features, test_labels.reshape(-1, 1)), batch_size)
    trainer = torch.optim.SGD(net.parameters(), lr=0.01)
    train_losses, test_losses = [], []
    for epoch in range(num_epochs):
        for X, y in train_iter:
            trainer.zero_grad()
            loss(net(X), y).mean().backward()
            trainer.step()
        train_losses.append(evaluate_loss(net, train_iter, loss))
        test_losses.append(evaluate_loss(net, test_iter, loss))
    return net, train_losses, test_losses
