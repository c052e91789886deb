"""Realistic mistakes and other correct implementations for exercises/regularization.py."""
from tests.catalogue import Mistake, Variant, edit

M = "regularization"

# the book's train (d2l 4.10) and k_fold, the bases the mistakes below break one way each
TRAIN_HOUSE = """
    def train_house(net, train_features, train_labels, test_features, test_labels,
                    num_epochs, learning_rate, weight_decay, batch_size):
        train_ls, test_ls = [], []
        loss = nn.MSELoss()
        train_iter = torch.utils.data.DataLoader(
            torch.utils.data.TensorDataset(train_features, train_labels), batch_size, shuffle=True)
        optimizer = torch.optim.Adam(net.parameters(), lr=learning_rate, weight_decay=weight_decay)
        for epoch in range(num_epochs):
            for X, y in train_iter:
                optimizer.zero_grad()
                loss(net(X), y).backward()
                optimizer.step()
            train_ls.append(log_rmse(net, train_features, train_labels))
            if test_labels is not None:
                test_ls.append(log_rmse(net, test_features, test_labels))
        return train_ls, test_ls
    """
K_FOLD = """
    def k_fold(k, X_train, y_train, num_epochs, learning_rate, weight_decay, batch_size):
        train_l_sum, valid_l_sum = 0, 0
        for i in range(k):
            data = get_k_fold_data(k, i, X_train, y_train)
            net = get_net(X_train.shape[1])
            train_ls, valid_ls = train_house(net, *data, num_epochs, learning_rate,
                                             weight_decay, batch_size)
            train_l_sum += train_ls[-1]
            valid_l_sum += valid_ls[-1]
        return train_l_sum / k, valid_l_sum / k
    """

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
    # ---- train_concise (d2l 4.5)
    Mistake("concise_decays_bias", M, "train_concise", '''
        def train_concise(wd, train_iter, num_inputs, num_epochs=100, lr=0.003):
            net = nn.Sequential(nn.Linear(num_inputs, 1))
            for param in net.parameters():
                param.data.normal_()
            loss = nn.MSELoss(reduction='none')
            trainer = torch.optim.SGD(net.parameters(), lr=lr, weight_decay=wd)
            for epoch in range(num_epochs):
                for X, y in train_iter:
                    trainer.zero_grad()
                    loss(net(X), y).mean().backward()
                    trainer.step()
            return net
        ''', expect="the bias was decayed too"),
    Mistake("concise_no_decay", M, "train_concise", '''
        def train_concise(wd, train_iter, num_inputs, num_epochs=100, lr=0.003):
            net = nn.Sequential(nn.Linear(num_inputs, 1))
            for param in net.parameters():
                param.data.normal_()
            loss = nn.MSELoss(reduction='none')
            trainer = torch.optim.SGD([{"params": net[0].weight}, {"params": net[0].bias}], lr=lr)
            for epoch in range(num_epochs):
                for X, y in train_iter:
                    trainer.zero_grad()
                    loss(net(X), y).mean().backward()
                    trainer.step()
            return net
        ''', expect="no weight decay at all"),
    Mistake("concise_sum_backward", M, "train_concise", '''
        def train_concise(wd, train_iter, num_inputs, num_epochs=100, lr=0.003):
            net = nn.Sequential(nn.Linear(num_inputs, 1))
            for param in net.parameters():
                param.data.normal_()
            loss = nn.MSELoss(reduction='none')
            trainer = torch.optim.SGD([{"params": net[0].weight, "weight_decay": wd},
                                       {"params": net[0].bias}], lr=lr)
            for epoch in range(num_epochs):
                for X, y in train_iter:
                    trainer.zero_grad()
                    l = loss(net(X), y)
                    l.sum().backward()
                    trainer.step()
            return net
        ''', expect="l.mean().backward()"),
    Mistake("concise_penalty_and_decay", M, "train_concise", '''
        def train_concise(wd, train_iter, num_inputs, num_epochs=100, lr=0.003):
            net = nn.Sequential(nn.Linear(num_inputs, 1))
            for param in net.parameters():
                param.data.normal_()
            loss = nn.MSELoss(reduction='none')
            trainer = torch.optim.SGD([{"params": net[0].weight, "weight_decay": wd},
                                       {"params": net[0].bias}], lr=lr)
            for epoch in range(num_epochs):
                for X, y in train_iter:
                    trainer.zero_grad()
                    l = loss(net(X), y) + wd * torch.sum(net[0].weight ** 2) / 2
                    l.mean().backward()
                    trainer.step()
            return net
        ''', expect="twice as strongly"),
    # ---- log_rmse (d2l 4.10)
    Mistake("log_rmse_no_clamp", M, "log_rmse", '''
        def log_rmse(net, features, labels):
            rmse = torch.sqrt(nn.MSELoss()(torch.log(net(features)), torch.log(labels)))
            return rmse.item()
        ''', expect="Clamp the predictions"),
    Mistake("log_rmse_no_sqrt", M, "log_rmse", '''
        def log_rmse(net, features, labels):
            clipped_preds = torch.clamp(net(features), 1, float('inf'))
            return nn.MSELoss()(torch.log(clipped_preds), torch.log(labels)).item()
        ''', expect="take its square root"),
    Mistake("log_rmse_labels_not_logged", M, "log_rmse", '''
        def log_rmse(net, features, labels):
            clipped_preds = torch.clamp(net(features), 1, float('inf'))
            rmse = torch.sqrt(nn.MSELoss()(torch.log(clipped_preds), labels))
            return rmse.item()
        ''', expect="the labels need their log too"),
    Mistake("log_rmse_of_prices", M, "log_rmse", '''
        def log_rmse(net, features, labels):
            clipped_preds = torch.clamp(net(features), 1, float('inf'))
            return torch.sqrt(((clipped_preds - labels) ** 2).mean()).item()
        ''', expect="RMSE of the prices themselves"),
    # ---- get_net
    Mistake("get_net_no_bias", M, "get_net", '''
        def get_net(in_features):
            return nn.Sequential(nn.Linear(in_features, 1, bias=False))
        ''', expect="and a bias (1,)"),
    Mistake("get_net_one_for_all", M, "get_net", '''
        _nets = {}

        def get_net(in_features):
            if in_features not in _nets:
                _nets[in_features] = nn.Sequential(nn.Linear(in_features, 1))
            return _nets[in_features]
        ''', expect="returned the same net twice"),
    Mistake("get_net_ten_outputs", M, "get_net", '''
        def get_net(in_features):
            return nn.Sequential(nn.Flatten(), nn.Linear(in_features, 10))
        ''', expect="one nn.Linear"),
    # ---- train_house (the book's train), broken one way at a time
    Mistake("train_house_measures_before_training", M, "train_house", edit(TRAIN_HOUSE, (
        "            for X, y in train_iter:\n"
        "                optimizer.zero_grad()\n"
        "                loss(net(X), y).backward()\n"
        "                optimizer.step()\n"
        "            train_ls.append(log_rmse(net, train_features, train_labels))\n"
        "            if test_labels is not None:\n"
        "                test_ls.append(log_rmse(net, test_features, test_labels))\n",
        "            train_ls.append(log_rmse(net, train_features, train_labels))\n"
        "            if test_labels is not None:\n"
        "                test_ls.append(log_rmse(net, test_features, test_labels))\n"
        "            for X, y in train_iter:\n"
        "                optimizer.zero_grad()\n"
        "                loss(net(X), y).backward()\n"
        "                optimizer.step()\n")),
        expect="is not the log RMSE of the net it returns"),
    Mistake("train_house_no_step", M, "train_house",
            edit(TRAIN_HOUSE, ("                optimizer.step()\n", "")),
            expect="left the net's parameters as they were"),
    Mistake("train_house_batch_losses", M, "train_house", edit(
        TRAIN_HOUSE, ("loss(net(X), y).backward()", "l = loss(net(X), y)\n                l.backward()"),
        ("train_ls.append(log_rmse(net, train_features, train_labels))", "train_ls.append(l.item())")),
        expect="is not the log RMSE of the net it returns"),
    Mistake("train_house_test_none_not_handled", M, "train_house", edit(
        TRAIN_HOUSE, ("            if test_labels is not None:\n                test_ls",
                      "            test_ls")),
        expect="NoneType"),
    # ---- k_fold, broken one way at a time
    Mistake("k_fold_sums", M, "k_fold",
            edit(K_FOLD, ("return train_l_sum / k, valid_l_sum / k", "return train_l_sum, valid_l_sum")),
            expect="divide them by k"),
    Mistake("k_fold_first_epoch", M, "k_fold",
            edit(K_FOLD, ("train_ls[-1]", "train_ls[0]"), ("valid_ls[-1]", "valid_ls[0]")),
            expect="train_ls[-1]"),
    Mistake("k_fold_always_fold_zero", M, "k_fold",
            edit(K_FOLD, ("get_k_fold_data(k, i,", "get_k_fold_data(k, 0,")),
            expect="validated on the same fold"),
    Mistake("k_fold_one_net", M, "k_fold", edit(
        K_FOLD, ("            net = get_net(X_train.shape[1])\n", ""),
        ("        for i in range(k):\n", "        net = get_net(X_train.shape[1])\n        for i in range(k):\n")),
        expect="make a fresh"),
    Mistake("k_fold_hyperparameters_swapped", M, "k_fold",
            edit(K_FOLD, ("learning_rate,\n", "weight_decay,\n"),
                 ("                                             weight_decay, batch_size",
                  "                                             learning_rate, batch_size")),
            expect="in train_house's order"),
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
    # ---- train_concise, log_rmse, get_net, train_house, k_fold
    Variant("concise_named_groups", M, "train_concise", '''
        def train_concise(wd, train_iter, num_inputs, num_epochs=100, lr=0.003):
            net = nn.Linear(num_inputs, 1)
            for param in net.parameters():
                nn.init.normal_(param)
            decay = [p for name, p in net.named_parameters() if name.endswith("weight")]
            rest = [p for name, p in net.named_parameters() if not name.endswith("weight")]
            trainer = torch.optim.SGD([{"params": decay, "weight_decay": wd}, {"params": rest}], lr=lr)
            mse = nn.MSELoss()
            for epoch in range(num_epochs):
                for X, y in train_iter:
                    trainer.zero_grad()
                    mse(net(X), y).backward()
                    trainer.step()
            return net
        '''),
    Variant("log_rmse_book", M, "log_rmse", '''
        loss = nn.MSELoss()

        def log_rmse(net, features, labels):
            # the book's: clamp to 1 so that taking the log is stable
            clipped_preds = torch.clamp(net(features), 1, float('inf'))
            rmse = torch.sqrt(loss(torch.log(clipped_preds), torch.log(labels)))
            return rmse.item()
        '''),
    Variant("log_rmse_log_ratio_tensor", M, "log_rmse", '''
        def log_rmse(net, features, labels):
            preds = net(features).detach().clamp(min=1)
            return torch.log(preds / labels).pow(2).mean().sqrt()
        '''),
    Variant("get_net_plain_linear", M, "get_net", '''
        def get_net(in_features):
            return nn.Linear(in_features, 1)
        '''),
    Variant("train_house_book", M, "train_house", '''
        from d2l import torch as d2l

        loss = nn.MSELoss()

        def train_house(net, train_features, train_labels, test_features, test_labels,
                        num_epochs, learning_rate, weight_decay, batch_size):
            train_ls, test_ls = [], []
            train_iter = d2l.load_array((train_features, train_labels), batch_size)
            # 这里使用的是Adam优化算法
            optimizer = torch.optim.Adam(net.parameters(), lr = learning_rate,
                                         weight_decay = weight_decay)
            for epoch in range(num_epochs):
                for X, y in train_iter:
                    optimizer.zero_grad()
                    l = loss(net(X), y)
                    l.backward()
                    optimizer.step()
                train_ls.append(log_rmse(net, train_features, train_labels))
                if test_labels is not None:
                    test_ls.append(log_rmse(net, test_features, test_labels))
            return train_ls, test_ls
        '''),
    Variant("k_fold_book_prints", M, "k_fold", '''
        from d2l import torch as d2l

        def k_fold(k, X_train, y_train, num_epochs, learning_rate, weight_decay, batch_size):
            train_l_sum, valid_l_sum = 0, 0
            for i in range(k):
                data = get_k_fold_data(k, i, X_train, y_train)
                net = get_net(X_train.shape[1])
                train_ls, valid_ls = train_house(net, *data, num_epochs, learning_rate,
                                                 weight_decay, batch_size)
                train_l_sum += train_ls[-1]
                valid_l_sum += valid_ls[-1]
                if i == 0:
                    d2l.plot(list(range(1, num_epochs + 1)), [train_ls, valid_ls],
                             xlabel='epoch', ylabel='rmse', xlim=[1, num_epochs],
                             legend=['train', 'valid'], yscale='log')
                print(f'折{i + 1}，训练log rmse{float(train_ls[-1]):f}, '
                      f'验证log rmse{float(valid_ls[-1]):f}')
            return train_l_sum / k, valid_l_sum / k
        '''),
]
