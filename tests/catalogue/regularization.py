"""Realistic mistakes and other correct implementations for exercises/regularization.py."""
from tests.catalogue import Mistake, Variant

M = "regularization"

MISTAKES = [
    Mistake("l2_not_halved", M, "l2_penalty", '''
        def l2_penalty(w):
            return torch.sum(w ** 2)
        ''', expect="twice too large"),
    Mistake("l2_mean", M, "l2_penalty", '''
        def l2_penalty(w):
            return (w ** 2).mean() / 2
        ''', expect="mean of the squares"),
    Mistake("l2_item", M, "l2_penalty", '''
        def l2_penalty(w):
            return torch.sum(w ** 2).item() / 2
        ''', expect="not differentiable"),
    Mistake("l1_mean", M, "l1_loss", '''
        def l1_loss(y_hat, y):
            return torch.abs(y_hat - y.reshape(y_hat.shape)).mean()
        ''', expect="mean over the batch"),
    Mistake("l1_no_reshape", M, "l1_loss", '''
        def l1_loss(y_hat, y):
            return torch.abs(y_hat - y)
        ''', expect="did not reshape y"),
    Mistake("l1_constant_zeros", M, "l1_loss", '''
        def l1_loss(y_hat, y):
            return torch.zeros(len(y_hat))
        ''', expect="not differentiable"),
    Mistake("huber_swapped", M, "huber_loss", '''
        def huber_loss(y_hat, y, delta=1.0):
            d = y_hat - y.reshape(y_hat.shape)
            return torch.where(d.abs() <= delta, delta * (d.abs() - delta / 2), d ** 2 / 2)
        ''', expect="swapped"),
    Mistake("huber_old_formula", M, "huber_loss", '''
        def huber_loss(y_hat, y, delta=1.0):
            d = y_hat - y.reshape(y_hat.shape)
            return torch.where(d.abs() <= delta, d ** 2 / 2, d.abs() - delta / 2)
        ''', expect="the old formula |d| - delta / 2"),
    Mistake("huber_no_minus_half_delta", M, "huber_loss", '''
        def huber_loss(y_hat, y, delta=1.0):
            d = y_hat - y.reshape(y_hat.shape)
            return torch.where(d.abs() <= delta, d ** 2 / 2, delta * d.abs())
        ''', expect="forgot the - delta / 2"),
    Mistake("huber_mean", M, "huber_loss", '''
        def huber_loss(y_hat, y, delta=1.0):
            d = y_hat - y.reshape(y_hat.shape)
            return torch.where(d.abs() <= delta, d ** 2 / 2, delta * (d.abs() - delta / 2)).mean()
        ''', expect="mean over the batch"),
    Mistake("huber_ignores_delta", M, "huber_loss", '''
        def huber_loss(y_hat, y, delta=1.0):
            d = y_hat - y.reshape(y_hat.shape)
            return torch.where(d.abs() <= 1, d ** 2 / 2, d.abs() - 0.5)
        ''', expect="ignores its delta"),
    Mistake("huber_smooth_l1_form", M, "huber_loss", '''
        def huber_loss(y_hat, y, delta=1.0):
            d = y_hat - y.reshape(y_hat.shape)
            return torch.where(d.abs() < delta, 0.5 * d ** 2 / delta, d.abs() - 0.5 * delta)
        ''', expect="smooth-L1 form"),
    Mistake("huber_python_if", M, "huber_loss", '''
        def huber_loss(y_hat, y, delta=1.0):
            d = (y_hat - y.reshape(y_hat.shape)).reshape(-1)
            out = [float(v) ** 2 / 2 if abs(float(v)) <= delta else delta * (abs(float(v)) - delta / 2)
                   for v in d]
            return torch.tensor(out, dtype=y_hat.dtype).reshape(y_hat.shape)
        ''', expect="not differentiable"),
    Mistake("kfold_wrong_fold", M, "get_k_fold_data", '''
        def get_k_fold_data(k, i, X, y):
            fold_size = X.shape[0] // k
            X_train, y_train = None, None
            for j in range(k):
                idx = slice(j * fold_size, (j + 1) * fold_size)
                X_part, y_part = X[idx, :], y[idx]
                if j == (i + 1) % k:
                    X_valid, y_valid = X_part, y_part
                elif X_train is None:
                    X_train, y_train = X_part, y_part
                else:
                    X_train = torch.cat([X_train, X_part], 0)
                    y_train = torch.cat([y_train, y_part], 0)
            return X_train, y_train, X_valid, y_valid
        ''', expect="instead of fold"),
    Mistake("kfold_ceil_fold_size", M, "get_k_fold_data", '''
        def get_k_fold_data(k, i, X, y):
            fold_size = -(-X.shape[0] // k)
            X_valid, y_valid = X[i * fold_size:(i + 1) * fold_size], y[i * fold_size:(i + 1) * fold_size]
            X_train = torch.cat([X[:i * fold_size], X[(i + 1) * fold_size:]], 0)
            y_train = torch.cat([y[:i * fold_size], y[(i + 1) * fold_size:]], 0)
            return X_train, y_train, X_valid, y_valid
        ''', expect="fold size"),
    Mistake("kfold_uses_leftovers", M, "get_k_fold_data", '''
        def get_k_fold_data(k, i, X, y):
            fold_size = X.shape[0] // k
            lo, hi = i * fold_size, (i + 1) * fold_size
            X_train = torch.cat([X[:lo], X[hi:]], 0)
            y_train = torch.cat([y[:lo], y[hi:]], 0)
            return X_train, y_train, X[lo:hi], y[lo:hi]
        ''', expect="leftover rows"),
    Mistake("kfold_valid_in_train", M, "get_k_fold_data", '''
        def get_k_fold_data(k, i, X, y):
            fold_size = X.shape[0] // k
            lo, hi = i * fold_size, (i + 1) * fold_size
            return X[:k * fold_size], y[:k * fold_size], X[lo:hi], y[lo:hi]
        ''', expect="validation rows into the training set"),
]

VARIANTS = [
    Variant("l2_w_times_w", M, "l2_penalty", '''
        def l2_penalty(w):
            return (w * w).sum() / 2
        '''),
    Variant("l1_sqrt", M, "l1_loss", '''
        def l1_loss(y_hat, y):
            return (y_hat - y.view(y_hat.shape)).abs()
        '''),
    Variant("huber_masks", M, "huber_loss", '''
        def huber_loss(y_hat, y, delta=1.0):
            d = y_hat - y.reshape(y_hat.shape)
            small = (d.abs() <= delta).to(d.dtype)
            return small * (0.5 * d ** 2) + (1 - small) * delta * (d.abs() - 0.5 * delta)
        '''),
    Variant("huber_clamp", M, "huber_loss", '''
        def huber_loss(y_hat, y, delta=1.0):
            # quadratic up to delta, then linear with slope delta: one expression, no branches
            a = (y_hat - y.reshape(y_hat.shape)).abs()
            q = torch.clamp(a, max=delta)
            return q ** 2 / 2 + delta * (a - q)
        '''),
    Variant("huber_pytorch_form", M, "huber_loss", '''
        def huber_loss(y_hat, y, delta=1.0):
            d = y_hat - y.reshape(y_hat.shape)
            return torch.where(d.abs() <= delta, 0.5 * d ** 2, delta * (d.abs() - 0.5 * delta))
        '''),
    Variant("huber_expanded_linear_piece", M, "huber_loss", '''
        def huber_loss(y_hat, y, delta=1.0):
            abs_error = torch.abs(y_hat - y.view(y_hat.shape))
            quadratic = 0.5 * abs_error ** 2
            linear = delta * abs_error - 0.5 * delta ** 2
            return torch.where(abs_error > delta, linear, quadratic)
        '''),
    Variant("kfold_index_lists", M, "get_k_fold_data", '''
        def get_k_fold_data(k, i, X, y):
            fold_size = X.shape[0] // k
            folds = [torch.arange(j * fold_size, (j + 1) * fold_size) for j in range(k)]
            valid = folds[i]
            train = torch.cat([f for j, f in enumerate(folds) if j != i])
            return X[train], y[train], X[valid], y[valid]
        '''),
]
