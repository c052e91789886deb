"""Realistic mistakes and other correct implementations for exercises/mlp.py."""
from tests.catalogue import Mistake, Variant

M = "mlp"

MISTAKES = [
    # ------------------------------------------------------------------------------------ relu
    Mistake("relu_in_place", M, "relu", '''
        def relu(X):
            X[X < 0] = 0
            return X
        ''', expect="relu modified X in place"),
    Mistake("relu_clamp_in_place", M, "relu", '''
        def relu(X):
            return X.clamp_(min=0)
        ''', expect="modified X in place"),
    Mistake("relu_torch_relu", M, "relu", '''
        def relu(X):
            return torch.relu(X)
        ''', expect="relu calls torch.relu"),
    Mistake("relu_nn_module", M, "relu", '''
        def relu(X):
            return torch.nn.ReLU()(X)
        ''', expect="relu calls F.relu"),
    Mistake("relu_min", M, "relu", '''
        def relu(X):
            return torch.min(X, torch.zeros_like(X))
        ''', expect="not min(X, 0)"),
    Mistake("relu_detached", M, "relu", '''
        def relu(X):
            return torch.tensor(X.detach().numpy().clip(min=0))
        ''', expect="cut off from X"),

    # ------------------------------------------------------------------------- init_mlp_params
    Mistake("init_zero_weights", M, "init_mlp_params", '''
        def init_mlp_params(num_inputs, num_hiddens, num_outputs):
            W1 = torch.nn.Parameter(torch.zeros(num_inputs, num_hiddens))
            b1 = torch.nn.Parameter(torch.zeros(num_hiddens))
            W2 = torch.nn.Parameter(torch.zeros(num_hiddens, num_outputs))
            b2 = torch.nn.Parameter(torch.zeros(num_outputs))
            return [W1, b1, W2, b2]
        ''', expect="all weights are 0: every hidden unit computes the same thing"),
    Mistake("init_std_one", M, "init_mlp_params", '''
        def init_mlp_params(num_inputs, num_hiddens, num_outputs):
            W1 = torch.nn.Parameter(torch.randn(num_inputs, num_hiddens))
            b1 = torch.nn.Parameter(torch.zeros(num_hiddens))
            W2 = torch.nn.Parameter(torch.randn(num_hiddens, num_outputs))
            b2 = torch.nn.Parameter(torch.zeros(num_outputs))
            return [W1, b1, W2, b2]
        ''', expect="std 1 instead of 0.01"),
    Mistake("init_uniform", M, "init_mlp_params", '''
        def init_mlp_params(num_inputs, num_hiddens, num_outputs):
            W1 = torch.nn.Parameter(torch.rand(num_inputs, num_hiddens) * 0.01)
            b1 = torch.nn.Parameter(torch.zeros(num_hiddens))
            W2 = torch.nn.Parameter(torch.rand(num_hiddens, num_outputs) * 0.01)
            b2 = torch.nn.Parameter(torch.zeros(num_outputs))
            return [W1, b1, W2, b2]
        ''', expect="uniform"),
    Mistake("init_uniform_centred", M, "init_mlp_params", '''
        def init_mlp_params(num_inputs, num_hiddens, num_outputs):
            W1 = torch.nn.Parameter((torch.rand(num_inputs, num_hiddens) - 0.5) * 0.0346)
            b1 = torch.nn.Parameter(torch.zeros(num_hiddens))
            W2 = torch.nn.Parameter((torch.rand(num_hiddens, num_outputs) - 0.5) * 0.0346)
            b2 = torch.nn.Parameter(torch.zeros(num_outputs))
            return [W1, b1, W2, b2]
        ''', expect="not normally distributed"),
    Mistake("init_not_leaf", M, "init_mlp_params", '''
        def init_mlp_params(num_inputs, num_hiddens, num_outputs):
            W1 = torch.randn(num_inputs, num_hiddens, requires_grad=True) * 0.01
            b1 = torch.zeros(num_hiddens, requires_grad=True)
            W2 = torch.randn(num_hiddens, num_outputs, requires_grad=True) * 0.01
            b2 = torch.zeros(num_outputs, requires_grad=True)
            return [W1, b1, W2, b2]
        ''', expect="not a leaf tensor"),
    Mistake("init_no_grad", M, "init_mlp_params", '''
        def init_mlp_params(num_inputs, num_hiddens, num_outputs):
            W1 = torch.randn(num_inputs, num_hiddens) * 0.01
            b1 = torch.zeros(num_hiddens)
            W2 = torch.randn(num_hiddens, num_outputs) * 0.01
            b2 = torch.zeros(num_outputs)
            return [W1, b1, W2, b2]
        ''', expect="does not require gradients"),
    Mistake("init_transposed", M, "init_mlp_params", '''
        def init_mlp_params(num_inputs, num_hiddens, num_outputs):
            W1 = torch.nn.Parameter(torch.randn(num_hiddens, num_inputs) * 0.01)
            b1 = torch.nn.Parameter(torch.zeros(num_hiddens))
            W2 = torch.nn.Parameter(torch.randn(num_outputs, num_hiddens) * 0.01)
            b2 = torch.nn.Parameter(torch.zeros(num_outputs))
            return [W1, b1, W2, b2]
        ''', expect="transposed"),
    Mistake("init_random_biases", M, "init_mlp_params", '''
        def init_mlp_params(num_inputs, num_hiddens, num_outputs):
            W1 = torch.nn.Parameter(torch.randn(num_inputs, num_hiddens) * 0.01)
            b1 = torch.nn.Parameter(torch.randn(num_hiddens) * 0.01)
            W2 = torch.nn.Parameter(torch.randn(num_hiddens, num_outputs) * 0.01)
            b2 = torch.nn.Parameter(torch.randn(num_outputs) * 0.01)
            return [W1, b1, W2, b2]
        ''', expect="biases start at zero"),
    Mistake("init_seeded", M, "init_mlp_params", '''
        def init_mlp_params(num_inputs, num_hiddens, num_outputs):
            torch.manual_seed(0)
            W1 = torch.nn.Parameter(torch.randn(num_inputs, num_hiddens) * 0.01)
            b1 = torch.nn.Parameter(torch.zeros(num_hiddens))
            W2 = torch.nn.Parameter(torch.randn(num_hiddens, num_outputs) * 0.01)
            b2 = torch.nn.Parameter(torch.zeros(num_outputs))
            return [W1, b1, W2, b2]
        ''', expect="draw fresh random weights on every call"),

    # ------------------------------------------------------------------------------------- mlp
    Mistake("mlp_no_activation", M, "mlp", '''
        def mlp(X, params):
            W1, b1, W2, b2 = params
            X = X.reshape((-1, W1.shape[0]))
            H = X @ W1 + b1
            return H @ W2 + b2
        ''', expect="without an activation the two layers collapse into one linear map"),
    Mistake("mlp_softmax_output", M, "mlp", '''
        def mlp(X, params):
            W1, b1, W2, b2 = params
            X = X.reshape((-1, W1.shape[0]))
            H = relu(X @ W1 + b1)
            return torch.softmax(H @ W2 + b2, dim=1)
        ''', expect="must return logits"),
    Mistake("mlp_no_flatten", M, "mlp", '''
        def mlp(X, params):
            W1, b1, W2, b2 = params
            H = relu(X @ W1 + b1)
            return H @ W2 + b2
        ''', expect="did not flatten X"),
    Mistake("mlp_hardcoded_784", M, "mlp", '''
        def mlp(X, params):
            W1, b1, W2, b2 = params
            X = X.reshape((-1, 784))
            H = relu(X @ W1 + b1)
            return H @ W2 + b2
        ''', expect="hard-codes 784"),
    Mistake("mlp_no_bias", M, "mlp", '''
        def mlp(X, params):
            W1, b1, W2, b2 = params
            X = X.reshape((-1, W1.shape[0]))
            H = relu(X @ W1)
            return H @ W2 + b2
        ''', expect="left out a bias"),
    Mistake("mlp_detached", M, "mlp", '''
        def mlp(X, params):
            W1, b1, W2, b2 = params
            X = X.reshape((-1, W1.shape[0]))
            H = relu(X @ W1.data + b1.data)
            return H @ W2.data + b2.data
        ''', expect="cut off from W1"),

    # --------------------------------------------------------------------------- dropout_layer
    Mistake("dropout_no_rescale", M, "dropout_layer", '''
        def dropout_layer(X, dropout):
            assert 0 <= dropout <= 1
            if dropout == 1:
                return torch.zeros_like(X)
            mask = (torch.rand(X.shape) > dropout).float()
            return mask * X
        ''', expect="did not rescale the survivors"),
    Mistake("dropout_keep_drop_swapped", M, "dropout_layer", '''
        def dropout_layer(X, dropout):
            assert 0 <= dropout <= 1
            if dropout == 1:
                return torch.zeros_like(X)
            mask = (torch.rand(X.shape) < dropout).float()
            return mask * X / (1.0 - dropout)
        ''', expect="keep and drop are swapped"),
    Mistake("dropout_F_dropout", M, "dropout_layer", '''
        def dropout_layer(X, dropout):
            return torch.nn.functional.dropout(X, p=dropout, training=True)
        ''', expect="dropout_layer calls F.dropout"),
    Mistake("dropout_nn_module", M, "dropout_layer", '''
        def dropout_layer(X, dropout):
            return torch.nn.Dropout(dropout)(X)
        ''', expect="F.dropout"),
    Mistake("dropout_p1_nan", M, "dropout_layer", '''
        def dropout_layer(X, dropout):
            mask = (torch.rand(X.shape) > dropout).float()
            return mask * X / (1.0 - dropout)
        ''', expect="divides by 1 - dropout = 0"),
    Mistake("dropout_p1_zero_division", M, "dropout_layer", '''
        def dropout_layer(X, dropout):
            scale = 1 / (1 - dropout)
            mask = (torch.rand(X.shape) > dropout).float()
            return mask * X * scale
        ''', expect="divides by 1 - dropout = 0"),
    Mistake("dropout_times_keep", M, "dropout_layer", '''
        def dropout_layer(X, dropout):
            if dropout == 1:
                return torch.zeros_like(X)
            mask = (torch.rand(X.shape) > dropout).float()
            return mask * X * (1.0 - dropout)
        ''', expect="multiplied the survivors by 1 - dropout"),
    Mistake("dropout_in_place", M, "dropout_layer", '''
        def dropout_layer(X, dropout):
            if dropout == 1:
                return torch.zeros_like(X)
            X[torch.rand(X.shape) <= dropout] = 0
            X /= 1.0 - dropout
            return X
        ''', expect="modified X in place"),
    Mistake("dropout_p1_zero_in_place", M, "dropout_layer", '''
        def dropout_layer(X, dropout):
            assert 0 <= dropout <= 1
            if dropout == 1:
                return X.zero_()
            mask = (torch.rand(X.shape) > dropout).float()
            return mask * X / (1.0 - dropout)
        ''', expect="dropout_layer(X, 1) modified X in place"),
    Mistake("dropout_p0_mul_in_place", M, "dropout_layer", '''
        def dropout_layer(X, dropout):
            assert 0 <= dropout <= 1
            if dropout == 1:
                return torch.zeros_like(X)
            mask = (torch.rand(X.shape) > dropout).float()
            if dropout == 0:
                return X.mul_(mask)  # nothing is dropped, no rescaling needed
            return mask * X / (1.0 - dropout)
        ''', expect="dropout_layer(X, 0) modified X in place (it wrote into X"),
    Mistake("dropout_in_place_everywhere", M, "dropout_layer", '''
        def dropout_layer(X, dropout):
            assert 0 <= dropout <= 1
            if dropout == 1:
                return X.mul_(0)
            mask = (torch.rand(X.shape) > dropout).float()
            return X.mul_(mask).div_(1.0 - dropout)
        ''', expect="dropout_layer(X, 0) modified X in place (it wrote into X"),
    Mistake("dropout_fixed_seed", M, "dropout_layer", '''
        def dropout_layer(X, dropout):
            if dropout == 1:
                return torch.zeros_like(X)
            g = torch.Generator().manual_seed(42)
            mask = (torch.rand(X.shape, generator=g) > dropout).float()
            return mask * X / (1.0 - dropout)
        ''', expect="draw a fresh random mask on every call"),

    # ------------------------------------------------------------------ init_dropout_mlp_params
    Mistake("init_dropout_std_one", M, "init_dropout_mlp_params", '''
        def init_dropout_mlp_params(num_inputs, num_hiddens1, num_hiddens2, num_outputs):
            sizes = [num_inputs, num_hiddens1, num_hiddens2, num_outputs]
            params = []
            for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
                params.append(torch.nn.Parameter(torch.randn(fan_in, fan_out)))
                params.append(torch.nn.Parameter(torch.zeros(fan_out)))
            return params
        ''', expect="torch.randn draws from N(0, 1)"),
    Mistake("init_dropout_std_0001", M, "init_dropout_mlp_params", '''
        def init_dropout_mlp_params(num_inputs, num_hiddens1, num_hiddens2, num_outputs):
            sizes = [num_inputs, num_hiddens1, num_hiddens2, num_outputs]
            params = []
            for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
                params.append(torch.nn.Parameter(torch.randn(fan_in, fan_out) * 0.001))
                params.append(torch.nn.Parameter(torch.zeros(fan_out)))
            return params
        ''', expect="too small"),
    Mistake("init_dropout_std_05", M, "init_dropout_mlp_params", '''
        def init_dropout_mlp_params(num_inputs, num_hiddens1, num_hiddens2, num_outputs):
            sizes = [num_inputs, num_hiddens1, num_hiddens2, num_outputs]
            params = []
            for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
                params.append(torch.nn.Parameter(torch.randn(fan_in, fan_out) * 0.5))
                params.append(torch.nn.Parameter(torch.zeros(fan_out)))
            return params
        ''', expect="too large"),
    Mistake("init_dropout_uniform", M, "init_dropout_mlp_params", '''
        def init_dropout_mlp_params(num_inputs, num_hiddens1, num_hiddens2, num_outputs):
            sizes = [num_inputs, num_hiddens1, num_hiddens2, num_outputs]
            params = []
            for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
                params.append(torch.nn.Parameter(torch.rand(fan_in, fan_out) * 0.1))
                params.append(torch.nn.Parameter(torch.zeros(fan_out)))
            return params
        ''', expect="uniform"),
    Mistake("init_dropout_uniform_centred", M, "init_dropout_mlp_params", '''
        def init_dropout_mlp_params(num_inputs, num_hiddens1, num_hiddens2, num_outputs):
            sizes = [num_inputs, num_hiddens1, num_hiddens2, num_outputs]
            params = []
            for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
                params.append(torch.nn.Parameter((torch.rand(fan_in, fan_out) - 0.5) * 0.2))
                params.append(torch.nn.Parameter(torch.zeros(fan_out)))
            return params
        ''', expect="not normally distributed"),
    Mistake("init_dropout_zero_weights", M, "init_dropout_mlp_params", '''
        def init_dropout_mlp_params(num_inputs, num_hiddens1, num_hiddens2, num_outputs):
            sizes = [num_inputs, num_hiddens1, num_hiddens2, num_outputs]
            params = []
            for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
                params.append(torch.zeros(fan_in, fan_out, requires_grad=True))
                params.append(torch.zeros(fan_out, requires_grad=True))
            return params
        ''', expect="all weights are 0"),
    Mistake("init_dropout_missing_layer", M, "init_dropout_mlp_params", '''
        def init_dropout_mlp_params(num_inputs, num_hiddens1, num_hiddens2, num_outputs):
            W1 = torch.nn.Parameter(torch.randn(num_inputs, num_hiddens1) * 0.1)
            b1 = torch.nn.Parameter(torch.zeros(num_hiddens1))
            W2 = torch.nn.Parameter(torch.randn(num_hiddens1, num_outputs) * 0.1)
            b2 = torch.nn.Parameter(torch.zeros(num_outputs))
            return [W1, b1, W2, b2]
        ''', expect="expected 6"),

    # ------------------------------------------------------------------------------ dropout_mlp
    Mistake("dropout_mlp_at_eval", M, "dropout_mlp", '''
        def dropout_mlp(X, params, dropout1, dropout2, training=True):
            W1, b1, W2, b2, W3, b3 = params
            X = X.reshape((-1, W1.shape[0]))
            H1 = dropout_layer(relu(X @ W1 + b1), dropout1)
            H2 = dropout_layer(relu(H1 @ W2 + b2), dropout2)
            return H2 @ W3 + b3
        ''', expect="dropout applied at evaluation"),
    Mistake("dropout_mlp_swapped_rates", M, "dropout_mlp", '''
        def dropout_mlp(X, params, dropout1, dropout2, training=True):
            W1, b1, W2, b2, W3, b3 = params
            X = X.reshape((-1, W1.shape[0]))
            H1 = relu(X @ W1 + b1)
            if training:
                H1 = dropout_layer(H1, dropout2)
            H2 = relu(H1 @ W2 + b2)
            if training:
                H2 = dropout_layer(H2, dropout1)
            return H2 @ W3 + b3
        ''', expect="dropout1 and dropout2 are swapped"),
    Mistake("dropout_mlp_output_dropout", M, "dropout_mlp", '''
        def dropout_mlp(X, params, dropout1, dropout2, training=True):
            W1, b1, W2, b2, W3, b3 = params
            X = X.reshape((-1, W1.shape[0]))
            H1 = relu(X @ W1 + b1)
            if training:
                H1 = dropout_layer(H1, dropout1)
            H2 = relu(H1 @ W2 + b2)
            if training:
                H2 = dropout_layer(H2, dropout2)
            out = H2 @ W3 + b3
            if training:
                out = dropout_layer(out, dropout2)
            return out
        ''', expect="applied dropout to the output layer"),
    Mistake("dropout_mlp_eval_scaling", M, "dropout_mlp", '''
        def dropout_mlp(X, params, dropout1, dropout2, training=True):
            W1, b1, W2, b2, W3, b3 = params
            X = X.reshape((-1, W1.shape[0]))
            H1 = relu(X @ W1 + b1)
            H1 = dropout_layer(H1, dropout1) if training else H1 * (1 - dropout1)
            H2 = relu(H1 @ W2 + b2)
            H2 = dropout_layer(H2, dropout2) if training else H2 * (1 - dropout2)
            return H2 @ W3 + b3
        ''', expect="scaled the hidden layers by 1 - dropout at evaluation"),
    Mistake("dropout_mlp_never_drops", M, "dropout_mlp", '''
        def dropout_mlp(X, params, dropout1, dropout2, training=True):
            W1, b1, W2, b2, W3, b3 = params
            X = X.reshape((-1, W1.shape[0]))
            H1 = relu(X @ W1 + b1)
            if not training:
                H1 = dropout_layer(H1, dropout1)
            H2 = relu(H1 @ W2 + b2)
            if not training:
                H2 = dropout_layer(H2, dropout2)
            return H2 @ W3 + b3
        ''', expect="did not apply dropout in training"),
]

VARIANTS = [
    Variant("relu_clamp", M, "relu", '''
        def relu(X):
            return X.clamp(min=0)
        '''),
    Variant("relu_where", M, "relu", '''
        def relu(X):
            return torch.where(X > 0, X, torch.zeros_like(X))
        '''),
    Variant("relu_mask_product", M, "relu", '''
        def relu(X):
            return X * (X > 0)
        '''),
    Variant("init_normal_requires_grad", M, "init_mlp_params", '''
        def init_mlp_params(num_inputs, num_hiddens, num_outputs):
            W1 = torch.normal(0, 0.01, size=(num_inputs, num_hiddens), requires_grad=True)
            b1 = torch.zeros(num_hiddens, requires_grad=True)
            W2 = torch.normal(0, 0.01, size=(num_hiddens, num_outputs), requires_grad=True)
            b2 = torch.zeros(num_outputs, requires_grad=True)
            return [W1, b1, W2, b2]
        '''),
    Variant("init_randn_then_requires_grad", M, "init_mlp_params", '''
        def init_mlp_params(num_inputs, num_hiddens, num_outputs):
            W1 = (torch.randn(num_inputs, num_hiddens) * 0.01).requires_grad_()
            b1 = torch.zeros(num_hiddens).requires_grad_()
            W2 = (torch.randn(num_hiddens, num_outputs) * 0.01).requires_grad_()
            b2 = torch.zeros(num_outputs).requires_grad_()
            return W1, b1, W2, b2
        '''),
    Variant("mlp_flatten_matmul", M, "mlp", '''
        def mlp(X, params):
            W1, b1, W2, b2 = params
            X = X.reshape(X.shape[0], -1)
            H = relu(torch.matmul(X, W1) + b1)
            return torch.matmul(H, W2) + b2
        '''),
    Variant("dropout_bernoulli", M, "dropout_layer", '''
        def dropout_layer(X, dropout):
            if dropout == 1:
                return torch.zeros_like(X)
            mask = torch.bernoulli(torch.full_like(X, 1 - dropout))
            return mask * X / (1 - dropout)
        '''),
    Variant("dropout_rand_like", M, "dropout_layer", '''
        def dropout_layer(X, dropout):
            assert 0 <= dropout <= 1
            if dropout == 1:
                return torch.zeros_like(X)
            if dropout == 0:
                return X.clone()
            mask = (torch.rand_like(X) > dropout).float()
            return X * mask / (1.0 - dropout)
        '''),
    Variant("dropout_where", M, "dropout_layer", '''
        def dropout_layer(X, dropout):
            if dropout >= 1:
                return torch.zeros_like(X)
            keep = torch.rand(X.shape) >= dropout
            return torch.where(keep, X / (1 - dropout), torch.zeros_like(X))
        '''),
    Variant("init_dropout_normal", M, "init_dropout_mlp_params", '''
        def init_dropout_mlp_params(num_inputs, num_hiddens1, num_hiddens2, num_outputs):
            def layer(fan_in, fan_out):
                W = torch.normal(0, 0.1, size=(fan_in, fan_out), requires_grad=True)
                b = torch.zeros(fan_out, requires_grad=True)
                return [W, b]
            return (layer(num_inputs, num_hiddens1) + layer(num_hiddens1, num_hiddens2)
                    + layer(num_hiddens2, num_outputs))
        '''),
    Variant("init_dropout_book_001", M, "init_dropout_mlp_params", '''
        def init_dropout_mlp_params(num_inputs, num_hiddens1, num_hiddens2, num_outputs):
            # the book's from-scratch dropout network: N(0, 0.01^2)
            W1 = torch.nn.Parameter(torch.randn(num_inputs, num_hiddens1) * 0.01)
            b1 = torch.nn.Parameter(torch.zeros(num_hiddens1))
            W2 = torch.nn.Parameter(torch.randn(num_hiddens1, num_hiddens2) * 0.01)
            b2 = torch.nn.Parameter(torch.zeros(num_hiddens2))
            W3 = torch.nn.Parameter(torch.randn(num_hiddens2, num_outputs) * 0.01)
            b3 = torch.nn.Parameter(torch.zeros(num_outputs))
            return [W1, b1, W2, b2, W3, b3]
        '''),
    Variant("init_dropout_std_003", M, "init_dropout_mlp_params", '''
        def init_dropout_mlp_params(num_inputs, num_hiddens1, num_hiddens2, num_outputs):
            sizes = [num_inputs, num_hiddens1, num_hiddens2, num_outputs]
            params = []
            for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
                params.append((torch.randn(fan_in, fan_out) * 0.03).requires_grad_())
                params.append(torch.zeros(fan_out, requires_grad=True))
            return params
        '''),
    Variant("dropout_book_returns_X_at_p0", M, "dropout_layer", '''
        def dropout_layer(X, dropout):
            assert 0 <= dropout <= 1
            # In this case, all elements are dropped out
            if dropout == 1:
                return torch.zeros_like(X)
            # In this case, all elements are kept
            if dropout == 0:
                return X
            mask = (torch.rand(X.shape) > dropout).float()
            return mask * X / (1.0 - dropout)
        '''),
    Variant("dropout_mlp_nested", M, "dropout_mlp", '''
        def dropout_mlp(X, params, dropout1, dropout2, training=True):
            W1, b1, W2, b2, W3, b3 = params
            H1 = relu(X.reshape(-1, W1.shape[0]) @ W1 + b1)
            H1 = dropout_layer(H1, dropout1) if training else H1
            H2 = relu(H1 @ W2 + b2)
            H2 = dropout_layer(H2, dropout2) if training else H2
            return H2 @ W3 + b3
        '''),
]
