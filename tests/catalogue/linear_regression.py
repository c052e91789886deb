"""Realistic mistakes and other correct implementations for exercises/linear_regression.py."""
from tests.catalogue import Mistake, Variant

M = "linear_regression"

MISTAKES = [
    Mistake("synthetic_y_flat", M, "synthetic_data", '''
        def synthetic_data(w, b, num_examples):
            X = torch.normal(0, 1, (num_examples, len(w)))
            y = torch.matmul(X, w) + b
            y += torch.normal(0, 0.01, y.shape)
            return X, y
        ''', expect="reshape y"),
    Mistake("synthetic_noise_std_1", M, "synthetic_data", '''
        def synthetic_data(w, b, num_examples):
            X = torch.normal(0, 1, (num_examples, len(w)))
            y = torch.matmul(X, w) + b
            y += torch.normal(0, 1, y.shape)
            return X, y.reshape((-1, 1))
        ''', expect="standard deviation 1"),
    Mistake("synthetic_noise_std_0_1", M, "synthetic_data", '''
        def synthetic_data(w, b, num_examples):
            X = torch.normal(0, 1, (num_examples, len(w)))
            y = torch.matmul(X, w) + b
            y += 0.1 * torch.randn(y.shape)
            return X, y.reshape((-1, 1))
        ''', expect="0.1 is ten times too large"),
    Mistake("synthetic_no_noise", M, "synthetic_data", '''
        def synthetic_data(w, b, num_examples):
            X = torch.normal(0, 1, (num_examples, len(w)))
            y = torch.matmul(X, w) + b
            return X, y.reshape((-1, 1))
        ''', expect="no noise at all"),
    Mistake("synthetic_uniform_features", M, "synthetic_data", '''
        def synthetic_data(w, b, num_examples):
            X = torch.rand(num_examples, len(w))
            y = torch.matmul(X, w) + b
            y += torch.normal(0, 0.01, y.shape)
            return X, y.reshape((-1, 1))
        ''', expect="uniform"),
    Mistake("synthetic_no_bias", M, "synthetic_data", '''
        def synthetic_data(w, b, num_examples):
            X = torch.normal(0, 1, (num_examples, len(w)))
            y = torch.matmul(X, w)
            y += torch.normal(0, 0.01, y.shape)
            return X, y.reshape((-1, 1))
        ''', expect="does not include the bias"),
    Mistake("data_iter_no_shuffle", M, "data_iter", '''
        def data_iter(batch_size, features, labels):
            num_examples = len(features)
            for i in range(0, num_examples, batch_size):
                yield features[i:i + batch_size], labels[i:i + batch_size]
        ''', expect="does not shuffle"),
    Mistake("data_iter_drops_last", M, "data_iter", '''
        def data_iter(batch_size, features, labels):
            num_examples = len(features)
            indices = list(range(num_examples))
            random.shuffle(indices)
            for i in range(0, num_examples - batch_size + 1, batch_size):
                batch_indices = torch.tensor(indices[i:i + batch_size])
                yield features[batch_indices], labels[batch_indices]
        ''', expect="dropped the last partial batch: 3 of 103 examples never appeared"),
    Mistake("data_iter_same_order_each_epoch", M, "data_iter", '''
        def data_iter(batch_size, features, labels):
            num_examples = len(features)
            indices = list(range(num_examples))
            random.Random(42).shuffle(indices)
            for i in range(0, num_examples, batch_size):
                batch_indices = torch.tensor(indices[i:i + batch_size])
                yield features[batch_indices], labels[batch_indices]
        ''', expect="same order every epoch"),
    Mistake("data_iter_with_replacement", M, "data_iter", '''
        def data_iter(batch_size, features, labels):
            num_examples = len(features)
            for i in range(0, num_examples, batch_size):
                batch_indices = torch.randint(0, num_examples, (min(batch_size, num_examples - i),))
                yield features[batch_indices], labels[batch_indices]
        ''', expect="more than once"),
    Mistake("data_iter_unpaired", M, "data_iter", '''
        def data_iter(batch_size, features, labels):
            num_examples = len(features)
            indices = torch.randperm(num_examples)
            label_indices = torch.randperm(num_examples)
            for i in range(0, num_examples, batch_size):
                yield features[indices[i:i + batch_size]], labels[label_indices[i:i + batch_size]]
        ''', expect="pairing"),
    Mistake("linreg_no_bias", M, "linreg", '''
        def linreg(X, w, b):
            return torch.matmul(X, w)
        ''', expect="forgot the bias"),
    Mistake("linreg_item", M, "linreg", '''
        def linreg(X, w, b):
            return torch.matmul(X, w) + b.item()
        ''', expect="not differentiable"),
    Mistake("squared_loss_no_reshape", M, "squared_loss", '''
        def squared_loss(y_hat, y):
            return (y_hat - y) ** 2 / 2
        ''', expect="broadcast"),
    Mistake("squared_loss_mean", M, "squared_loss", '''
        def squared_loss(y_hat, y):
            return ((y_hat - y.reshape(y_hat.shape)) ** 2 / 2).mean()
        ''', expect="mean over the batch"),
    Mistake("squared_loss_not_halved", M, "squared_loss", '''
        def squared_loss(y_hat, y):
            return (y_hat - y.reshape(y_hat.shape)) ** 2
        ''', expect="not halved"),
    Mistake("sgd_no_batch_size", M, "sgd", '''
        def sgd(params, lr, batch_size):
            with torch.no_grad():
                for param in params:
                    param -= lr * param.grad
                    param.grad.zero_()
        ''', expect="did not divide by batch_size"),
    Mistake("sgd_no_zero_grad", M, "sgd", '''
        def sgd(params, lr, batch_size):
            with torch.no_grad():
                for param in params:
                    param -= lr * param.grad / batch_size
        ''', expect="did not zero the gradients"),
    Mistake("sgd_rebinds_param", M, "sgd", '''
        def sgd(params, lr, batch_size):
            with torch.no_grad():
                for param in params:
                    param = param - lr * param.grad / batch_size
                    param.grad = None
        ''', expect="only rebinds a local name"),
    Mistake("sgd_rebinds_then_zero", M, "sgd", '''
        def sgd(params, lr, batch_size):
            with torch.no_grad():
                for param in params:
                    param = param - lr * param.grad / batch_size
                    param.grad.zero_()
        ''', expect="only rebinds a local name"),
    Mistake("sgd_zero_before_update", M, "sgd", '''
        def sgd(params, lr, batch_size):
            with torch.no_grad():
                for param in params:
                    param.grad.zero_()
                    param -= lr * param.grad / batch_size
        ''', expect="zero the gradient before the update"),
    Mistake("sgd_plus_sign", M, "sgd", '''
        def sgd(params, lr, batch_size):
            with torch.no_grad():
                for param in params:
                    param += lr * param.grad / batch_size
                    param.grad.zero_()
        ''', expect="up the gradient"),
    Mistake("sgd_without_no_grad", M, "sgd", '''
        def sgd(params, lr, batch_size):
            for param in params:
                param -= lr * param.grad / batch_size
                param.grad.zero_()
        ''', expect="torch.no_grad()"),
    Mistake("sgd_torch_optim", M, "sgd", '''
        def sgd(params, lr, batch_size):
            optimizer = torch.optim.SGD(params, lr=lr / batch_size)
            optimizer.step()
            optimizer.zero_grad()
        ''', expect="torch.optim.SGD"),
    Mistake("load_array_always_shuffles", M, "load_array", '''
        def load_array(data_arrays, batch_size, is_train=True):
            dataset = data.TensorDataset(*data_arrays)
            return data.DataLoader(dataset, batch_size, shuffle=True)
        ''', expect="shuffled although is_train=False"),
    Mistake("load_array_never_shuffles", M, "load_array", '''
        def load_array(data_arrays, batch_size, is_train=True):
            dataset = data.TensorDataset(*data_arrays)
            return data.DataLoader(dataset, batch_size)
        ''', expect="does not shuffle when is_train=True"),
    Mistake("load_array_generator", M, "load_array", '''
        def load_array(data_arrays, batch_size, is_train=True):
            features, labels = data_arrays
            n = len(features)
            order = torch.randperm(n) if is_train else torch.arange(n)
            for i in range(0, n, batch_size):
                yield features[order[i:i + batch_size]], labels[order[i:i + batch_size]]
        ''', expect="iterated only once"),
]

VARIANTS = [
    Variant("synthetic_randn", M, "synthetic_data", '''
        def synthetic_data(w, b, num_examples):
            X = torch.randn(num_examples, w.shape[0])
            y = (X @ w + b).reshape(-1, 1)
            return X, y + 0.01 * torch.randn_like(y)
        '''),
    Variant("data_iter_randperm", M, "data_iter", '''
        def data_iter(batch_size, features, labels):
            perm = torch.randperm(features.shape[0])
            for start in range(0, len(perm), batch_size):
                idx = perm[start:start + batch_size]
                yield features[idx], labels[idx]
        '''),
    Variant("data_iter_list_of_batches", M, "data_iter", '''
        def data_iter(batch_size, features, labels):
            idx = torch.randperm(len(features))
            return [(features[j], labels[j]) for j in torch.split(idx, batch_size)]
        '''),
    Variant("linreg_mm", M, "linreg", '''
        def linreg(X, w, b):
            return torch.mm(X, w).add(b)
        '''),
    Variant("squared_loss_view_as", M, "squared_loss", '''
        def squared_loss(y_hat, y):
            diff = y_hat - y.view_as(y_hat)
            return 0.5 * diff * diff
        '''),
    Variant("sgd_sub_and_none", M, "sgd", '''
        def sgd(params, lr, batch_size):
            with torch.no_grad():
                for param in params:
                    param.sub_(lr * param.grad / batch_size)
                    param.grad = None
        '''),
    Variant("sgd_data", M, "sgd", '''
        def sgd(params, lr, batch_size):
            for param in params:
                param.data -= lr / batch_size * param.grad.data
                param.grad.data.zero_()
        '''),
    Variant("load_array_zip", M, "load_array", '''
        def load_array(data_arrays, batch_size, is_train=True):
            features, labels = data_arrays
            return data.DataLoader(list(zip(features, labels)), batch_size=batch_size,
                                   shuffle=is_train)
        '''),
]
