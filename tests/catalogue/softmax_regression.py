"""Realistic mistakes and other correct implementations for exercises/softmax_regression.py."""
from tests.catalogue import Mistake, Variant

M = "softmax_regression"

MISTAKES = [
    Mistake("softmax_no_max_subtraction", M, "softmax", """
        def softmax(X):
            X_exp = torch.exp(X)
            return X_exp / X_exp.sum(1, keepdim=True)
        """, expect="subtract the row max"),
    Mistake("softmax_wrong_axis", M, "softmax", """
        def softmax(X):
            X_exp = torch.exp(X - X.max(dim=1, keepdim=True).values)
            return X_exp / X_exp.sum(0, keepdim=True)
        """, expect="wrong axis"),
    Mistake("softmax_missing_keepdim", M, "softmax", """
        def softmax(X):
            X_exp = torch.exp(X - X.max(dim=1, keepdim=True).values)
            return X_exp / X_exp.sum(1)
        """, expect="keepdim=True"),
    Mistake("softmax_in_place", M, "softmax", """
        def softmax(X):
            X -= X.max(dim=1, keepdim=True).values
            X_exp = torch.exp(X)
            return X_exp / X_exp.sum(1, keepdim=True)
        """, expect="modified its input"),
    Mistake("softmax_calls_torch_softmax", M, "softmax", """
        def softmax(X):
            return torch.softmax(X, dim=1)
        """, expect="torch.softmax"),
    Mistake("cross_entropy_mean", M, "cross_entropy", """
        def cross_entropy(y_hat, y):
            return -torch.log(y_hat[range(len(y_hat)), y]).mean()
        """, expect="one loss per example"),
    Mistake("cross_entropy_column_indexing", M, "cross_entropy", """
        def cross_entropy(y_hat, y):
            return -torch.log(y_hat[:, y])
        """, expect="(n, n) block"),
    Mistake("cross_entropy_no_minus", M, "cross_entropy", """
        def cross_entropy(y_hat, y):
            return torch.log(y_hat[range(len(y_hat)), y])
        """, expect="minus sign"),
    Mistake("cross_entropy_calls_F", M, "cross_entropy", """
        import torch.nn.functional as F

        def cross_entropy(y_hat, y):
            return F.cross_entropy(torch.log(y_hat), y, reduction='none')
        """, expect="F.cross_entropy"),
    Mistake("accuracy_fraction", M, "accuracy", """
        def accuracy(y_hat, y):
            if len(y_hat.shape) > 1 and y_hat.shape[1] > 1:
                y_hat = y_hat.argmax(axis=1)
            return float((y_hat.type(y.dtype) == y).float().mean())
        """, expect="return the number correct"),
    Mistake("accuracy_always_argmax", M, "accuracy", """
        def accuracy(y_hat, y):
            return float((y_hat.argmax(axis=1) == y).sum())
        """, expect="more than one column"),
    Mistake("accumulator_reset_noop", M, "Accumulator", """
        class Accumulator:
            def __init__(self, n):
                self.data = [0.0] * n

            def add(self, *args):
                self.data = [a + float(b) for a, b in zip(self.data, args)]

            def reset(self):
                self.data = self.data

            def __getitem__(self, idx):
                return self.data[idx]
        """, expect="reset() must set every sum back"),
    Mistake("accumulator_add_replaces", M, "Accumulator", """
        class Accumulator:
            def __init__(self, n):
                self.data = [0.0] * n

            def add(self, *args):
                self.data = [float(b) for b in args]

            def reset(self):
                self.data = [0.0] * len(self.data)

            def __getitem__(self, idx):
                return self.data[idx]
        """, expect="replaced the sums"),
    Mistake("evaluate_accuracy_mean_of_batches", M, "evaluate_accuracy", """
        def evaluate_accuracy(net, data_iter):
            if isinstance(net, torch.nn.Module):
                net.eval()
            accs = []
            with torch.no_grad():
                for X, y in data_iter:
                    accs.append(accuracy(net(X), y) / y.numel())
            return sum(accs) / len(accs)
        """, expect="mean of per-batch accuracies"),
    Mistake("evaluate_accuracy_no_eval", M, "evaluate_accuracy", """
        def evaluate_accuracy(net, data_iter):
            metric = Accumulator(2)
            with torch.no_grad():
                for X, y in data_iter:
                    metric.add(accuracy(net(X), y), y.numel())
            return metric[0] / metric[1]
        """, expect="net.eval()"),
    Mistake("train_epoch_mean_then_divide", M, "train_epoch_ch3", """
        def train_epoch_ch3(net, train_iter, loss, updater):
            if isinstance(net, torch.nn.Module):
                net.train()
            metric = Accumulator(3)
            for X, y in train_iter:
                y_hat = net(X)
                l = loss(y_hat, y)
                if isinstance(updater, torch.optim.Optimizer):
                    updater.zero_grad()
                    l.mean().backward()
                    updater.step()
                else:
                    l.sum().backward()
                    updater(X.shape[0])
                metric.add(float(l.mean()), accuracy(y_hat, y), y.numel())
            return metric[0] / metric[2], metric[1] / metric[2]
        """, expect="divided by the batch size again"),
    Mistake("train_epoch_mean_of_batches", M, "train_epoch_ch3", """
        def train_epoch_ch3(net, train_iter, loss, updater):
            if isinstance(net, torch.nn.Module):
                net.train()
            losses, accs = [], []
            for X, y in train_iter:
                y_hat = net(X)
                l = loss(y_hat, y)
                if isinstance(updater, torch.optim.Optimizer):
                    updater.zero_grad()
                    l.mean().backward()
                    updater.step()
                else:
                    l.sum().backward()
                    updater(X.shape[0])
                losses.append(float(l.mean()))
                accs.append(accuracy(y_hat, y) / y.numel())
            return sum(losses) / len(losses), sum(accs) / len(accs)
        """, expect="mean of per-batch mean losses"),
    Mistake("train_epoch_mean_backward_custom", M, "train_epoch_ch3", """
        def train_epoch_ch3(net, train_iter, loss, updater):
            if isinstance(net, torch.nn.Module):
                net.train()
            metric = Accumulator(3)
            for X, y in train_iter:
                y_hat = net(X)
                l = loss(y_hat, y)
                if isinstance(updater, torch.optim.Optimizer):
                    updater.zero_grad()
                l.mean().backward()
                if isinstance(updater, torch.optim.Optimizer):
                    updater.step()
                else:
                    updater(X.shape[0])
                metric.add(float(l.sum()), accuracy(y_hat, y), y.numel())
            return metric[0] / metric[2], metric[1] / metric[2]
        """, expect="not l.mean().backward()"),
    Mistake("train_epoch_no_zero_grad", M, "train_epoch_ch3", """
        def train_epoch_ch3(net, train_iter, loss, updater):
            if isinstance(net, torch.nn.Module):
                net.train()
            metric = Accumulator(3)
            for X, y in train_iter:
                y_hat = net(X)
                l = loss(y_hat, y)
                if isinstance(updater, torch.optim.Optimizer):
                    l.mean().backward()
                    updater.step()
                else:
                    l.sum().backward()
                    updater(X.shape[0])
                metric.add(float(l.sum()), accuracy(y_hat, y), y.numel())
            return metric[0] / metric[2], metric[1] / metric[2]
        """, expect="zero_grad"),
    Mistake("train_epoch_fixed_batch_size", M, "train_epoch_ch3", """
        def train_epoch_ch3(net, train_iter, loss, updater):
            if isinstance(net, torch.nn.Module):
                net.train()
            metric = Accumulator(3)
            batch_size = None
            for X, y in train_iter:
                if batch_size is None:
                    batch_size = X.shape[0]
                y_hat = net(X)
                l = loss(y_hat, y)
                if isinstance(updater, torch.optim.Optimizer):
                    updater.zero_grad()
                    l.mean().backward()
                    updater.step()
                else:
                    l.sum().backward()
                    updater(batch_size)
                metric.add(float(l.sum()), accuracy(y_hat, y), y.numel())
            return metric[0] / metric[2], metric[1] / metric[2]
        """, expect="partial batch"),
    Mistake("labels_off_by_one", M, "get_fashion_mnist_labels", """
        def get_fashion_mnist_labels(labels):
            text_labels = ['t-shirt', 'trouser', 'pullover', 'dress', 'coat',
                           'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot']
            return [text_labels[int(i) - 1] for i in labels]
        """, expect="off by one"),
    Mistake("load_data_train_not_shuffled", M, "load_data_fashion_mnist", """
        def load_data_fashion_mnist(batch_size, resize=None):
            trans = [transforms.ToTensor()]
            if resize:
                trans.insert(0, transforms.Resize(resize))
            trans = transforms.Compose(trans)
            mnist_train = torchvision.datasets.FashionMNIST(
                root="../data", train=True, transform=trans, download=True)
            mnist_test = torchvision.datasets.FashionMNIST(
                root="../data", train=False, transform=trans, download=True)
            return (data.DataLoader(mnist_train, batch_size, shuffle=False, num_workers=4),
                    data.DataLoader(mnist_test, batch_size, shuffle=False, num_workers=4))
        """, expect="shuffle=True"),
    Mistake("load_data_no_to_tensor_resize_ignored", M, "load_data_fashion_mnist", """
        def load_data_fashion_mnist(batch_size, resize=None):
            trans = transforms.ToTensor()
            mnist_train = torchvision.datasets.FashionMNIST(
                root="../data", train=True, transform=trans, download=True)
            mnist_test = torchvision.datasets.FashionMNIST(
                root="../data", train=False, transform=trans, download=True)
            return (data.DataLoader(mnist_train, batch_size, shuffle=True, num_workers=4),
                    data.DataLoader(mnist_test, batch_size, shuffle=False, num_workers=4))
        """, expect="transforms.Resize(resize)"),
]

VARIANTS = [
    Variant("softmax_logsumexp", M, "softmax", """
        def softmax(X):
            return torch.exp(X - torch.logsumexp(X, dim=1, keepdim=True))
        """),
    Variant("softmax_amax_broadcast", M, "softmax", """
        def softmax(X):
            shifted = X - torch.amax(X, dim=1, keepdim=True)
            e = shifted.exp()
            return e / e.sum(dim=-1, keepdim=True)
        """),
    Variant("cross_entropy_gather", M, "cross_entropy", """
        def cross_entropy(y_hat, y):
            return -torch.log(y_hat.gather(1, y.reshape(-1, 1))).reshape(-1)
        """),
    Variant("accuracy_int_count", M, "accuracy", """
        def accuracy(y_hat, y):
            if y_hat.dim() > 1 and y_hat.shape[1] > 1:
                y_hat = y_hat.argmax(dim=1)
            return int((y_hat == y).sum().item())
        """),
    Variant("accumulator_numpy", M, "Accumulator", """
        import numpy as np

        class Accumulator:
            def __init__(self, n):
                self.data = np.zeros(n)

            def add(self, *args):
                self.data = self.data + np.array([float(a) for a in args])

            def reset(self):
                self.data[:] = 0

            def __getitem__(self, idx):
                return self.data[idx]
        """),
    Variant("accumulator_dict", M, "Accumulator", """
        class Accumulator:
            def __init__(self, n):
                self.n = n
                self.sums = {i: 0.0 for i in range(n)}

            def add(self, *args):
                for i, value in enumerate(args):
                    self.sums[i] += float(value)

            def reset(self):
                self.sums = {i: 0.0 for i in range(self.n)}

            def __getitem__(self, idx):
                return self.sums[idx]
        """),
    Variant("evaluate_accuracy_plain_ints", M, "evaluate_accuracy", """
        def evaluate_accuracy(net, data_iter):
            if isinstance(net, torch.nn.Module):
                net.eval()
            right, total = 0, 0
            with torch.no_grad():
                for X, y in data_iter:
                    right += int((net(X).argmax(dim=1) == y).sum())
                    total += len(y)
            return right / total
        """),
    Variant("train_epoch_plain_sums", M, "train_epoch_ch3", """
        def train_epoch_ch3(net, train_iter, loss, updater):
            if isinstance(net, torch.nn.Module):
                net.train()
            total_loss, right, seen = 0.0, 0.0, 0
            for X, y in train_iter:
                y_hat = net(X)
                l = loss(y_hat, y)
                if isinstance(updater, torch.optim.Optimizer):
                    updater.zero_grad()
                    l.mean().backward()
                    updater.step()
                else:
                    l.sum().backward()
                    updater(len(y))
                total_loss += l.sum().item()
                right += accuracy(y_hat, y)
                seen += len(y)
            return total_loss / seen, right / seen
        """),
    Variant("labels_tuple_tolist", M, "get_fashion_mnist_labels", """
        def get_fashion_mnist_labels(labels):
            names = ('t-shirt', 'trouser', 'pullover', 'dress', 'coat',
                     'sandal', 'shirt', 'sneaker', 'bag', 'ankle boot')
            return [names[i] for i in labels.tolist()]
        """),
    Variant("load_data_compose_list", M, "load_data_fashion_mnist", """
        def load_data_fashion_mnist(batch_size, resize=None):
            steps = ([transforms.Resize(resize)] if resize else []) + [transforms.ToTensor()]
            trans = transforms.Compose(steps)
            train = torchvision.datasets.FashionMNIST("../data", train=True, transform=trans,
                                                      download=True)
            test = torchvision.datasets.FashionMNIST("../data", train=False, transform=trans,
                                                     download=True)
            return (data.DataLoader(train, batch_size=batch_size, shuffle=True, num_workers=2),
                    data.DataLoader(test, batch_size=batch_size, shuffle=False, num_workers=2))
        """),
]

# ---------------------------------------------------------------- train_ch3, predict_ch3, the
# concise model (d2l 4.4-4.5): checks in autograder/{scenarios,verdicts}/softmax_training.py
MISTAKES += [
    Mistake("train_ch3_books_animator_only", M, "train_ch3", """
        def train_ch3(net, train_iter, test_iter, loss, num_epochs, updater):
            for epoch in range(num_epochs):
                train_metrics = train_epoch_ch3(net, train_iter, loss, updater)
                test_acc = evaluate_accuracy(net, test_iter)
            train_loss, train_acc = train_metrics
            assert train_loss < 0.5, train_loss
            assert train_acc <= 1 and train_acc > 0.7, train_acc
        """, expect="draws the curves with an Animator"),
    Mistake("train_ch3_evaluates_train_iter", M, "train_ch3", """
        def train_ch3(net, train_iter, test_iter, loss, num_epochs, updater):
            history = []
            for epoch in range(num_epochs):
                train_metrics = train_epoch_ch3(net, train_iter, loss, updater)
                test_acc = evaluate_accuracy(net, train_iter)
                history.append(train_metrics + (test_acc,))
            return history
        """, expect="measured on train_iter"),
    Mistake("train_ch3_evaluates_before_training", M, "train_ch3", """
        def train_ch3(net, train_iter, test_iter, loss, num_epochs, updater):
            history = []
            for epoch in range(num_epochs):
                test_acc = evaluate_accuracy(net, test_iter)
                train_loss, train_acc = train_epoch_ch3(net, train_iter, loss, updater)
                history.append((train_loss, train_acc, test_acc))
            return history
        """, expect="before that epoch's training"),
    Mistake("train_ch3_returns_last_epoch", M, "train_ch3", """
        def train_ch3(net, train_iter, test_iter, loss, num_epochs, updater):
            for epoch in range(num_epochs):
                train_metrics = train_epoch_ch3(net, train_iter, loss, updater)
                test_acc = evaluate_accuracy(net, test_iter)
            return train_metrics + (test_acc,)
        """, expect="only the last epoch"),
    Mistake("train_ch3_range_from_one", M, "train_ch3", """
        def train_ch3(net, train_iter, test_iter, loss, num_epochs, updater):
            history = []
            for epoch in range(1, num_epochs):
                train_metrics = train_epoch_ch3(net, train_iter, loss, updater)
                history.append(train_metrics + (evaluate_accuracy(net, test_iter),))
            return history
        """, expect="one epoch too few"),
    Mistake("train_ch3_drops_train_acc", M, "train_ch3", """
        def train_ch3(net, train_iter, test_iter, loss, num_epochs, updater):
            history = []
            for epoch in range(num_epochs):
                train_loss, _ = train_epoch_ch3(net, train_iter, loss, updater)
                history.append((train_loss, evaluate_accuracy(net, test_iter)))
            return history
        """, expect="train_acc is missing"),
    Mistake("train_ch3_old_book_argument_order", M, "train_ch3", """
        def train_ch3(net, train_iter, test_iter, loss, num_epochs, updater):
            history = []
            for epoch in range(num_epochs):
                train_metrics = train_epoch_ch3(net, train_iter, loss, updater)
                test_acc = evaluate_accuracy(test_iter, net)
                history.append(train_metrics + (test_acc,))
            return history
        """, expect="arguments swapped"),
    Mistake("train_ch3_global_loss", M, "train_ch3", """
        def train_ch3(net, train_iter, test_iter, loss, num_epochs, updater):
            history = []
            for epoch in range(num_epochs):
                train_metrics = train_epoch_ch3(net, train_iter, cross_entropy, updater)
                history.append(train_metrics + (evaluate_accuracy(net, test_iter),))
            return history
        """, expect="pass train_ch3's own loss on"),
    Mistake("predict_ch3_true_and_pred_swapped", M, "predict_ch3", """
        def predict_ch3(net, test_iter, n=6):
            for X, y in test_iter:
                break
            trues = get_fashion_mnist_labels(y)
            preds = get_fashion_mnist_labels(net(X).argmax(axis=1))
            return [pred + '\\n' + true for true, pred in zip(trues, preds)][:n]
        """, expect="swapped"),
    Mistake("predict_ch3_argmin", M, "predict_ch3", """
        def predict_ch3(net, test_iter, n=6):
            X, y = next(iter(test_iter))
            preds = get_fashion_mnist_labels(net(X).argmin(axis=1))
            return [t + '\\n' + p for t, p in zip(get_fashion_mnist_labels(y), preds)][:n]
        """, expect="lowest scores"),
    Mistake("predict_ch3_argmax_axis_0", M, "predict_ch3", """
        def predict_ch3(net, test_iter, n=6):
            X, y = next(iter(test_iter))
            preds = get_fashion_mnist_labels(net(X).argmax(axis=0))
            return [t + '\\n' + p for t, p in zip(get_fashion_mnist_labels(y), preds)][:n]
        """, expect="over axis 0"),
    Mistake("predict_ch3_ignores_n", M, "predict_ch3", """
        def predict_ch3(net, test_iter, n=6):
            X, y = next(iter(test_iter))
            preds = get_fashion_mnist_labels(net(X).argmax(axis=1))
            return [t + '\\n' + p for t, p in zip(get_fashion_mnist_labels(y), preds)]
        """, expect="n is ignored"),
    Mistake("predict_ch3_last_batch", M, "predict_ch3", """
        def predict_ch3(net, test_iter, n=6):
            for X, y in test_iter:
                pass
            preds = get_fashion_mnist_labels(net(X).argmax(axis=1))
            return [t + '\\n' + p for t, p in zip(get_fashion_mnist_labels(y), preds)][:n]
        """, expect="last batch"),
    Mistake("predict_ch3_preds_from_labels", M, "predict_ch3", """
        def predict_ch3(net, test_iter, n=6):
            X, y = next(iter(test_iter))
            trues = get_fashion_mnist_labels(y)
            preds = get_fashion_mnist_labels(y.reshape(-1))
            return [t + '\\n' + p for t, p in zip(trues, preds)][:n]
        """, expect="repeat the labels y"),
    Mistake("predict_ch3_space_separator", M, "predict_ch3", """
        def predict_ch3(net, test_iter, n=6):
            X, y = next(iter(test_iter))
            preds = get_fashion_mnist_labels(net(X).argmax(axis=1))
            return [t + ' ' + p for t, p in zip(get_fashion_mnist_labels(y), preds)][:n]
        """, expect="joined with ' '"),
    Mistake("init_weights_std_0_1", M, "init_weights", """
        def init_weights(m):
            if type(m) == nn.Linear:
                nn.init.normal_(m.weight, std=0.1)
        """, expect="ten times too large"),
    Mistake("init_weights_positional_mean", M, "init_weights", """
        def init_weights(m):
            if type(m) == nn.Linear:
                nn.init.normal_(m.weight, 0.01)
        """, expect="sets the mean to 0.01"),
    Mistake("init_weights_zeros", M, "init_weights", """
        def init_weights(m):
            if type(m) == nn.Linear:
                nn.init.zeros_(m.weight)
        """, expect="every weight is zeros"),
    Mistake("init_weights_uniform", M, "init_weights", """
        def init_weights(m):
            if type(m) == nn.Linear:
                nn.init.uniform_(m.weight, -0.01, 0.01)
        """, expect="look uniform"),
    Mistake("init_weights_never_matches", M, "init_weights", """
        def init_weights(m):
            if m == nn.Linear:
                nn.init.normal_(m.weight, std=0.01)
        """, expect="still the one nn.Linear drew"),
    Mistake("init_weights_every_module", M, "init_weights", """
        def init_weights(m):
            nn.init.normal_(m.weight, std=0.01)
        """, expect="on every module"),
    Mistake("init_weights_bias_too", M, "init_weights", """
        def init_weights(m):
            if type(m) == nn.Linear:
                nn.init.normal_(m.weight, std=0.01)
                nn.init.normal_(m.bias, std=0.01)
        """, expect="the bias"),
    Mistake("init_weights_anything_with_a_weight", M, "init_weights", """
        def init_weights(m):
            if hasattr(m, "weight"):
                nn.init.normal_(m.weight, std=0.01)
        """, expect="only nn.Linear layers"),
    Mistake("concise_net_no_flatten", M, "concise_softmax_net", """
        def concise_softmax_net():
            net = nn.Sequential(nn.Linear(784, 10))
            net.apply(init_weights)
            return net
        """, expect="without nn.Flatten()"),
    Mistake("concise_net_linear_28", M, "concise_softmax_net", """
        def concise_softmax_net():
            net = nn.Sequential(nn.Flatten(), nn.Linear(28, 10))
            net.apply(init_weights)
            return net
        """, expect="28 * 28 = 784"),
    Mistake("concise_net_init_not_applied", M, "concise_softmax_net", """
        def concise_softmax_net():
            return nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
        """, expect="never applied"),
    Mistake("concise_net_init_on_sequential_only", M, "concise_softmax_net", """
        def concise_softmax_net():
            net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
            init_weights(net)
            return net
        """, expect="given the nn.Sequential only"),
    Mistake("concise_net_softmax_at_the_end", M, "concise_softmax_net", """
        def concise_softmax_net():
            net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10), nn.Softmax(dim=1))
            net.apply(init_weights)
            return net
        """, expect="ends with a softmax"),
    Mistake("concise_net_module_level", M, "concise_softmax_net", """
        _net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
        nn.init.normal_(_net[1].weight, std=0.01)   # at import, not through init_weights: another
                                                    # round's broken init_weights must not stop it

        def concise_softmax_net():
            return _net
        """, expect="same net"),
]

VARIANTS += [
    Variant("train_ch3_book_helpers_and_animator", M, "train_ch3", """
        from d2l import torch as d2l

        def train_ch3(net, train_iter, test_iter, loss, num_epochs, updater):
            animator = d2l.Animator(xlabel='epoch', xlim=[1, num_epochs], ylim=[0.3, 0.9],
                                    legend=['train loss', 'train acc', 'test acc'])
            history = []
            for epoch in range(num_epochs):
                train_metrics = d2l.train_epoch_ch3(net, train_iter, loss, updater)
                test_acc = d2l.evaluate_accuracy(net, test_iter)
                animator.add(epoch + 1, train_metrics + (test_acc,))
                history.append(train_metrics + (test_acc,))
            train_loss, train_acc = train_metrics
            assert train_loss < 0.5, train_loss
            assert train_acc <= 1 and train_acc > 0.7, train_acc
            assert test_acc <= 1 and test_acc > 0.7, test_acc
            return history
        """),
    Variant("train_ch3_keywords_and_lists", M, "train_ch3", """
        def train_ch3(net, train_iter, test_iter, loss, num_epochs, updater):
            history = []
            epoch = 0
            while epoch < num_epochs:
                loss_value, acc = train_epoch_ch3(net=net, train_iter=train_iter, loss=loss,
                                                  updater=updater)
                history.append([loss_value, acc, evaluate_accuracy(net=net, data_iter=test_iter)])
                epoch += 1
            return history
        """),
    Variant("predict_ch3_book_show_images", M, "predict_ch3", """
        from d2l import torch as d2l

        def predict_ch3(net, test_iter, n=6):
            for X, y in test_iter:
                break
            trues = d2l.get_fashion_mnist_labels(y)
            preds = d2l.get_fashion_mnist_labels(net(X).argmax(axis=1))
            titles = [true + '\\n' + pred for true, pred in zip(trues, preds)]
            d2l.show_images(X[0:n].reshape((n, 28, 28)), 1, n, titles=titles[0:n])
            return titles[0:n]
        """),
    Variant("predict_ch3_own_show_images", M, "predict_ch3", """
        from d2l import torch as d2l

        def show_images(imgs, num_rows, num_cols, titles=None, scale=1.5):
            figsize = (num_cols * scale, num_rows * scale)
            _, axes = d2l.plt.subplots(num_rows, num_cols, figsize=figsize)
            axes = axes.flatten()
            for i, (ax, img) in enumerate(zip(axes, imgs)):
                ax.imshow(img.numpy())
                ax.axes.get_xaxis().set_visible(False)
                if titles:
                    ax.set_title(titles[i])
            return axes

        def predict_ch3(net, test_iter, n=6):
            X, y = next(iter(test_iter))
            with torch.no_grad():
                preds = get_fashion_mnist_labels(torch.argmax(net(X), dim=1))
            titles = [f"{t}\\n{p}" for t, p in zip(get_fashion_mnist_labels(y), preds)][:n]
            show_images(X[:n].reshape((n, 28, 28)), 1, n, titles=titles)
            return titles
        """),
    Variant("init_weights_isinstance_data_normal", M, "init_weights", """
        def init_weights(m):
            if isinstance(m, nn.Linear):
                m.weight.data.normal_(0, 0.01)
        """),
    Variant("init_weights_randn_copy", M, "init_weights", """
        def init_weights(m):
            if type(m) is torch.nn.Linear:
                with torch.no_grad():
                    m.weight.copy_(torch.randn_like(m.weight) * 0.01)
        """),
    Variant("concise_net_add_module_and_init", M, "concise_softmax_net", """
        def concise_softmax_net():
            net = torch.nn.Sequential()
            net.add_module("flatten", torch.nn.Flatten())
            net.add_module("linear", torch.nn.Linear(28 * 28, 10))
            return net.apply(init_weights)
        """),
    Variant("concise_net_direct_init", M, "concise_softmax_net", """
        def concise_softmax_net():
            net = nn.Sequential(nn.Flatten(), nn.Linear(784, 10))
            nn.init.normal_(net[1].weight, std=0.01)
            return net
        """),
]
