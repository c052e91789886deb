# Generated from solutions/ by `autograder build-exercises`: fill in the bodies.
"""Optimisers from scratch: SGD with momentum, RMSProp and Adam (d2l.ai, sections 12.6, 12.8 and
12.10), with the book's signatures.

Each optimiser keeps a state per parameter (made by its `init_*_states(feature_dim)` for the
book's linear model: a weight column (feature_dim, 1) and a bias (1,)) and updates parameters and
states in place, under `torch.no_grad()`, then zeroes the gradients, as the book's `sgd` does. The
training loop passes `params`, the states and a dict of hyperparameters on every step.
"""
import torch


def init_momentum_states(feature_dim):
    """The momentum "velocities" for a weight column and a bias: `(v_w, v_b)`, zeros of shapes
    (feature_dim, 1) and (1,).

    Pitfall: `v_w = v_b = ...` or one tensor used twice makes the two states share memory.

    >>> v_w, v_b = init_momentum_states(2)   # tensor([[0.], [0.]]), tensor([0.])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def sgd_momentum(params, states, hyperparams):
    """One step of SGD with momentum, for each parameter p and its velocity v:

        v <- momentum * v + p.grad
        p <- p - lr * v

    with `hyperparams['lr']` and `hyperparams['momentum']`; then zero p.grad. This is
    `torch.optim.SGD(params, lr, momentum)`; write it yourself.

    Pitfall: `v = momentum * v + p.grad` binds a new local name: the state the training loop
    keeps never changes, and every step forgets the last. Update in place: `v[:] = ...`.

    >>> states = init_momentum_states(2); sgd_momentum([w, b], states, {'lr': 0.01, 'momentum': 0.9})
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def init_rmsprop_states(feature_dim):
    """The RMSProp running averages of squared gradients: `(s_w, s_b)`, zeros of shapes
    (feature_dim, 1) and (1,).

    >>> s_w, s_b = init_rmsprop_states(2)
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def rmsprop(params, states, hyperparams):
    """One step of RMSProp, for each parameter p and its state s, with gamma =
    `hyperparams['gamma']`, lr = `hyperparams['lr']` and eps = 1e-6:

        s <- gamma * s + (1 - gamma) * p.grad ** 2
        p <- p - lr * p.grad / sqrt(s + eps)

    then zero p.grad. (`torch.optim.RMSprop(params, lr, alpha=gamma)` puts eps outside the root,
    sqrt(s) + eps; either is right.) Write it yourself.

    Pitfall: gamma weighs the old average, 1 - gamma the new squared gradient; swapped, the
    average forgets at once.

    >>> states = init_rmsprop_states(2); rmsprop([w, b], states, {'lr': 0.01, 'gamma': 0.9})
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def init_adam_states(feature_dim):
    """Adam's first and second moments for a weight column and a bias:
    `((v_w, s_w), (v_b, s_b))`, four separate zero tensors, the weight's (feature_dim, 1), the
    bias's (1,).

    Pitfall: `v_w = s_w = torch.zeros(...)` makes v and s one tensor, so each update overwrites
    the other.

    >>> (v_w, s_w), (v_b, s_b) = init_adam_states(2)
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def adam(params, states, hyperparams):
    """One step of Adam, for each parameter p and its state (v, s), with beta1 = 0.9,
    beta2 = 0.999, eps = 1e-6, lr = `hyperparams['lr']` and the step number t =
    `hyperparams['t']` (1 on the first call):

        v <- beta1 * v + (1 - beta1) * p.grad
        s <- beta2 * s + (1 - beta2) * p.grad ** 2
        v_hat, s_hat = v / (1 - beta1 ** t), s / (1 - beta2 ** t)      (bias correction)
        p <- p - lr * v_hat / (sqrt(s_hat) + eps)

    then zero p.grad, and after all parameters add 1 to `hyperparams['t']` (once per step, not
    once per parameter). This is `torch.optim.Adam(params, lr, eps=1e-6)`; write it yourself.

    Pitfall: without the bias correction the first steps are far too small (v starts at 0).

    >>> hyperparams = {'lr': 0.01, 't': 1}; adam([w, b], init_adam_states(2), hyperparams)
    """
    # YOUR CODE HERE
    raise NotImplementedError()
