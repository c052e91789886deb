"""What the notebooks say beyond the solutions' docstrings: formulas, visible tests, training runs.

The formulas are the course notes' (d2l.ai chapters 2-4); the visible tests are the docstrings'
examples as asserts (cheap, no data download while grading); the training cells run the book's
recipe with the student's functions and plot the curves, and skip themselves while nbgrader
autogrades (``NBGRADER_EXECUTION`` is set then): the grader trains in its own sandbox.
"""
from __future__ import annotations

FORMULAS: dict[str, str] = {
    "csv_to_tensors": r"x_{ij} \leftarrow \frac{1}{|P_j|}\sum_{k \in P_j} x_{kj} \text{ where "
                      r"missing } (P_j \text{: the rows where column } j \text{ is present}),"
                      r"\qquad \text{Alley} \mapsto \left(\mathbb{1}[\text{Pave}],\ "
                      r"\mathbb{1}[\text{NA}]\right)",
    "normalize_rows": r"\tilde{A}_{ij} = \frac{A_{ij}}{\sum_k A_{ik}}",
    "dot": r"\mathbf{x}^\top \mathbf{y} = \sum_{i=1}^{d} x_i y_i",
    "mv": r"(\mathbf{A}\mathbf{x})_i = \mathbf{a}_i^\top \mathbf{x} = \sum_{j} A_{ij} x_j",
    "mm": r"(\mathbf{A}\mathbf{B})_{ij} = \mathbf{a}_i^\top \mathbf{b}_j = \sum_{l} A_{il} B_{lj}",
    "l1_norm": r"\|\mathbf{x}\|_1 = \sum_{i=1}^{n} |x_i|",
    "l2_norm": r"\|\mathbf{x}\|_2 = \sqrt{\sum_{i=1}^{n} x_i^2}",
    "frobenius_norm": r"\|\mathbf{X}\|_F = \sqrt{\sum_{i=1}^{m} \sum_{j=1}^{n} x_{ij}^2}",
    "numerical_lim": r"f'(x) = \lim_{h \rightarrow 0} \frac{f(x+h) - f(x)}{h} \approx "
                     r"\frac{f(x+h) - f(x)}{h}",
    "grad_of_2xTx": r"y = 2\mathbf{x}^\top\mathbf{x},\qquad \nabla_{\mathbf{x}}\, y = 4\mathbf{x}",
    "grad_of_sum": r"\nabla_{\mathbf{x}} \sum_i x_i^2 = 2\mathbf{x}",
    "detach_grad": r"u = \operatorname{detach}(\mathbf{x} \odot \mathbf{x}),\ z = u \odot "
                   r"\mathbf{x}:\qquad \nabla_{\mathbf{x}} \sum_i z_i = u",
    "control_flow_grad": r"f(a) = k\,a \text{ for a } k \text{ that depends on } a:\qquad "
                         r"f'(a) = k = \frac{f(a)}{a}",
    "synthetic_data": r"\mathbf{y} = \mathbf{X}\mathbf{w} + b + \boldsymbol{\epsilon},\qquad "
                      r"X_{ij} \sim \mathcal{N}(0, 1),\quad \epsilon_i \sim \mathcal{N}(0, 0.01^2)",
    "data_iter": r"\mathcal{B}_k = \{\pi_{(k-1)B+1}, \dots, \pi_{\min(kB,\, n)}\},\qquad "
                 r"\pi \text{ a new random permutation of } 1, \dots, n \text{ at every pass}",
    "linreg": r"\hat{\mathbf{y}} = \mathbf{X}\mathbf{w} + b",
    "squared_loss": r"l^{(i)}(\mathbf{w}, b) = \frac{1}{2}\left(\hat{y}^{(i)} - y^{(i)}\right)^2",
    "sgd": r"(\mathbf{w}, b) \leftarrow (\mathbf{w}, b) - \frac{\eta}{|\mathcal{B}|}"
           r"\sum_{i \in \mathcal{B}} \partial_{(\mathbf{w}, b)}\, l^{(i)}(\mathbf{w}, b)",
    "softmax": r"\mathrm{softmax}(\mathbf{X})_{ij} = "
               r"\frac{\exp(X_{ij} - m_i)}{\sum_k \exp(X_{ik} - m_i)},"
               r"\qquad m_i = \max_k X_{ik}",
    "cross_entropy": r"l^{(i)} = -\log \hat{y}^{(i)}_{y^{(i)}}",
    "accuracy": r"\sum_{i=1}^{n} "
                r"\mathbb{1}\left[\operatorname{argmax}_j \hat{y}^{(i)}_j = y^{(i)}\right]",
    "evaluate_accuracy": r"\frac{\sum_{\text{batches}} \#\,\text{correct}}"
                         r"{\sum_{\text{batches}} \#\,\text{examples}}",
    "train_epoch_ch3": r"\bar{l} = \frac{1}{n}\sum_{i=1}^{n} l^{(i)},\qquad "
                       r"\text{accuracy} = \frac{1}{n}\sum_{i=1}^{n}"
                       r"\mathbb{1}\left[\hat{y}^{(i)} = y^{(i)}\right]",
    "train_ch3": r"\text{each epoch: } (\bar{l}, \mathrm{acc}_\mathrm{train}) = "
                 r"\text{train\_epoch\_ch3}(\dots),\ \mathrm{acc}_\mathrm{test} = "
                 r"\text{evaluate\_accuracy}(\text{net}, \text{test\_iter})",
    "predict_ch3": r"\hat{y}^{(i)} = \operatorname{argmax}_j\, o^{(i)}_j",
    "init_weights": r"W_{ij} \sim \mathcal{N}(0, 0.01^2) \text{ for each nn.Linear; biases and "
                    r"other modules unchanged}",
    "concise_softmax_net": r"\mathbf{o} = \mathbf{W} \operatorname{flatten}(\mathbf{x}) + "
                           r"\mathbf{b},\qquad \mathbf{W} \in \mathbb{R}^{10 \times 784},\ "
                           r"W_{ij} \sim \mathcal{N}(0, 0.01^2)",
    "relu": r"\operatorname{ReLU}(x) = \max(x, 0)",
    "init_mlp_params": r"\mathbf{W}^{(1)} \in \mathbb{R}^{d \times h},\ \mathbf{W}^{(2)} \in "
                       r"\mathbb{R}^{h \times q},\ W_{ij} \sim \mathcal{N}(0, 0.01^2),\qquad "
                       r"\mathbf{b}^{(1)} = \mathbf{0},\ \mathbf{b}^{(2)} = \mathbf{0}",
    "mlp": r"\mathbf{H} = \operatorname{ReLU}(\mathbf{X}\mathbf{W}^{(1)} + \mathbf{b}^{(1)}),\qquad "
           r"\mathbf{O} = \mathbf{H}\mathbf{W}^{(2)} + \mathbf{b}^{(2)}",
    "dropout_layer": r"h' = \begin{cases} 0 & \text{with probability } p \\ "
                     r"\dfrac{h}{1-p} & \text{otherwise} \end{cases}\qquad "
                     r"\text{so that } E[h'] = h",
    "init_dropout_mlp_params": r"W_{ij} \sim \mathcal{N}(0, \sigma^2),\ "
                               r"0.01 \le \sigma \le 0.1,\qquad \mathbf{b} = \mathbf{0}",
    "dropout_mlp": r"\mathbf{H}_1 = \operatorname{dropout}_{p_1}\!\left(\operatorname{ReLU}"
                   r"(\mathbf{X}\mathbf{W}^{(1)} + \mathbf{b}^{(1)})\right),\ "
                   r"\mathbf{H}_2 = \operatorname{dropout}_{p_2}\!\left(\operatorname{ReLU}"
                   r"(\mathbf{H}_1\mathbf{W}^{(2)} + \mathbf{b}^{(2)})\right),\ "
                   r"\mathbf{O} = \mathbf{H}_2\mathbf{W}^{(3)} + \mathbf{b}^{(3)}",
    "sigmoid": r"\operatorname{sigmoid}(x) = \frac{1}{1 + \exp(-x)}",
    "sigmoid_grad": r"\frac{d}{dx} \operatorname{sigmoid}(x) = \operatorname{sigmoid}(x)"
                    r"\left(1 - \operatorname{sigmoid}(x)\right)",
    "tanh": r"\tanh(x) = \frac{1 - \exp(-2x)}{1 + \exp(-2x)}",
    "tanh_grad": r"\frac{d}{dx} \tanh(x) = 1 - \tanh^2(x)",
    "xavier_init": r"W_{ij} \sim U\left(-\sqrt{\frac{6}{n_\mathrm{in} + n_\mathrm{out}}},\ "
                   r"\sqrt{\frac{6}{n_\mathrm{in} + n_\mathrm{out}}}\right)",
    "l2_penalty": r"\frac{1}{2}\|\mathbf{w}\|_2^2 = \frac{1}{2}\sum_j w_j^2,\qquad "
                  r"\text{minimised as } L(\mathbf{w}, b) + \lambda \cdot \frac{1}{2}\|\mathbf{w}\|_2^2",
    "l1_loss": r"l^{(i)} = \left|\hat{y}^{(i)} - y^{(i)}\right|",
    "huber_loss": r"l(d) = \begin{cases} \frac{1}{2} d^2 & |d| \le \delta \\ "
                  r"\delta \left(|d| - \frac{\delta}{2}\right) & |d| > \delta \end{cases},"
                  r"\qquad d = \hat{y} - y",
    "get_k_fold_data": r"\text{fold } j = \text{rows } j\lfloor n/k \rfloor, \dots, "
                       r"(j+1)\lfloor n/k \rfloor - 1,\qquad j = 0, \dots, k-1",
    "train_concise": r"\min_{\mathbf{w}, b}\ \frac{1}{n}\sum_i \left(\mathbf{x}_i^\top \mathbf{w} + b - y_i\right)^2"
                     r" + \frac{\mathrm{wd}}{2}\|\mathbf{w}\|^2 \quad (\text{no decay on } b)",
    "log_rmse": r"\sqrt{\frac{1}{n}\sum_{i=1}^n \left(\log \max(\hat{y}_i, 1) - \log y_i\right)^2}",
    "get_net": r"\hat{y} = \mathbf{x}^\top \mathbf{w} + b",
    "train_house": r"\text{Adam on } \frac{1}{|B|}\sum_{i \in B} (\hat{y}_i - y_i)^2"
                   r" \text{ with weight decay; after each epoch record log\_rmse}",
    "k_fold": r"\left(\frac{1}{k}\sum_{i=0}^{k-1} \mathrm{train}_i,\ "
              r"\frac{1}{k}\sum_{i=0}^{k-1} \mathrm{valid}_i\right)",
    "poly_features": r"\phi(x)_i = \frac{x^i}{i!},\qquad i = 0, \dots, d - 1",
    "evaluate_loss": r"\bar{l} = \frac{\sum_{\text{batches}} \sum_{i \in \mathcal{B}} l^{(i)}}"
                     r"{\sum_{\text{batches}} |\mathcal{B}|}",
    "train_poly": r"\hat{y} = \sum_{i=0}^{d-1} w_i \frac{x^i}{i!},\qquad "
                  r"y = 5 + 1.2x - 3.4\frac{x^2}{2!} + 5.6\frac{x^3}{3!} + \epsilon,\quad "
                  r"\epsilon \sim \mathcal{N}(0, 0.1^2)",
    "sgd_momentum": r"\mathbf{v} \leftarrow \beta \mathbf{v} + \mathbf{g},\qquad "
                    r"\mathbf{w} \leftarrow \mathbf{w} - \eta \mathbf{v}",
    "rmsprop": r"\mathbf{s} \leftarrow \gamma \mathbf{s} + (1 - \gamma) \mathbf{g}^2,\qquad "
               r"\mathbf{w} \leftarrow \mathbf{w} - \frac{\eta}{\sqrt{\mathbf{s} + \epsilon}} \odot \mathbf{g}",
    "adam": r"\mathbf{v} \leftarrow \beta_1 \mathbf{v} + (1 - \beta_1) \mathbf{g},\ "
            r"\mathbf{s} \leftarrow \beta_2 \mathbf{s} + (1 - \beta_2) \mathbf{g}^2,\ "
            r"\hat{\mathbf{v}} = \frac{\mathbf{v}}{1 - \beta_1^t},\ "
            r"\hat{\mathbf{s}} = \frac{\mathbf{s}}{1 - \beta_2^t},\ "
            r"\mathbf{w} \leftarrow \mathbf{w} - \frac{\eta \hat{\mathbf{v}}}{\sqrt{\hat{\mathbf{s}}} + \epsilon}",
}

# The visible tests of each function's test cell (the hidden ones follow them).
PUBLIC_TESTS: dict[str, str] = {
    "csv_to_tensors": '''\
import tempfile

path = os.path.join(tempfile.mkdtemp(), "house_tiny.csv")
with open(path, "w") as f:
    f.write("NumRooms,Alley,Price\\nNA,Pave,127500\\n2,NA,106000\\n4,NA,178100\\nNA,NA,140000\\n")
X, y = csv_to_tensors(path)
expected = torch.tensor([[3.0, 1, 0], [2, 0, 1], [4, 0, 1], [3, 0, 1]])
assert X.shape == (4, 3), "columns NumRooms, Alley_Pave, Alley_nan"
assert torch.allclose(X.double(), expected.double()), "NA in NumRooms becomes the mean of 2 and 4"
assert torch.allclose(y.double(), torch.tensor([127500.0, 106000, 178100, 140000]).double())''',
    "normalize_rows": '''\
P = normalize_rows(torch.tensor([[1.0, 3.0], [2.0, 2.0]]))
assert torch.allclose(P, torch.tensor([[0.25, 0.75], [0.5, 0.5]])), "divide row i by the sum of row i"
assert normalize_rows(torch.ones(2, 4)).shape == (2, 4), "A.sum(axis=1, keepdim=True) broadcasts"''',
    "dot": '''\
assert torch.equal(dot(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([4.0, 5.0, 6.0])), torch.tensor(32.0))''',
    "mv": '''\
A = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
assert torch.equal(mv(A, torch.tensor([1.0, -1.0])), torch.tensor([-1.0, -1.0, -1.0])), "one entry per row"''',
    "mm": '''\
A, B = torch.tensor([[1.0, 2.0], [3.0, 4.0]]), torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
assert torch.equal(mm(A, B), torch.tensor([[1.0, 2.0, 3.0], [3.0, 4.0, 7.0]])), "row i of A, column j of B"''',
    "l1_norm": '''\
assert torch.equal(l1_norm(torch.tensor([3.0, -4.0])), torch.tensor(7.0)), "the sum of |x_i|"''',
    "l2_norm": '''\
assert torch.equal(l2_norm(torch.tensor([3.0, -4.0])), torch.tensor(5.0))''',
    "frobenius_norm": '''\
assert torch.equal(frobenius_norm(torch.ones((4, 9))), torch.tensor(6.0)), "one number for the whole matrix"''',
    "numerical_lim": '''\
f = lambda x: 3 * x ** 2 - 4 * x
assert abs(numerical_lim(f, 1, 0.1) - 2.3) < 1e-9, "(f(x + h) - f(x)) / h"
assert abs(numerical_lim(f, 1, 0.001) - 2.003) < 1e-6''',
    "grad_of_2xTx": '''\
x = torch.arange(4.0)
assert torch.equal(grad_of_2xTx(x), torch.tensor([0.0, 4.0, 8.0, 12.0])), "the gradient of 2 x^T x is 4x"
assert torch.equal(grad_of_2xTx(x), torch.tensor([0.0, 4.0, 8.0, 12.0])), "the same again: nothing accumulates"''',
    "grad_of_sum": '''\
assert torch.equal(grad_of_sum(torch.arange(4.0)), torch.tensor([0.0, 2.0, 4.0, 6.0]))''',
    "detach_grad": '''\
assert torch.equal(detach_grad(torch.arange(4.0)), torch.tensor([0.0, 1.0, 4.0, 9.0])), "u = x * x, not 3 x^2"''',
    "control_flow_grad": '''\
assert torch.equal(control_flow_grad(torch.tensor(1.5)), torch.tensor(1024.0)), "f(a) / a"
assert torch.equal(control_flow_grad(torch.tensor(-1.5)), torch.tensor(102400.0)), "the else branch: 100 b"''',
    "synthetic_data": '''\
X, y = synthetic_data(torch.tensor([2.0, -3.4]), 4.2, 1000)
assert X.shape == (1000, 2) and y.shape == (1000, 1), "X must be (n, d) and y (n, 1)"
noise = y - X @ torch.tensor([[2.0], [-3.4]]) - 4.2
assert abs(float(noise.std()) - 0.01) < 0.005, "the noise should have standard deviation 0.01"''',
    "data_iter": '''\
features, labels = torch.arange(20.0).reshape(10, 2), torch.arange(10.0).reshape(10, 1)
batches = list(data_iter(4, features, labels))
assert [len(X) for X, _ in batches] == [4, 4, 2], "keep the last, smaller batch"
seen = torch.cat([y for _, y in batches]).flatten().sort().values
assert torch.equal(seen, labels.flatten()), "every example exactly once per pass"
assert all(torch.equal(X[:, 0] / 2, y.flatten()) for X, y in batches), "rows of X and y stay paired"''',
    "linreg": '''\
y_hat = linreg(torch.ones(2, 3), torch.ones(3, 1), torch.zeros(1))
assert torch.equal(y_hat, torch.tensor([[3.0], [3.0]]))''',
    "squared_loss": '''\
loss = squared_loss(torch.tensor([[1.0], [3.0]]), torch.tensor([0.0, 1.0]))
assert torch.equal(loss, torch.tensor([[0.5], [2.0]])), "reshape y to y_hat's shape, one loss each"''',
    "sgd": '''\
w = torch.tensor([1.0, 2.0], requires_grad=True)
(w ** 2).sum().backward()  # the gradient is 2w = [2, 4]
sgd([w], lr=0.5, batch_size=2)
assert torch.allclose(w.detach(), torch.tensor([0.5, 1.0])), "param -= lr * param.grad / batch_size"
assert torch.equal(w.grad, torch.zeros(2)), "zero the gradient after the step"''',
    "load_array": '''\
loader = load_array((torch.arange(10.0).reshape(5, 2), torch.arange(5.0)), 2, is_train=False)
assert [len(y) for _, y in loader] == [2, 2, 1]
assert torch.equal(next(iter(loader))[1], torch.tensor([0.0, 1.0])), "no shuffling unless is_train"''',
    "softmax": '''\
P = softmax(torch.tensor([[1.0, 1.0], [0.0, 1000.0]]))
assert torch.allclose(P, torch.tensor([[0.5, 0.5], [0.0, 1.0]])), "large logits must not overflow"''',
    "cross_entropy": '''\
loss = cross_entropy(torch.tensor([[0.1, 0.9], [0.5, 0.5]]), torch.tensor([1, 0]))
assert loss.shape == (2,), "one loss per example"
assert torch.allclose(loss, torch.tensor([0.1054, 0.6931]), atol=1e-4)''',
    "accuracy": '''\
assert accuracy(torch.tensor([[0.1, 0.9], [0.8, 0.2]]), torch.tensor([1, 1])) == 1.0
assert accuracy(torch.tensor([1, 0]), torch.tensor([1, 1])) == 1.0, "y_hat may hold predicted labels"''',
    "Accumulator": '''\
metric = Accumulator(2)
metric.add(3, 10)
metric.add(4, 10)
assert (metric[0], metric[1]) == (7.0, 20.0)
metric.reset()
assert (metric[0], metric[1]) == (0.0, 0.0)''',
    "evaluate_accuracy": '''\
batches = [(torch.tensor([[0.0, 1.0], [1.0, 0.0]]), torch.tensor([1, 1])),
           (torch.tensor([[0.0, 1.0]]), torch.tensor([1]))]
value = evaluate_accuracy(lambda X: X, batches)  # the "scores" are the inputs themselves
assert abs(value - 2 / 3) < 1e-6, "divide by the number of examples, not of batches"''',
    "train_epoch_ch3": '''\
W = torch.zeros(4, 3, requires_grad=True)
batches = [(torch.ones(5, 4), torch.tensor([0, 1, 2, 0, 1])), (torch.ones(2, 4), torch.tensor([0, 0]))]
loss, acc = train_epoch_ch3(lambda X: softmax(X @ W), batches, cross_entropy,
                            torch.optim.SGD([W], lr=0.0))
assert abs(loss - math.log(3)) < 1e-5, "return the mean loss per example"
assert abs(acc - 4 / 7) < 1e-6, "return the fraction of correct predictions"''',
    "train_ch3": '''\
W = torch.zeros(4, 3, requires_grad=True)
train_batches = [(torch.ones(5, 4), torch.tensor([0, 1, 2, 0, 1])), (torch.ones(2, 4), torch.tensor([0, 0]))]
test_batches = [(torch.ones(2, 4), torch.tensor([0, 1]))]
history = train_ch3(lambda X: softmax(X @ W), train_batches, test_batches, cross_entropy, 2,
                    torch.optim.SGD([W], lr=0.0))
assert len(history) == 2, "one entry per epoch: range(num_epochs)"
assert all(len(entry) == 3 for entry in history), "(train_loss, train_acc, test_acc) per epoch"
assert abs(history[-1][1] - 4 / 7) < 1e-6 and abs(history[-1][2] - 0.5) < 1e-6, "test_acc on test_iter"''',
    "get_fashion_mnist_labels": '''\
assert get_fashion_mnist_labels(torch.tensor([0, 9])) == ["t-shirt", "ankle boot"]''',
    "predict_ch3": '''\
X = torch.zeros(3, 1, 28, 28)
X.reshape(3, -1)[:, :10] = torch.eye(10)[[9, 0, 7]]  # each image's scores are its first ten pixels
batches = [(X, torch.tensor([9, 1, 7])), (X, torch.tensor([0, 0, 0]))]
titles = predict_ch3(lambda X: X.reshape(len(X), -1)[:, :10], batches, n=2)
assert titles == ["ankle boot\\nankle boot", "trouser\\nt-shirt"], "true name, '\\\\n', predicted name"''',
    "load_data_fashion_mnist": '''\
if not os.environ.get("NBGRADER_EXECUTION"):  # it downloads Fashion-MNIST; the grader has its copy
    train_iter, test_iter = load_data_fashion_mnist(32)
    X, y = next(iter(test_iter))
    assert X.shape == (32, 1, 28, 28) and y.shape == (32,)''',
    "init_weights": '''\
torch.manual_seed(0)
layer = torch.nn.Linear(784, 10)
bias = layer.bias.detach().clone()
init_weights(layer)
assert abs(float(layer.weight.std()) - 0.01) < 0.001, "std=0.01, by name (normal_'s second argument is the mean)"
assert abs(float(layer.weight.mean())) < 0.001, "mean 0"
assert torch.equal(layer.bias.detach(), bias), "leave the bias as nn.Linear made it"
init_weights(torch.nn.Flatten())  # net.apply hands it every module: only nn.Linear gets new weights''',
    "concise_softmax_net": '''\
net = concise_softmax_net()
assert net(torch.zeros(2, 1, 28, 28)).shape == (2, 10), "nn.Flatten(), then nn.Linear(784, 10)"
weight = max(net.parameters(), key=lambda p: p.numel())
assert abs(float(weight.std()) - 0.01) < 0.002, "net.apply(init_weights)"
assert concise_softmax_net() is not net, "a new net on every call"''',
    "relu": '''\
X = torch.tensor([-1.0, 0.0, 2.0])
assert torch.equal(relu(X), torch.tensor([0.0, 0.0, 2.0]))
assert torch.equal(X, torch.tensor([-1.0, 0.0, 2.0])), "do not modify X"''',
    "init_mlp_params": '''\
W1, b1, W2, b2 = init_mlp_params(784, 256, 10)
assert (W1.shape, b1.shape, W2.shape, b2.shape) == ((784, 256), (256,), (256, 10), (10,))
assert all(p.requires_grad for p in (W1, b1, W2, b2)), "every parameter requires gradients"
assert abs(float(W1.std()) - 0.01) < 0.001 and float(b1.abs().sum()) == 0.0''',
    "mlp": '''\
params = [torch.eye(2), torch.zeros(2), torch.ones(2, 1), torch.zeros(1)]
out = mlp(torch.tensor([[1.0, -2.0]]), params)
assert torch.equal(out, torch.tensor([[1.0]])), "relu(X W1 + b1) W2 + b2"''',
    "dropout_layer": '''\
X = torch.ones(1000, 100)
assert torch.equal(dropout_layer(X, 0.0), X) and torch.equal(dropout_layer(X, 1.0), torch.zeros_like(X))
out = dropout_layer(X, 0.5)
assert set(out.unique().tolist()) <= {0.0, 2.0}, "survivors are scaled by 1 / (1 - p)"
assert abs(float((out == 0).float().mean()) - 0.5) < 0.01, "about a fraction p is dropped"''',
    "init_dropout_mlp_params": '''\
params = init_dropout_mlp_params(784, 256, 256, 10)
assert [tuple(p.shape) for p in params] == [(784, 256), (256,), (256, 256), (256,), (256, 10), (10,)]
assert 0.009 < float(params[0].std()) < 0.11, "any sigma from the book's 0.01 to 0.1"
assert all(float(b.abs().sum()) == 0.0 for b in params[1::2]), "biases start at zero"''',
    "dropout_mlp": '''\
params = [torch.eye(2), torch.zeros(2), torch.eye(2), torch.zeros(2), torch.ones(2, 1), torch.zeros(1)]
out = dropout_mlp(torch.tensor([[1.0, 2.0]]), params, 0.5, 0.5, training=False)
assert torch.equal(out, torch.tensor([[3.0]])), "no dropout at evaluation (training=False)"''',
    "sigmoid": '''\
out = sigmoid(torch.tensor([-1000.0, 0.0, 1000.0]))
assert torch.allclose(out, torch.tensor([0.0, 0.5, 1.0])), "stable for large |x|: no nan or inf"''',
    "sigmoid_grad": '''\
out = sigmoid_grad(torch.tensor([0.0, 1000.0, -1000.0]))
assert torch.allclose(out, torch.tensor([0.25, 0.0, 0.0])), "sigmoid(x) * (1 - sigmoid(x)), no nan"''',
    "tanh": '''\
out = tanh(torch.tensor([-1000.0, 0.0, 1000.0]))
assert torch.allclose(out, torch.tensor([-1.0, 0.0, 1.0])), "stable for large |x|: no nan"''',
    "tanh_grad": '''\
out = tanh_grad(torch.tensor([0.0, 1000.0]))
assert torch.allclose(out, torch.tensor([1.0, 0.0])), "1 - tanh(x) ** 2"''',
    "xavier_init": '''\
W = xavier_init(784, 256)
a = math.sqrt(6 / (784 + 256))
assert W.shape == (784, 256) and W.requires_grad
assert 0.9 * a < float(W.detach().abs().max()) <= a, "U(-a, a) with a = sqrt(6 / (n_in + n_out))"''',
    "l2_penalty": '''\
assert torch.equal(l2_penalty(torch.tensor([[1.0], [2.0]])), torch.tensor(2.5))''',
    "l1_loss": '''\
loss = l1_loss(torch.tensor([[1.0], [3.0]]), torch.tensor([0.0, 5.0]))
assert torch.equal(loss, torch.tensor([[1.0], [2.0]]))''',
    "huber_loss": '''\
loss = huber_loss(torch.tensor([[0.5], [3.0]]), torch.tensor([0.0, 0.0]))
assert torch.allclose(loss, torch.tensor([[0.125], [2.5]]))
loss = huber_loss(torch.tensor([[0.5], [3.0]]), torch.tensor([0.0, 0.0]), delta=2.0)
assert torch.allclose(loss, torch.tensor([[0.125], [4.0]])), "beyond delta: delta * (|d| - delta / 2)"''',
    "get_k_fold_data": '''\
X, y = torch.arange(22.0).reshape(11, 2), torch.arange(11.0)
X_train, y_train, X_valid, y_valid = get_k_fold_data(5, 1, X, y)
assert torch.equal(y_valid, torch.tensor([2.0, 3.0])), "fold i holds rows i*(n//k) to (i+1)*(n//k)-1"
assert torch.equal(y_train, torch.tensor([0.0, 1.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0])), \\
    "the other folds, in order; the leftover row is unused"''',
    "train_concise": '''\
X = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
y = 2 * X + 5
net = train_concise(1.0, [(X, y)], 1, num_epochs=500, lr=0.05)
w, b = float(net[0].weight.detach()), float(net[0].bias.detach())
assert w < 2 - 0.2, "weight decay shrinks the weight below the least-squares 2"
assert abs(w * 2.5 + b - 10.0) < 0.05, "the bias is not decayed: the fit still passes through the means"''',
    "log_rmse": '''\
net = lambda X: X
features = torch.tensor([[-3.0], [math.e], [math.e ** 2]])
labels = torch.tensor([[1.0], [1.0], [1.0]])
value = float(log_rmse(net, features, labels))
assert abs(value - math.sqrt((0 + 1 + 4) / 3)) < 1e-5, "clamp to 1, then the RMSE of the logs"''',
    "get_net": '''\
net = get_net(4)
assert net(torch.ones(3, 4)).shape == (3, 1), "one price per house"
assert get_net(4) is not net, "a new net on every call"''',
    "train_house": '''\
torch.manual_seed(0)
X = torch.randn(64, 3)
y = X @ torch.tensor([[1.0], [2.0], [3.0]]) + 20
train_ls, test_ls = train_house(get_net(3), X, y, None, None, 20, 1.0, 0, 16)
assert len(train_ls) == 20 and test_ls == [], "one entry per epoch; no test data, no test errors"
assert train_ls[-1] < train_ls[0] / 2, "Adam brings the log RMSE down"''',
    "k_fold": '''\
torch.manual_seed(0)
X = torch.randn(50, 3)
y = X @ torch.tensor([[1.0], [2.0], [3.0]]) + 20
train_l, valid_l = k_fold(5, X, y, 20, 1.0, 0, 10)
assert 0 < train_l < 0.2 and 0 < valid_l < 0.2, (train_l, valid_l)''',
    "poly_features": '''\
P = poly_features(torch.tensor([[2.0], [-1.0]]), 4)
assert P.shape == (2, 4), "one row per example, one column per power"
assert torch.allclose(P, torch.tensor([[1.0, 2.0, 2.0, 4 / 3], [1.0, -1.0, 0.5, -1 / 6]])), "column i is x^i / i!"
assert poly_features(torch.ones(3, 1, dtype=torch.float64), 20).dtype == torch.float64, "keep the dtype of x"''',
    "evaluate_loss": '''\
batches = [(torch.tensor([[1.0], [2.0]]), torch.tensor([0.0, 0.0])), (torch.tensor([[4.0]]), torch.tensor([0.0]))]
value = evaluate_loss(lambda X: X, batches, torch.nn.MSELoss(reduction="none"))
assert abs(float(value) - 7.0) < 1e-6, "(1 + 4 + 16) / 3: the mean over all examples, not of the batch means"''',
    "train_poly": '''\
features = torch.tensor([[1.0, x, x ** 2 / 2] for x in (-1.0, -0.5, 0.0, 0.5, 1.0)])
labels = features @ torch.tensor([1.0, 2.0, 0.0])
net, train_ls, test_ls = train_poly(features, features, labels, labels, num_epochs=3)
assert len(train_ls) == len(test_ls) == 3, "one train and one test loss per epoch"
assert sum(p.numel() for p in net.parameters()) == 3, "nn.Linear(3, 1, bias=False): one weight per feature, no bias"''',
    "init_momentum_states": '''\
v_w, v_b = init_momentum_states(3)
assert v_w.shape == (3, 1) and v_b.shape == (1,), "shaped like the weight column and the bias"
assert float(v_w.abs().sum() + v_b.abs().sum()) == 0.0, "velocities start at zero"''',
    "sgd_momentum": '''\
w = torch.tensor([[1.0]], requires_grad=True)
states = (torch.zeros(1, 1),)
for expected in (0.9, 0.71):   # v = 1, then v = 0.9 * 1 + 1 = 1.9
    w.grad = torch.ones(1, 1)
    sgd_momentum([w], states, {"lr": 0.1, "momentum": 0.9})
    assert abs(w.item() - expected) < 1e-6, (w.item(), expected)
assert float(w.grad.abs().sum()) == 0.0, "zero the gradient after the step"''',
    "init_rmsprop_states": '''\
s_w, s_b = init_rmsprop_states(3)
assert s_w.shape == (3, 1) and s_b.shape == (1,)
assert float(s_w.abs().sum() + s_b.abs().sum()) == 0.0''',
    "rmsprop": '''\
w = torch.tensor([[1.0]], requires_grad=True)
states = (torch.zeros(1, 1),)
w.grad = torch.full((1, 1), 2.0)
rmsprop([w], states, {"lr": 0.01, "gamma": 0.9})   # s = 0.1 * 4 = 0.4; step 0.01 * 2 / sqrt(0.4)
assert abs(float(states[0]) - 0.4) < 1e-6, "s = gamma * s + (1 - gamma) * g ** 2, kept in place"
assert abs(w.item() - (1 - 0.01 * 2 / math.sqrt(0.4))) < 1e-5''',
    "init_adam_states": '''\
(v_w, s_w), (v_b, s_b) = init_adam_states(3)
assert v_w.shape == s_w.shape == (3, 1) and v_b.shape == s_b.shape == (1,)
assert v_w.data_ptr() != s_w.data_ptr(), "v and s are separate tensors"''',
    "adam": '''\
w = torch.tensor([[1.0]], requires_grad=True)
hyperparams = {"lr": 0.01, "t": 1}
w.grad = torch.full((1, 1), 3.0)
adam([w], [(torch.zeros(1, 1), torch.zeros(1, 1))], hyperparams)
assert abs(w.item() - 0.99) < 1e-5, "with the bias correction the first step is about lr"
assert hyperparams["t"] == 2, "t advances once per step"''',
}

SETUP = '''\
# Run this cell first. It imports what the tests use and sends Python's warnings (torch's
# UserWarnings among them) to the normal output: nbgrader counts anything written to stderr in a
# test cell as a failure, even when the code is right.
import math
import os
import sys
import warnings

import torch


def _warnings_to_stdout(message, category, filename, lineno, file=None, line=None):
    sys.stdout.write(warnings.formatwarning(message, category, filename, lineno, line))


warnings.showwarning = _warnings_to_stdout


def plot_curves(curves, title, xlabel="epoch"):
    """Plot per-epoch curves (name -> list of values) against the epoch, as the book does."""
    import matplotlib.pyplot as plt

    for name, values in curves.items():
        plt.plot(range(1, len(values) + 1), values, marker="o", label=name)
    plt.xlabel(xlabel)
    plt.title(title)
    plt.legend()
    plt.grid(alpha=0.3)
    plt.show()'''

_SKIP = '''\
if os.environ.get("NBGRADER_EXECUTION"):
    print("Not run while grading: the grader trains the model with your functions itself.")
else:
'''

TRAINING_INTRO: dict[str, str] = {
    "preliminaries": "The book's numerical limit (section 2.4): for f(x) = 3x^2 - 4x, "
                     "`numerical_lim(f, 1, h)` approaches f'(1) = 2, the value autograd gives, as "
                     "h shrinks from 0.1 to 0.00001.",
    "linear_regression": "Train the book's linear regression (section 3.2) with your functions: "
                         "three passes over 1000 synthetic examples should bring the loss near "
                         "the noise level and recover `w` and `b` to about 0.01.",
    "softmax_regression": "Train softmax regression on Fashion-MNIST with your functions (section "
                          "4.4): ten epochs reach about 0.83 test accuracy.",
    "mlp": "Train the one-hidden-layer MLP (section 5.2) and the two-hidden-layer MLP with "
           "dropout (section 5.6) on Fashion-MNIST with your functions; both reach about 0.85 "
           "test accuracy in ten epochs.",
    "regularization": "Weight decay on the book's high-dimensional regression (section 3.7): with "
                      "20 training examples and 200 features, lambda = 0 overfits (the test loss "
                      "stays high) and lambda = 3 generalises. Then 5-fold cross-validation (section "
                      "4.10) picks the weight decay of the house-price model on synthetic prices: "
                      "200 examples and 8 features leave nothing to overfit, so weight_decay = 1 "
                      "only pulls the weights away from the fit and none wins.",
    "model_selection": "Fit the book's polynomial (section 4.4) with your functions, 100 epochs each: "
                       "the first 4 features (a third-order polynomial, the right model) recover "
                       "the weights [5, 1.2, -3.4, 5.6]; the first 2 (a line) underfit, the train "
                       "and test losses stay high; all 20 features on 100 examples start to "
                       "overfit, the test loss ending above the train loss.",
    "optimizers": "Train the book's linear regression (1000 synthetic examples, minibatches of 10) "
                  "with each of your optimizers for five epochs, as the book's `train_ch11` does: "
                  "all three bring the loss down to the noise level.",
}

TRAINING: dict[str, str] = {
    "preliminaries": _SKIP + '''\
    def f(x):
        return 3 * x ** 2 - 4 * x

    hs = [10.0 ** -k for k in range(1, 6)]
    x = torch.tensor(1.0, requires_grad=True)
    f(x).backward()
    curves = {"numerical_lim(f, 1, h)": [float(numerical_lim(f, 1, h)) for h in hs],
              "f'(1) by autograd": [float(x.grad)] * len(hs)}
    for h, value in zip(hs, curves["numerical_lim(f, 1, h)"]):
        print(f"h={h:.5f}, numerical limit={value:.5f}")
    print("grad_of_2xTx(torch.arange(4.0)) =", grad_of_2xTx(torch.arange(4.0)).tolist(), "(4x)")
    plot_curves(curves, "numerical_lim(f, 1, h) approaches f'(1)", xlabel="k, for h = 10^-k")''',
    "linear_regression": _SKIP + '''\
    true_w, true_b = torch.tensor([2.0, -3.4]), 4.2
    features, labels = synthetic_data(true_w, true_b, 1000)
    w = torch.normal(0, 0.01, size=(2, 1), requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    lr, num_epochs, batch_size = 0.03, 3, 10
    curves = {"training loss": []}
    for epoch in range(num_epochs):
        for X, y in data_iter(batch_size, features, labels):
            l = squared_loss(linreg(X, w, b), y)
            l.sum().backward()
            sgd([w, b], lr, batch_size)
        with torch.no_grad():
            curves["training loss"].append(float(squared_loss(linreg(features, w, b), labels).mean()))
    print("error in w:", (true_w - w.detach().reshape(true_w.shape)).tolist())
    print("error in b:", true_b - float(b))
    plot_curves(curves, "linear regression")''',
    "softmax_regression": _SKIP + '''\
    batch_size, lr, num_epochs = 256, 0.1, 10
    train_iter, test_iter = load_data_fashion_mnist(batch_size)
    W = torch.normal(0, 0.01, size=(784, 10), requires_grad=True)
    b = torch.zeros(10, requires_grad=True)

    def net(X):
        return softmax(X.reshape((-1, W.shape[0])) @ W + b)

    updater = torch.optim.SGD([W, b], lr=lr)
    curves = {"train loss": [], "train acc": [], "test acc": []}
    for epoch in range(num_epochs):
        train_loss, train_acc = train_epoch_ch3(net, train_iter, cross_entropy, updater)
        for name, value in zip(curves, (train_loss, train_acc, evaluate_accuracy(net, test_iter))):
            curves[name].append(value)
    X, y = next(iter(test_iter))
    print("true:     ", get_fashion_mnist_labels(y[:6]))
    print("predicted:", get_fashion_mnist_labels(net(X).argmax(axis=1)[:6]))
    plot_curves(curves, "softmax regression")''',
    "mlp": _SKIP + '''\
    import torchvision
    from torchvision import transforms

    def fashion_mnist(train):
        data = torchvision.datasets.FashionMNIST(root="../data", train=train, download=True,
                                                 transform=transforms.ToTensor())
        return torch.utils.data.DataLoader(data, batch_size=256, shuffle=train)

    train_iter, test_iter = fashion_mnist(True), fashion_mnist(False)
    loss = torch.nn.CrossEntropyLoss()

    def train(net, params, lr, num_epochs=10):
        """Minibatch SGD on Fashion-MNIST; net(X, training) returns logits."""
        optimizer = torch.optim.SGD(params, lr=lr)
        curves = {"train loss": [], "test acc": []}
        for epoch in range(num_epochs):
            total, count = 0.0, 0
            for X, y in train_iter:
                l = loss(net(X, True), y)
                optimizer.zero_grad()
                l.backward()
                optimizer.step()
                total, count = total + float(l) * len(y), count + len(y)
            with torch.no_grad():
                correct = sum(float((net(X, False).argmax(axis=1) == y).sum()) for X, y in test_iter)
            curves["train loss"].append(total / count)
            curves["test acc"].append(correct / len(test_iter.dataset))
        return curves

    params = init_mlp_params(784, 256, 10)
    plot_curves(train(lambda X, training: mlp(X, params), params, lr=0.1), "MLP")
    params = init_dropout_mlp_params(784, 256, 256, 10)
    plot_curves(train(lambda X, training: dropout_mlp(X, params, 0.2, 0.5, training), params, lr=0.5),
                "MLP with dropout")''',
    "regularization": _SKIP + '''\
    n_train, n_test, num_inputs, batch_size, lr = 20, 100, 200, 5, 0.003
    true_w, true_b = torch.ones((num_inputs, 1)) * 0.01, 0.05

    def make_data(n):
        X = torch.normal(0, 1, (n, num_inputs))
        return X, X @ true_w + true_b + torch.normal(0, 0.01, (n, 1))

    import matplotlib.pyplot as plt

    (train_X, train_y), (test_X, test_y) = make_data(n_train), make_data(n_test)
    for lambd in (0, 3):
        w = torch.normal(0, 1, size=(num_inputs, 1), requires_grad=True)
        b = torch.zeros(1, requires_grad=True)
        curves = {"train loss": [], "test loss": []}
        for epoch in range(100):
            for i in range(0, n_train, batch_size):
                X, y = train_X[i:i + batch_size], train_y[i:i + batch_size]
                l = (X @ w + b - y) ** 2 / 2 + lambd * l2_penalty(w)
                l.sum().backward()
                with torch.no_grad():
                    for param in (w, b):
                        param -= lr * param.grad / batch_size
                        param.grad.zero_()
            with torch.no_grad():
                curves["train loss"].append(float(((train_X @ w + b - train_y) ** 2 / 2).mean()))
                curves["test loss"].append(float(((test_X @ w + b - test_y) ** 2 / 2).mean()))
        plt.yscale("log")
        plot_curves(curves, f"weight decay, lambda = {lambd}: |w| = {float(w.norm()):.3f}")
    # K-fold model selection on synthetic house prices (the book's Kaggle data needs a download)
    torch.manual_seed(0)
    X = torch.randn(200, 8)
    y = X @ torch.randn(8, 1) + 20 + 0.5 * torch.randn(200, 1)
    folds = {}
    for weight_decay in (0, 1):
        train_l, valid_l = k_fold(5, X, y, 20, 1.0, weight_decay, 32)
        folds[weight_decay] = valid_l
        print(f"5-fold, weight_decay={weight_decay}: train log rmse {train_l:.4f}, "
              f"valid log rmse {valid_l:.4f}")
    print(f"K-fold picks weight_decay={min(folds, key=folds.get)}")''',
    "model_selection": _SKIP + '''\
    import matplotlib.pyplot as plt

    torch.manual_seed(1)
    max_degree, n_train, n_test = 20, 100, 100
    true_w = torch.zeros(max_degree)
    true_w[:4] = torch.tensor([5.0, 1.2, -3.4, 5.6])
    x = torch.normal(0, 1, (n_train + n_test, 1))
    poly = poly_features(x, max_degree)
    labels = poly @ true_w + torch.normal(0, 0.1, (n_train + n_test,))
    fits = {}
    for name, degree in (("third-order fit, 4 features", 4), ("underfitting, 2 features", 2),
                         ("overfitting, 20 features", 20)):
        net, train_ls, test_ls = train_poly(poly[:n_train, :degree], poly[n_train:, :degree],
                                            labels[:n_train], labels[n_train:], num_epochs=100)
        weight = [round(w, 2) for w in next(net.parameters()).detach().reshape(-1).tolist()]
        curves = {"train loss": train_ls, "test loss": test_ls}
        fits[name] = {"weight": weight, **curves}
        print(f"{name}: train loss {train_ls[-1]:.4f}, test loss {test_ls[-1]:.4f}, weight {weight[:6]}")
        plt.yscale("log")
        plot_curves(curves, name)''',
    "optimizers": _SKIP + '''\
    import matplotlib.pyplot as plt

    torch.manual_seed(0)
    true_w, true_b = torch.tensor([[2.0], [-3.4]]), 4.2
    X = torch.normal(0, 1, (1000, 2))
    y = X @ true_w + true_b + torch.normal(0, 0.01, (1000, 1))

    def train(init_states, step, hyperparams, num_epochs=5, batch_size=10):
        w = torch.normal(0, 0.01, (2, 1), requires_grad=True)
        b = torch.zeros(1, requires_grad=True)
        states, losses = init_states(2), []
        for epoch in range(num_epochs):
            for i in range(0, len(X), batch_size):
                l = ((X[i:i + batch_size] @ w + b - y[i:i + batch_size]) ** 2 / 2).mean()
                l.backward()
                step([w, b], states, hyperparams)
            with torch.no_grad():
                losses.append(float(((X @ w + b - y) ** 2 / 2).mean()))
        return losses

    curves = {"momentum": train(init_momentum_states, sgd_momentum, {"lr": 0.005, "momentum": 0.9}),
              "RMSProp": train(init_rmsprop_states, rmsprop, {"lr": 0.01, "gamma": 0.9}),
              "Adam": train(init_adam_states, adam, {"lr": 0.1, "t": 1})}
    for name, losses in curves.items():
        print(f"{name}: loss {losses[-1]:.6f} after {len(losses)} epochs")
    plt.yscale("log")
    plot_curves(curves, "training loss with your optimizers")''',
}
