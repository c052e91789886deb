"""A hand-in that computes nothing: every function returns zeros or constants of the right shapes."""
import torch
from torch import nn


def softmax(X):
    return torch.full(X.shape, 1.0 / X.shape[1])


def cross_entropy(y_hat, y):
    return torch.zeros(len(y_hat))


def accuracy(y_hat, y):
    return 0.0


class Accumulator:
    def __init__(self, n):
        self.data = [0.0] * n

    def add(self, *args):
        pass

    def reset(self):
        self.data = [0.0] * len(self.data)

    def __getitem__(self, idx):
        return self.data[idx]


def evaluate_accuracy(net, data_iter):
    if isinstance(net, torch.nn.Module):
        net.eval()
    return 0.0


def train_epoch_ch3(net, train_iter, loss, updater):
    return 0.0, 0.0


def get_fashion_mnist_labels(labels):
    return ["t-shirt" for _ in labels]


def load_data_fashion_mnist(batch_size, resize=None):
    size = resize or 28
    train = [(torch.zeros(batch_size, 1, size, size), torch.zeros(batch_size, dtype=torch.long))]
    return train, train


def train_ch3(net, train_iter, test_iter, loss, num_epochs, updater):
    return [(0.0, 0.0, 0.0)] * num_epochs


def predict_ch3(net, test_iter, n=6):
    return ["t-shirt\nt-shirt"] * n


def init_weights(m):
    if type(m) == nn.Linear:
        m.weight.data.zero_()


def concise_softmax_net():
    net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
    for param in net.parameters():
        param.data.zero_()
    return net
