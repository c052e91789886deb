# Bob's MLP and dropout.
import torch


def relu(X):
    return torch.clamp(X, min=0)


def init_mlp_params(num_inputs, num_hiddens, num_outputs):
    W1 = (torch.randn(num_inputs, num_hiddens) * 0.01).requires_grad_()
    b1 = torch.zeros(num_hiddens, requires_grad=True)
    W2 = (torch.randn(num_hiddens, num_outputs) * 0.01).requires_grad_()
    b2 = torch.zeros(num_outputs, requires_grad=True)
    return [W1, b1, W2, b2]


def mlp(X, params):
    W1, b1, W2, b2 = params
    H = relu(X.reshape(-1, W1.shape[0]) @ W1 + b1)
    return H @ W2 + b2


def dropout_layer(X, dropout):
    if dropout == 1:
        return torch.zeros_like(X)
    keep = (torch.rand_like(X) > dropout).float()
    return keep * X          # forgot to rescale by 1 / (1 - dropout)


def init_dropout_mlp_params(num_inputs, num_hiddens1, num_hiddens2, num_outputs):
    shapes = [(num_inputs, num_hiddens1), (num_hiddens1, num_hiddens2), (num_hiddens2, num_outputs)]
    params = []
    for fan_in, fan_out in shapes:
        params.append((torch.randn(fan_in, fan_out) * 0.1).requires_grad_())
        params.append(torch.zeros(fan_out, requires_grad=True))
    return params


def dropout_mlp(X, params, dropout1, dropout2, training=True):
    W1, b1, W2, b2, W3, b3 = params
    H1 = relu(X.reshape(-1, W1.shape[0]) @ W1 + b1)
    if training:
        H1 = dropout_layer(H1, dropout1)
    H2 = relu(H1 @ W2 + b2)
    if training:
        H2 = dropout_layer(H2, dropout2)
    return H2 @ W3 + b3
