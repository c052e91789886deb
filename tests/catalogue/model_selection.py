"""Realistic mistakes and other correct implementations for exercises/model_selection.py."""
from tests.catalogue import Mistake, Variant

M = "model_selection"

# The reference train_poly with one line changed, for the mistakes that are about one line.
_TRAIN = '''
        def train_poly(train_features, test_features, train_labels, test_labels, num_epochs=400):
            loss = {loss}
            net = nn.Sequential(nn.Linear({inputs}, 1, bias={bias}))
            batch_size = min(10, train_labels.shape[0])
            train_iter = torch.utils.data.DataLoader(
                torch.utils.data.TensorDataset({features}, train_labels.reshape(-1, 1)),
                batch_size, shuffle=True)
            test_iter = torch.utils.data.DataLoader(
                torch.utils.data.TensorDataset({test_features}, test_labels.reshape(-1, 1)),
                batch_size, shuffle=False)
            trainer = torch.optim.SGD(net.parameters(), lr={lr})
            train_losses, test_losses = [], []
            for epoch in range(num_epochs):
                for X, y in train_iter:
                    trainer.zero_grad()
                    l = loss(net(X), y)
                    l.mean().backward()
                    {step}
                train_losses.append(evaluate_loss(net, train_iter, loss))
                test_losses.append(evaluate_loss(net, {eval_test}, loss))
            return {returned}
        '''


def _train(**changes) -> str:
    parts = {"loss": "nn.MSELoss(reduction='none')", "inputs": "train_features.shape[-1]",
             "bias": "False", "features": "train_features", "test_features": "test_features",
             "lr": "0.01", "step": "trainer.step()", "eval_test": "test_iter",
             "returned": "net, train_losses, test_losses"}
    parts.update(changes)
    return _TRAIN.format(**parts)


MISTAKES = [
    # ---- poly_features
    Mistake("poly_no_factorial", M, "poly_features", '''
        def poly_features(x, max_degree):
            return torch.pow(x, torch.arange(max_degree).reshape(1, -1))
        ''', expect="no division by i!"),
    Mistake("poly_divided_by_i", M, "poly_features", '''
        def poly_features(x, max_degree):
            powers = torch.arange(max_degree)
            return torch.pow(x, powers) / powers
        ''', expect="a division by i instead of i!"),
    Mistake("poly_divided_by_i_plus_1", M, "poly_features", '''
        def poly_features(x, max_degree):
            powers = torch.arange(max_degree, dtype=x.dtype)
            return torch.pow(x, powers) / (powers + 1)
        ''', expect="a division by i + 1"),
    Mistake("poly_powers_from_one", M, "poly_features", '''
        def poly_features(x, max_degree):
            cols = [x ** i / math.factorial(i) for i in range(1, max_degree + 1)]
            return torch.cat(cols, dim=1)
        ''', expect="powers 1 .. max_degree"),
    Mistake("poly_book_float32", M, "poly_features", '''
        import numpy as np

        def poly_features(x, max_degree):
            poly = np.power(x.numpy(), np.arange(max_degree).reshape(1, -1))
            for i in range(max_degree):
                poly[:, i] /= math.gamma(i + 1)
            return torch.tensor(poly, dtype=torch.float32)
        ''', expect="the dtype changed"),
    Mistake("poly_float64_factorials", M, "poly_features", '''
        import numpy as np

        def poly_features(x, max_degree):
            fact = torch.from_numpy(np.array([math.factorial(i) for i in range(max_degree)], dtype=np.float64))
            return x ** torch.arange(max_degree) / fact
        ''', expect="the dtype changed"),
    Mistake("poly_transposed", M, "poly_features", '''
        def poly_features(x, max_degree):
            powers = torch.arange(max_degree, dtype=x.dtype).reshape(-1, 1)
            fact = torch.tensor([math.gamma(i + 1) for i in range(max_degree)], dtype=x.dtype)
            return torch.pow(x.reshape(1, -1), powers) / fact.reshape(-1, 1)
        ''', expect="transposed"),
    # ---- evaluate_loss
    Mistake("eval_mean_of_batch_means", M, "evaluate_loss", '''
        def evaluate_loss(net, data_iter, loss):
            means = []
            for X, y in data_iter:
                out = net(X)
                means.append(float(loss(out, y.reshape(out.shape)).mean()))
            return sum(means) / len(means)
        ''', expect="mean of the batch means"),
    Mistake("eval_no_reshape", M, "evaluate_loss", '''
        def evaluate_loss(net, data_iter, loss):
            total, count = 0.0, 0
            with torch.no_grad():
                for X, y in data_iter:
                    l = loss(net(X), y)
                    total += float(l.sum())
                    count += l.numel()
            return total / count
        ''', expect="not reshaped"),
    Mistake("eval_sum_not_divided", M, "evaluate_loss", '''
        def evaluate_loss(net, data_iter, loss):
            total = 0.0
            for X, y in data_iter:
                out = net(X)
                total += loss(out, y.reshape(out.shape)).sum().item()
            return total
        ''', expect="not divided by the number of examples"),
    Mistake("eval_divided_by_batches", M, "evaluate_loss", '''
        def evaluate_loss(net, data_iter, loss):
            total, batches = 0.0, 0
            for X, y in data_iter:
                out = net(X)
                total += float(loss(out, y.reshape(out.shape)).sum())
                batches += 1
            return total / batches
        ''', expect="divided by the number of batches"),
    # ---- train_poly
    Mistake("train_with_bias", M, "train_poly", _train(bias="True"), expect="has a bias"),
    Mistake("train_lr_too_small", M, "train_poly", _train(lr="0.001"), expect="too slow"),
    Mistake("train_no_step", M, "train_poly", _train(step="pass"), expect="did not move"),
    Mistake("train_degree_hard_coded", M, "train_poly", _train(inputs="4"), expect="hard-coded"),
    Mistake("train_first_two_columns", M, "train_poly",
            _train(inputs="2", features="train_features[:, :2]", test_features="test_features[:, :2]"),
            expect="2 weights for the 4 feature columns"),
    Mistake("train_returns_swapped_curves", M, "train_poly",
            _train(returned="net, test_losses, train_losses"), expect="swapped"),
    Mistake("train_test_curve_on_train_data", M, "train_poly", _train(eval_test="train_iter"),
            expect="test_losses holds the training loss"),
    Mistake("train_half_mse", M, "train_poly", '''
        def squared_loss(y_hat, y):   # copied from the linear-regression chapter
            return (y_hat - y.reshape(y_hat.shape)) ** 2 / 2
        ''' + _train(loss="squared_loss"), expect="half the mean squared error"),
    Mistake("train_last_batch_loss", M, "train_poly", '''
        def train_poly(train_features, test_features, train_labels, test_labels, num_epochs=400):
            loss = nn.MSELoss(reduction='none')
            net = nn.Sequential(nn.Linear(train_features.shape[-1], 1, bias=False))
            train_iter = torch.utils.data.DataLoader(
                torch.utils.data.TensorDataset(train_features, train_labels.reshape(-1, 1)), 10,
                shuffle=True)
            trainer = torch.optim.SGD(net.parameters(), lr=0.01)
            train_losses, test_losses = [], []
            for epoch in range(num_epochs):
                for X, y in train_iter:
                    trainer.zero_grad()
                    l = loss(net(X), y)
                    l.mean().backward()
                    trainer.step()
                train_losses.append(l.mean().item())   # the last minibatch only
                with torch.no_grad():
                    test_losses.append(loss(net(test_features), test_labels.reshape(-1, 1)).mean().item())
            return net, train_losses, test_losses
        ''', expect="not the last minibatch's loss"),
    Mistake("train_returns_weights", M, "train_poly", '''
        def train_poly(train_features, test_features, train_labels, test_labels, num_epochs=400):
            net = nn.Sequential(nn.Linear(train_features.shape[-1], 1, bias=False))
            trainer = torch.optim.SGD(net.parameters(), lr=0.01)
            loss = nn.MSELoss()
            for epoch in range(num_epochs):
                for i in range(0, len(train_features), 10):
                    trainer.zero_grad()
                    loss(net(train_features[i:i + 10]), train_labels[i:i + 10].reshape(-1, 1)).backward()
                    trainer.step()
            return net[0].weight.data
        ''', expect="expected the tuple (net, train_losses, test_losses)"),
]

VARIANTS = [
    Variant("poly_book_numpy", M, "poly_features", '''
        import numpy as np

        def poly_features(x, max_degree):
            poly = np.power(x.numpy(), np.arange(max_degree).reshape(1, -1))
            for i in range(max_degree):
                poly[:, i] /= math.gamma(i + 1)   # `gamma(n)` = (n-1)!
            return torch.tensor(poly, dtype=x.dtype)
        '''),
    Variant("poly_columns_loop", M, "poly_features", '''
        def poly_features(x, max_degree):
            x = x.reshape(-1, 1)
            columns = [torch.ones_like(x)]
            for i in range(1, max_degree):
                columns.append(columns[-1] * x / i)   # x^i / i! from x^(i-1) / (i-1)!
            return torch.cat(columns, dim=1)
        '''),
    Variant("eval_book_accumulator", M, "evaluate_loss", '''
        from d2l import torch as d2l

        def evaluate_loss(net, data_iter, loss):
            """Evaluate the loss of a model on the given dataset."""
            metric = d2l.Accumulator(2)  # Sum of losses, no. of examples
            for X, y in data_iter:
                out = net(X)
                y = y.reshape(out.shape)
                l = loss(out, y)
                metric.add(l.sum(), l.numel())
            return metric[0] / metric[1]
        '''),
    Variant("eval_zero_d_tensor", M, "evaluate_loss", '''
        def evaluate_loss(net, data_iter, loss):
            with torch.no_grad():
                losses = [loss(net(X), y.reshape(-1, 1)).reshape(-1) for X, y in data_iter]
            return torch.cat(losses).mean()
        '''),
    Variant("train_book_d2l", M, "train_poly", '''
        from d2l import torch as d2l

        def train_poly(train_features, test_features, train_labels, test_labels, num_epochs=400):
            loss = nn.MSELoss(reduction='none')
            input_shape = train_features.shape[-1]
            # Switch off the bias since we already catered for it in the polynomial features
            net = nn.Sequential(nn.Linear(input_shape, 1, bias=False))
            batch_size = min(10, train_labels.shape[0])
            train_iter = d2l.load_array((train_features, train_labels.reshape(-1, 1)), batch_size)
            test_iter = d2l.load_array((test_features, test_labels.reshape(-1, 1)), batch_size,
                                       is_train=False)
            trainer = torch.optim.SGD(net.parameters(), lr=0.01)
            train_losses, test_losses = [], []
            for epoch in range(num_epochs):
                d2l.train_epoch_ch3(net, train_iter, loss, trainer)
                train_losses.append(evaluate_loss(net, train_iter, loss))
                test_losses.append(evaluate_loss(net, test_iter, loss))
            print('weight:', net[0].weight.data.numpy())
            return net, train_losses, test_losses
        '''),
    Variant("train_scratch_loop", M, "train_poly", '''
        def train_poly(train_features, test_features, train_labels, test_labels, num_epochs=400):
            n, d = train_features.shape
            net = nn.Linear(d, 1, bias=False)
            torch.nn.init.normal_(net.weight, 0.0, 0.01)
            y_train, y_test = train_labels.reshape(-1, 1), test_labels.reshape(-1, 1)
            lr, batch_size = 0.01, min(10, n)
            train_losses, test_losses = [], []
            for epoch in range(num_epochs):
                order = torch.randperm(n)
                for i in range(0, n, batch_size):
                    idx = order[i:i + batch_size]
                    l = (net(train_features[idx]) - y_train[idx]) ** 2
                    l.sum().backward()
                    with torch.no_grad():
                        net.weight -= lr * net.weight.grad / len(idx)
                        net.weight.grad.zero_()
                with torch.no_grad():
                    train_losses.append(float(((net(train_features) - y_train) ** 2).mean()))
                    test_losses.append(float(((net(test_features) - y_test) ** 2).mean()))
            return net, train_losses, test_losses
        '''),
]
