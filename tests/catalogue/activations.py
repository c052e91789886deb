"""Realistic mistakes and other correct implementations of the chapter-4 activations and
xavier_init in exercises/mlp.py.

The stability mistakes were chosen by running them: in float32, 1 / (1 + exp(-X)) has the right
values even at X = -1000 (1 / inf = 0) but a nan gradient there (inf * 0), exp(X) / (1 + exp(X))
is nan at X = 100, the naive tanh is nan from X = -50, and the textbook derivatives
exp(-X) / (1 + exp(-X))**2 and 4 exp(-2X) / (1 + exp(-2X))**2 are inf / inf = nan.
"""
from tests.catalogue import Mistake, Variant

M = "mlp"

MISTAKES = [
    # ---------------------------------------------------------------------------------- sigmoid
    Mistake("sigmoid_sign_flipped", M, "sigmoid", '''
        def sigmoid(X):
            return 1 / (1 + torch.exp(X))
        ''', expect="sign of the exponent is flipped"),
    Mistake("sigmoid_no_reciprocal", M, "sigmoid", '''
        def sigmoid(X):
            return 1 + torch.exp(-X)
        ''', expect="take the reciprocal"),
    Mistake("sigmoid_exp_ratio_overflows", M, "sigmoid", '''
        def sigmoid(X):
            return torch.exp(X) / (1 + torch.exp(X))
        ''', expect="not numerically stable"),
    Mistake("sigmoid_naive_nan_gradient", M, "sigmoid", '''
        def sigmoid(X):
            return 1 / (1 + torch.exp(-X))
        ''', expect="the backward pass multiplies that inf by 0"),
    Mistake("sigmoid_where_both_branches_overflow", M, "sigmoid", '''
        def sigmoid(X):
            return torch.where(X >= 0, 1 / (1 + torch.exp(-X)), torch.exp(X) / (1 + torch.exp(X)))
        ''', expect="torch.where computes both branches"),
    Mistake("sigmoid_torch", M, "sigmoid", '''
        def sigmoid(X):
            return torch.sigmoid(X)
        ''', expect="torch.sigmoid"),
    Mistake("sigmoid_nn_module", M, "sigmoid", '''
        def sigmoid(X):
            return torch.nn.Sigmoid()(X)
        ''', expect="calls torch.sigmoid"),
    # ----------------------------------------------------------------------------- sigmoid_grad
    Mistake("sigmoid_grad_plus", M, "sigmoid_grad", '''
        def sigmoid_grad(X):
            s = sigmoid(X)
            return s * (1 + s)
        ''', expect="sign error"),
    Mistake("sigmoid_grad_tanh_pattern", M, "sigmoid_grad", '''
        def sigmoid_grad(X):
            return 1 - sigmoid(X) ** 2
        ''', expect="pattern of tanh's derivative"),
    Mistake("sigmoid_grad_returns_sigmoid", M, "sigmoid_grad", '''
        def sigmoid_grad(X):
            return sigmoid(X)
        ''', expect="returned sigmoid(X) itself"),
    Mistake("sigmoid_grad_exp_formula", M, "sigmoid_grad", '''
        def sigmoid_grad(X):
            return torch.exp(-X) / (1 + torch.exp(-X)) ** 2
        ''', expect="inf / inf = nan"),
    Mistake("sigmoid_grad_autograd", M, "sigmoid_grad", '''
        def sigmoid_grad(X):
            x = X.detach().clone().requires_grad_(True)
            sigmoid(x).sum().backward()
            return x.grad
        ''', expect="Tensor.backward"),
    # ------------------------------------------------------------------------------------- tanh
    Mistake("tanh_naive_overflows", M, "tanh", '''
        def tanh(X):
            return (1 - torch.exp(-2 * X)) / (1 + torch.exp(-2 * X))
        ''', expect="not numerically stable"),
    Mistake("tanh_sign_flipped", M, "tanh", '''
        def tanh(X):
            return (1 - torch.exp(2 * X)) / (1 + torch.exp(2 * X))
        ''', expect="signs are flipped"),
    Mistake("tanh_half_exponent", M, "tanh", '''
        def tanh(X):
            z = torch.exp(-X.abs())
            return torch.sign(X) * (1 - z) / (1 + z)
        ''', expect="instead of -2X"),
    Mistake("tanh_sigmoid_not_rescaled", M, "tanh", '''
        def tanh(X):
            return 2 * sigmoid(X) - 1
        ''', expect="tanh(X / 2)"),
    Mistake("tanh_via_naive_sigmoid_nan_gradient", M, "tanh", '''
        def tanh(X):
            return 2 / (1 + torch.exp(-2 * X)) - 1
        ''', expect="the backward pass multiplies that inf by 0"),
    Mistake("tanh_torch", M, "tanh", '''
        def tanh(X):
            return X.tanh()
        ''', expect="Tensor.tanh"),
    # ---------------------------------------------------------------------------------- tanh_grad
    Mistake("tanh_grad_not_squared", M, "tanh_grad", '''
        def tanh_grad(X):
            return 1 - tanh(X)
        ''', expect="not squared"),
    Mistake("tanh_grad_sigmoid_pattern", M, "tanh_grad", '''
        def tanh_grad(X):
            t = tanh(X)
            return t * (1 - t)
        ''', expect="pattern of sigmoid's derivative"),
    Mistake("tanh_grad_exp_formula", M, "tanh_grad", '''
        def tanh_grad(X):
            e = torch.exp(-2 * X)
            return 4 * e / (1 + e) ** 2
        ''', expect="inf / inf = nan"),
    Mistake("tanh_grad_autograd", M, "tanh_grad", '''
        def tanh_grad(X):
            x = X.detach().clone().requires_grad_(True)
            (g,) = torch.autograd.grad(tanh(x).sum(), x)
            return g
        ''', expect="autograd"),
    # -------------------------------------------------------------------------------- xavier_init
    Mistake("xavier_normal_instead_of_uniform", M, "xavier_init", '''
        def xavier_init(num_inputs, num_outputs):
            std = (2 / (num_inputs + num_outputs)) ** 0.5
            return (torch.randn(num_inputs, num_outputs) * std).requires_grad_()
        ''', expect="Xavier *normal*"),
    Mistake("xavier_fan_in_only", M, "xavier_init", '''
        def xavier_init(num_inputs, num_outputs):
            a = (6 / num_inputs) ** 0.5
            return (torch.rand(num_inputs, num_outputs) * 2 * a - a).requires_grad_()
        ''', expect="uses only num_inputs"),
    Mistake("xavier_std_as_bound", M, "xavier_init", '''
        def xavier_init(num_inputs, num_outputs):
            a = (2 / (num_inputs + num_outputs)) ** 0.5
            return (torch.rand(num_inputs, num_outputs) * 2 * a - a).requires_grad_()
        ''', expect="not the bound of the interval"),
    Mistake("xavier_half_interval", M, "xavier_init", '''
        def xavier_init(num_inputs, num_outputs):
            a = (6 / (num_inputs + num_outputs)) ** 0.5
            return ((torch.rand(num_inputs, num_outputs) - 0.5) * a).requires_grad_()
        ''', expect="[-a/2, a/2]"),
    Mistake("xavier_rand_not_centred", M, "xavier_init", '''
        def xavier_init(num_inputs, num_outputs):
            a = (6 / (num_inputs + num_outputs)) ** 0.5
            return (torch.rand(num_inputs, num_outputs) * a).requires_grad_()
        ''', expect="U(0, a)"),
    Mistake("xavier_transposed", M, "xavier_init", '''
        def xavier_init(num_inputs, num_outputs):
            a = (6 / (num_inputs + num_outputs)) ** 0.5
            return (torch.rand(num_outputs, num_inputs) * 2 * a - a).requires_grad_()
        ''', expect="transposed"),
    Mistake("xavier_no_requires_grad", M, "xavier_init", '''
        def xavier_init(num_inputs, num_outputs):
            a = (6 / (num_inputs + num_outputs)) ** 0.5
            return torch.rand(num_inputs, num_outputs) * 2 * a - a
        ''', expect="do not require gradients"),
    Mistake("xavier_not_a_leaf", M, "xavier_init", '''
        def xavier_init(num_inputs, num_outputs):
            a = (6 / (num_inputs + num_outputs)) ** 0.5
            return torch.rand(num_inputs, num_outputs, requires_grad=True) * 2 * a - a
        ''', expect="not a leaf"),
    Mistake("xavier_fixed_seed", M, "xavier_init", '''
        def xavier_init(num_inputs, num_outputs):
            torch.manual_seed(0)
            a = (6 / (num_inputs + num_outputs)) ** 0.5
            return (torch.rand(num_inputs, num_outputs) * 2 * a - a).requires_grad_()
        ''', expect="returned the same weights"),
    Mistake("xavier_nn_init", M, "xavier_init", '''
        def xavier_init(num_inputs, num_outputs):
            W = torch.empty(num_inputs, num_outputs)
            torch.nn.init.xavier_uniform_(W)
            return W.requires_grad_()
        ''', expect="nn.init.xavier_uniform_"),
]

VARIANTS = [
    Variant("sigmoid_abs_where", M, "sigmoid", '''
        def sigmoid(X):
            z = torch.exp(-X.abs())
            return torch.where(X >= 0, 1 / (1 + z), z / (1 + z))
        '''),
    Variant("sigmoid_logaddexp", M, "sigmoid", '''
        def sigmoid(X):
            # 1 / (1 + exp(-X)) = exp(-log(1 + exp(-X))), with the log computed stably
            return torch.exp(-torch.logaddexp(torch.zeros_like(X), -X))
        '''),
    Variant("sigmoid_clamped", M, "sigmoid", '''
        def sigmoid(X):
            return 1 / (1 + torch.exp(-X.clamp(min=-80.0, max=80.0)))
        '''),
    Variant("sigmoid_grad_expanded", M, "sigmoid_grad", '''
        def sigmoid_grad(X):
            s = sigmoid(X)
            return s - s ** 2
        '''),
    Variant("sigmoid_grad_symmetric_exp", M, "sigmoid_grad", '''
        def sigmoid_grad(X):
            e = torch.exp(-X.abs())      # sigmoid' is even, so work with exp(-|X|) <= 1
            return e / (1 + e) ** 2
        '''),
    Variant("tanh_from_own_sigmoid", M, "tanh", '''
        def tanh(X):
            return 2 * sigmoid(2 * X) - 1
        '''),
    Variant("tanh_sign_abs", M, "tanh", '''
        def tanh(X):
            z = torch.exp(-2 * X.abs())
            return torch.sign(X) * (1 - z) / (1 + z)
        '''),
    Variant("tanh_grad_factored", M, "tanh_grad", '''
        def tanh_grad(X):
            t = tanh(X)
            return (1 - t) * (1 + t)
        '''),
    Variant("tanh_grad_via_sigmoid_grad", M, "tanh_grad", '''
        def tanh_grad(X):
            return 4 * sigmoid_grad(2 * X)
        '''),
    Variant("xavier_uniform_method", M, "xavier_init", '''
        import math

        def xavier_init(num_inputs, num_outputs):
            a = math.sqrt(6.0 / (num_inputs + num_outputs))
            return torch.empty(num_inputs, num_outputs).uniform_(-a, a).requires_grad_(True)
        '''),
    Variant("xavier_parameter", M, "xavier_init", '''
        def xavier_init(num_inputs, num_outputs):
            a = (6 / (num_inputs + num_outputs)) ** 0.5
            return torch.nn.Parameter((torch.rand(num_inputs, num_outputs) * 2 - 1) * a)
        '''),
    Variant("xavier_distributions", M, "xavier_init", '''
        def xavier_init(num_inputs, num_outputs):
            a = (6 / (num_inputs + num_outputs)) ** 0.5
            W = torch.distributions.Uniform(-a, a).sample((num_inputs, num_outputs))
            return W.requires_grad_()
        '''),
]
