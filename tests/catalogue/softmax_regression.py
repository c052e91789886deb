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
