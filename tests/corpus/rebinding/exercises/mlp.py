import torch
from torch import nn


def relu(X):
    return torch.max(X, torch.zeros_like(X))


def init_mlp_params(num_inputs, num_hiddens, num_outputs):
    W1 = nn.Parameter(torch.randn(num_inputs, num_hiddens) * 0.01)
    b1 = nn.Parameter(torch.zeros(num_hiddens))
    W2 = nn.Parameter(torch.randn(num_hiddens, num_outputs) * 0.01)
    b2 = nn.Parameter(torch.zeros(num_outputs))
    return [W1, b1, W2, b2]


def mlp(X, params):
    W1, b1, W2, b2 = params
    return relu(X.reshape(-1, W1.shape[0]) @ W1 + b1) @ W2 + b2


# concise version (section 5.1.2)
relu = nn.ReLU()
net = nn.Sequential(nn.Flatten(), nn.Linear(784, 256), relu, nn.Linear(256, 10))
mlp = net
