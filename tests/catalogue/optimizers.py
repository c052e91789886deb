"""Realistic mistakes and other correct implementations for exercises/optimizers.py."""
from tests.catalogue import Mistake, Variant

M = "optimizers"

MISTAKES = [
    # ---- init functions
    Mistake("momentum_states_flat", M, "init_momentum_states", '''
        def init_momentum_states(feature_dim):
            return (torch.zeros(feature_dim), torch.zeros(1))
        ''', expect="a column"),
    Mistake("momentum_states_one_tensor", M, "init_momentum_states", '''
        def init_momentum_states(feature_dim):
            return torch.zeros((feature_dim, 1))
        ''', expect="expected (v_w, v_b)"),
    Mistake("momentum_states_empty", M, "init_momentum_states", '''
        def init_momentum_states(feature_dim):
            return (torch.empty((feature_dim, 1)).fill_(1.0), torch.ones(1))
        ''', expect="expected zeros"),
    Mistake("rmsprop_states_bias_like_w", M, "init_rmsprop_states", '''
        def init_rmsprop_states(feature_dim):
            return (torch.zeros((feature_dim, 1)), torch.zeros((feature_dim, 1)))
        ''', expect="like the bias b"),
    Mistake("rmsprop_states_int", M, "init_rmsprop_states", '''
        def init_rmsprop_states(feature_dim):
            return (torch.zeros((feature_dim, 1), dtype=torch.long), torch.zeros(1, dtype=torch.long))
        ''', expect="floating point"),
    Mistake("adam_states_aliased", M, "init_adam_states", '''
        def init_adam_states(feature_dim):
            v_w = s_w = torch.zeros((feature_dim, 1))
            v_b = s_b = torch.zeros(1)
            return ((v_w, s_w), (v_b, s_b))
        ''', expect="share memory"),
    Mistake("adam_states_flat_tuple", M, "init_adam_states", '''
        def init_adam_states(feature_dim):
            return (torch.zeros((feature_dim, 1)), torch.zeros((feature_dim, 1)),
                    torch.zeros(1), torch.zeros(1))
        ''', expect="expected ((v_w, s_w), (v_b, s_b))"),
    # ---- sgd_momentum
    Mistake("momentum_rebinds_state", M, "sgd_momentum", '''
        def sgd_momentum(params, states, hyperparams):
            for p, v in zip(params, states):
                with torch.no_grad():
                    v = hyperparams['momentum'] * v + p.grad
                    p[:] -= hyperparams['lr'] * v
                p.grad.data.zero_()
        ''', expect="not kept between steps"),
    Mistake("momentum_dampened", M, "sgd_momentum", '''
        def sgd_momentum(params, states, hyperparams):
            m = hyperparams['momentum']
            for p, v in zip(params, states):
                with torch.no_grad():
                    v[:] = m * v + (1 - m) * p.grad
                    p[:] -= hyperparams['lr'] * v
                p.grad.data.zero_()
        ''', expect="(1 - momentum)"),
    Mistake("momentum_lr_twice", M, "sgd_momentum", '''
        def sgd_momentum(params, states, hyperparams):
            for p, v in zip(params, states):
                with torch.no_grad():
                    v[:] = hyperparams['momentum'] * v + hyperparams['lr'] * p.grad
                    p[:] -= hyperparams['lr'] * v
                p.grad.data.zero_()
        ''', expect="applied lr twice"),
    Mistake("momentum_rebinds_param", M, "sgd_momentum", '''
        def sgd_momentum(params, states, hyperparams):
            for p, v in zip(params, states):
                with torch.no_grad():
                    v[:] = hyperparams['momentum'] * v + p.grad
                    p = p - hyperparams['lr'] * v
                p.grad = None
        ''', expect="left the parameters unchanged"),
    Mistake("momentum_no_zero_grad", M, "sgd_momentum", '''
        def sgd_momentum(params, states, hyperparams):
            for p, v in zip(params, states):
                with torch.no_grad():
                    v[:] = hyperparams['momentum'] * v + p.grad
                    p[:] -= hyperparams['lr'] * v
        ''', expect="did not zero the gradients"),
    Mistake("momentum_torch_optim", M, "sgd_momentum", '''
        def sgd_momentum(params, states, hyperparams):
            for p, v in zip(params, states):
                with torch.no_grad():
                    v[:] = hyperparams['momentum'] * v + p.grad
                    v_copy = v.clone()
                opt = torch.optim.SGD([p], lr=hyperparams['lr'])
                p.grad = v_copy
                opt.step()
                p.grad.data.zero_()
        ''', expect="built a library optimizer"),
    Mistake("momentum_outside_no_grad", M, "sgd_momentum", '''
        def sgd_momentum(params, states, hyperparams):
            for p, v in zip(params, states):
                v[:] = hyperparams['momentum'] * v + p.grad
                p[:] -= hyperparams['lr'] * v
                p.grad.data.zero_()
        ''', expect="torch.no_grad()"),
    # ---- rmsprop
    Mistake("rmsprop_swapped_gamma", M, "rmsprop", '''
        def rmsprop(params, states, hyperparams):
            gamma, eps = hyperparams['gamma'], 1e-6
            for p, s in zip(params, states):
                with torch.no_grad():
                    s[:] = (1 - gamma) * s + gamma * torch.square(p.grad)
                    p[:] -= hyperparams['lr'] * p.grad / torch.sqrt(s + eps)
                p.grad.data.zero_()
        ''', expect="swapped gamma"),
    Mistake("rmsprop_no_sqrt", M, "rmsprop", '''
        def rmsprop(params, states, hyperparams):
            gamma, eps = hyperparams['gamma'], 1e-6
            for p, s in zip(params, states):
                with torch.no_grad():
                    s[:] = gamma * s + (1 - gamma) * p.grad ** 2
                    p[:] -= hyperparams['lr'] * p.grad / (s + eps)
                p.grad.data.zero_()
        ''', expect="square root"),
    Mistake("rmsprop_no_square", M, "rmsprop", '''
        def rmsprop(params, states, hyperparams):
            gamma, eps = hyperparams['gamma'], 1e-6
            for p, s in zip(params, states):
                with torch.no_grad():
                    s[:] = gamma * s + (1 - gamma) * p.grad
                    p[:] -= hyperparams['lr'] * p.grad / torch.sqrt(s + eps)
                p.grad.data.zero_()
        ''', expect="square the gradient"),
    Mistake("rmsprop_rebinds_state", M, "rmsprop", '''
        def rmsprop(params, states, hyperparams):
            gamma, eps = hyperparams['gamma'], 1e-6
            for p, s in zip(params, states):
                with torch.no_grad():
                    s = gamma * s + (1 - gamma) * torch.square(p.grad)
                    p -= hyperparams['lr'] * p.grad / torch.sqrt(s + eps)
                p.grad.zero_()
        ''', expect="not kept between steps"),
    Mistake("rmsprop_torch_optim", M, "rmsprop", '''
        _OPT = {}

        def rmsprop(params, states, hyperparams):
            key = tuple(id(p) for p in params)
            if key not in _OPT:
                _OPT[key] = torch.optim.RMSprop(params, lr=hyperparams['lr'],
                                                alpha=hyperparams['gamma'], eps=1e-6)
            _OPT[key].step()
            for p in params:
                p.grad.data.zero_()
        ''', expect="built a library optimizer"),
    # ---- adam
    Mistake("adam_no_bias_correction", M, "adam", '''
        def adam(params, states, hyperparams):
            beta1, beta2, eps = 0.9, 0.999, 1e-6
            for p, (v, s) in zip(params, states):
                with torch.no_grad():
                    v[:] = beta1 * v + (1 - beta1) * p.grad
                    s[:] = beta2 * s + (1 - beta2) * torch.square(p.grad)
                    p[:] -= hyperparams['lr'] * v / (torch.sqrt(s) + eps)
                p.grad.data.zero_()
            hyperparams['t'] += 1
        ''', expect="no bias correction"),
    Mistake("adam_t_per_param", M, "adam", '''
        def adam(params, states, hyperparams):
            beta1, beta2, eps = 0.9, 0.999, 1e-6
            for p, (v, s) in zip(params, states):
                with torch.no_grad():
                    v[:] = beta1 * v + (1 - beta1) * p.grad
                    s[:] = beta2 * s + (1 - beta2) * torch.square(p.grad)
                    v_hat = v / (1 - beta1 ** hyperparams['t'])
                    s_hat = s / (1 - beta2 ** hyperparams['t'])
                    p[:] -= hyperparams['lr'] * v_hat / (torch.sqrt(s_hat) + eps)
                p.grad.data.zero_()
                hyperparams['t'] += 1
        ''', expect="once per parameter"),
    Mistake("adam_t_never_advanced", M, "adam", '''
        def adam(params, states, hyperparams):
            beta1, beta2, eps = 0.9, 0.999, 1e-6
            for p, (v, s) in zip(params, states):
                with torch.no_grad():
                    v[:] = beta1 * v + (1 - beta1) * p.grad
                    s[:] = beta2 * s + (1 - beta2) * torch.square(p.grad)
                    v_hat = v / (1 - beta1 ** hyperparams['t'])
                    s_hat = s / (1 - beta2 ** hyperparams['t'])
                    p[:] -= hyperparams['lr'] * v_hat / (torch.sqrt(s_hat) + eps)
                p.grad.data.zero_()
        ''', expect="t = 1 on every step"),
    Mistake("adam_rebinds_states", M, "adam", '''
        def adam(params, states, hyperparams):
            beta1, beta2, eps = 0.9, 0.999, 1e-6
            t = hyperparams['t']
            for p, (v, s) in zip(params, states):
                with torch.no_grad():
                    v = beta1 * v + (1 - beta1) * p.grad
                    s = beta2 * s + (1 - beta2) * p.grad ** 2
                    p -= hyperparams['lr'] * (v / (1 - beta1 ** t)) / (torch.sqrt(s / (1 - beta2 ** t)) + eps)
                p.grad.zero_()
            hyperparams['t'] = t + 1
        ''', expect="not kept between steps"),
    Mistake("adam_torch_optim", M, "adam", '''
        _OPT = {}

        def adam(params, states, hyperparams):
            key = tuple(id(p) for p in params)
            if key not in _OPT:
                _OPT[key] = torch.optim.Adam(params, lr=hyperparams['lr'], eps=1e-6)
            _OPT[key].step()
            for p in params:
                p.grad.data.zero_()
            hyperparams['t'] += 1
        ''', expect="built a library optimizer"),
]

VARIANTS = [
    Variant("momentum_states_zeros_like", M, "init_momentum_states", '''
        def init_momentum_states(feature_dim):
            w = torch.empty(feature_dim, 1)
            return [torch.zeros_like(w), torch.zeros(1)]
        '''),
    Variant("rmsprop_states_float64", M, "init_rmsprop_states", '''
        def init_rmsprop_states(feature_dim):
            return torch.zeros(feature_dim, 1, dtype=torch.float64), torch.zeros(1, dtype=torch.float64)
        '''),
    Variant("adam_states_comprehension", M, "init_adam_states", '''
        def init_adam_states(feature_dim):
            return tuple((torch.zeros(shape), torch.zeros(shape)) for shape in ((feature_dim, 1), (1,)))
        '''),
    Variant("momentum_lr_folded_into_v", M, "sgd_momentum", '''
        def sgd_momentum(params, states, hyperparams):
            with torch.no_grad():
                for p, v in zip(params, states):
                    v.mul_(hyperparams['momentum']).add_(hyperparams['lr'] * p.grad)
                    p.sub_(v)
                    p.grad = None
        '''),
    Variant("rmsprop_eps_outside_inplace_ops", M, "rmsprop", '''
        def rmsprop(params, states, hyperparams):
            gamma = hyperparams['gamma']
            with torch.no_grad():
                for p, s in zip(params, states):
                    s.mul_(gamma).addcmul_(p.grad, p.grad, value=1 - gamma)
                    p.addcdiv_(p.grad, s.sqrt().add(1e-8), value=-hyperparams['lr'])
                    p.grad.zero_()
        '''),
    Variant("adam_torch_default_eps", M, "adam", '''
        def adam(params, states, hyperparams):
            beta1, beta2, eps, t = 0.9, 0.999, 1e-8, hyperparams['t']
            for p, (v, s) in zip(params, states):
                with torch.no_grad():
                    g = p.grad
                    v.copy_(beta1 * v + (1 - beta1) * g)
                    s.copy_(beta2 * s + (1 - beta2) * g * g)
                    step = hyperparams['lr'] * (v / (1 - beta1 ** t)) / ((s / (1 - beta2 ** t)).sqrt() + eps)
                    p -= step
                p.grad.data.zero_()
            hyperparams['t'] = t + 1
        '''),
]
