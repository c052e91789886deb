"""A hand-in that computes nothing: the states are constants of the right shapes (ones, not the
zeros the averages start from) and each step only zeroes the gradients."""
import torch


def init_momentum_states(feature_dim):
    return (torch.ones((feature_dim, 1)), torch.ones(1))


def sgd_momentum(params, states, hyperparams):
    for p in params:
        p.grad.data.zero_()


def init_rmsprop_states(feature_dim):
    return (torch.ones((feature_dim, 1)), torch.ones(1))


def rmsprop(params, states, hyperparams):
    for p in params:
        p.grad.data.zero_()


def init_adam_states(feature_dim):
    return ((torch.ones((feature_dim, 1)), torch.ones((feature_dim, 1))),
            (torch.ones(1), torch.ones(1)))


def adam(params, states, hyperparams):
    for p in params:
        p.grad.data.zero_()
    hyperparams['t'] += 1
