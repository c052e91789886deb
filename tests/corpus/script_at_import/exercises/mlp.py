"""HW3: MLP from scratch. Run `python mlp.py` to train."""
import matplotlib.pyplot as plt
import torch
import torchvision
from torch.utils import data
from torchvision import transforms


def relu(X):
    return torch.where(X > 0, X, torch.zeros_like(X))


def init_mlp_params(num_inputs, num_hiddens, num_outputs):
    W1 = torch.randn(num_inputs, num_hiddens) * 0.01
    W2 = torch.randn(num_hiddens, num_outputs) * 0.01
    params = [W1, torch.zeros(num_hiddens), W2, torch.zeros(num_outputs)]
    for p in params:
        p.requires_grad_(True)
    return params


def mlp(X, params):
    W1, b1, W2, b2 = params
    H = relu(X.reshape(-1, W1.shape[0]) @ W1 + b1)
    return H @ W2 + b2


def dropout_layer(X, dropout):
    assert 0 <= dropout <= 1
    if dropout == 1:
        return torch.zeros_like(X)
    keep = (torch.rand_like(X) > dropout).float()
    return keep * X / (1 - dropout)


def init_dropout_mlp_params(num_inputs, num_hiddens1, num_hiddens2, num_outputs):
    params = []
    for a, b in [(num_inputs, num_hiddens1), (num_hiddens1, num_hiddens2), (num_hiddens2, num_outputs)]:
        params += [(torch.randn(a, b) * 0.1).requires_grad_(), torch.zeros(b, requires_grad=True)]
    return params


def dropout_mlp(X, params, dropout1, dropout2, training=True):
    W1, b1, W2, b2, W3, b3 = params
    H1 = relu(X.reshape(-1, W1.shape[0]) @ W1 + b1)
    if training:
        H1 = dropout_layer(H1, dropout1)
    H2 = relu(H1 @ W2 + b2)
    if training:
        H2 = dropout_layer(H2, dropout2)
    return H2 @ W3 + b3


# ---- training script (runs on import) ----
print("loading data ...")
trans = transforms.ToTensor()
train = torchvision.datasets.FashionMNIST("data", train=True, transform=trans, download=True)
test = torchvision.datasets.FashionMNIST("data", train=False, transform=trans, download=True)
train_iter = data.DataLoader(train, 256, shuffle=True)
test_iter = data.DataLoader(test, 256)

params = init_mlp_params(784, 256, 10)
loss = torch.nn.CrossEntropyLoss()
opt = torch.optim.SGD(params, lr=0.1)
losses = []
for epoch in range(10):
    for X, y in train_iter:
        l = loss(mlp(X, params), y)
        opt.zero_grad()
        l.backward()
        opt.step()
    losses.append(l.item())
    print(f"epoch {epoch}: loss {l.item():.3f}")

correct = sum((mlp(X, params).argmax(1) == y).sum().item() for X, y in test_iter)
print("test acc", correct / len(test))
plt.plot(losses)
plt.xlabel("epoch")
plt.show()
