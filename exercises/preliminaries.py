# Generated from solutions/ by `autograder build-exercises`: fill in the bodies.
"""Preliminaries: data, linear algebra and calculus with tensors (d2l.ai, sections 2.2-2.5).

Reading a table with missing values into tensors, reductions and broadcasting, the products and
norms of linear algebra written from elementwise operations and sums, a numerical derivative,
and gradients computed by automatic differentiation.
"""
import csv

import torch


def csv_to_tensors(path):
    """Read a CSV file like the book's `house_tiny.csv` into `(X, y)`, float tensors.

    The first line holds the column names; `NA` marks a missing value. The last column is the
    target `y` (shape (n,), never missing); the other columns are the inputs, turned into the
    matrix `X` (n, d) as `pandas.get_dummies(inputs, dummy_na=True)` and then
    `inputs.fillna(inputs.mean())` do in the book:

    - a numeric column (every value that is not `NA` is a number) stays one column, its `NA`s
      replaced by the mean of the values present in that column;
    - a categorical column becomes one 0/1 column per category, categories in sorted order,
      then one more column that is 1 where the value is `NA` (always there, even when nothing
      is missing in that column);
    - the numeric columns come first, in the file's order, then the categorical columns' blocks,
      in the file's order.

    Use the `csv` module (`csv.reader(open(path))`): pandas is not installed where your code is
    graded. Read the file at `path`, not the book's `../data/house_tiny.csv`.

    Pitfall: the mean of a column is over the values present (2 and 4 give 3), not over every row
    with `NA` counted as 0 (6 / 4 = 1.5).

    >>> X, y = csv_to_tensors("house_tiny.csv")   # the book's: NumRooms,Alley,Price
    >>> X   # [[3, 1, 0], [2, 0, 1], [4, 0, 1], [3, 0, 1]]: NumRooms, Alley_Pave, Alley_nan
    >>> y   # [127500, 106000, 178100, 140000]
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def normalize_rows(A):
    """Divide each row of the matrix `A` (n, m) by its sum, so that every row sums to 1.

    A reduction along axis 1 with `keepdim=True` keeps the shape (n, 1), which broadcasts against
    (n, m): row i is divided by the sum of row i. Return a new tensor; leave `A` unchanged.

    Pitfall: without `keepdim=True` the sums have shape (n,), which broadcasts along the *last*
    axis: for a square `A`, column j is silently divided by the sum of row j; for any other shape
    it fails with "The size of tensor a must match the size of tensor b".

    >>> normalize_rows(torch.tensor([[1.0, 3.0], [2.0, 2.0]]))   # [[0.25, 0.75], [0.5, 0.5]]
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def dot(x, y):
    """The dot product of two vectors of the same length: the sum of `x * y`, a 0-d tensor.

    Write it from an elementwise product and a sum: no `torch.dot`, `torch.matmul`, `@`,
    `torch.inner` or `torch.einsum` (the exercise is what they compute).

    >>> dot(torch.tensor([1.0, 2.0, 3.0]), torch.tensor([4.0, 5.0, 6.0]))   # tensor(32.)
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def mv(A, x):
    """The matrix-vector product of `A` (m, n) and `x` (n,): the vector (m,) whose entry i is
    the dot product of row i of `A` with `x`.

    Broadcasting `A * x` multiplies every row by `x`; then sum along the right axis. No
    `torch.mv`, `torch.matmul`, `@`, `torch.einsum` or `torch.dot`.

    Pitfall: summing along axis 0 adds up the columns instead: shape (n,), not (m,).

    >>> A = torch.tensor([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    >>> mv(A, torch.tensor([1.0, -1.0]))   # tensor([-1., -1., -1.])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def mm(A, B):
    """The matrix-matrix product of `A` (n, k) and `B` (k, m): the matrix (n, m) whose entry
    (i, j) is the dot product of row i of `A` with column j of `B` (`B[:, j]`).

    Build it from elementwise products and sums (for instance `A[:, :, None] * B[None, :, :]`
    summed along axis 1, or one `mv` per column of `B`); keep it differentiable. No `torch.mm`,
    `torch.matmul`, `@`, `torch.einsum`, `torch.tensordot`, `torch.bmm` or `torch.dot`.

    Pitfall: `A * B` is the elementwise (Hadamard) product, not the matrix product; and row j of
    `B` (`B[j]`) is not its column j.

    >>> A = torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    >>> B = torch.tensor([[1.0, 0.0, 1.0], [0.0, 1.0, 1.0]])
    >>> mm(A, B)   # tensor([[1., 2., 3.], [3., 4., 7.]])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def l1_norm(x):
    """The L1 norm of a vector: the sum of the absolute values of its entries, a 0-d tensor.

    No `torch.norm`, `Tensor.norm`, `torch.linalg.norm` / `vector_norm` or `torch.dist`.

    Pitfall: without the absolute values, negative entries cancel positive ones.

    >>> l1_norm(torch.tensor([3.0, -4.0]))   # tensor(7.)
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def l2_norm(x):
    """The L2 (Euclidean) norm of a vector: the square root of the sum of its squared entries,
    a 0-d tensor of the input's dtype.

    Use `torch.sqrt` (`math.sqrt` returns a Python float). No `torch.norm`, `Tensor.norm`,
    `torch.linalg.norm` / `vector_norm` or `torch.dist`.

    Pitfall: the sum of squares alone is the *squared* norm.

    >>> l2_norm(torch.tensor([3.0, -4.0]))   # tensor(5.)
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def frobenius_norm(X):
    """The Frobenius norm of a matrix: the square root of the sum of the squares of *all* its
    entries (the L2 norm of the matrix flattened), a 0-d tensor.

    No `torch.norm`, `Tensor.norm`, `torch.linalg.norm` / `matrix_norm` or `torch.dist`.

    Pitfall: summing along one axis only gives one norm per row or column, not one number.

    >>> frobenius_norm(torch.ones((4, 9)))   # tensor(6.)
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def numerical_lim(f, x, h):
    """The book's numerical derivative of `f` at `x`: the difference quotient (f(x + h) - f(x)) / h.

    `x` is a number or a tensor (then `f` acts elementwise and the result has `x`'s shape); `h`
    is a small positive number. As h shrinks the quotient approaches f'(x): for f(x) = 3x^2 - 4x
    at x = 1 it is 2.3 for h = 0.1, 2.03 for h = 0.01. Compute exactly this quotient, for the h
    given: no autograd (`backward`, `torch.autograd`, `torch.func`), no other formula.

    Pitfall: `f(x + h) - f(x) / h` divides only f(x) by h; the whole difference must be divided.

    >>> numerical_lim(lambda x: 3 * x ** 2 - 4 * x, 1, 0.1)   # 2.3000000000000043
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def grad_of_2xTx(x):
    """The gradient of y = 2 x^T x with respect to the vector `x`, computed by autograd.

    As in the book: make `x` require gradients, compute y = 2 * torch.dot(x, x) (any tensor
    operations will do), call `y.backward()` and return `x.grad` (the gradient is 4x, of `x`'s
    shape and dtype). `x` arrives without gradients; work on `x.detach().clone()` or call
    `x.requires_grad_(True)`. Let autograd compute it: `4 * x` written by hand earns nothing.

    Pitfall: autograd *adds* into `x.grad`. Called twice on the same `x`, the second call returns
    8x unless it starts from a fresh leaf or zeroes the old gradient (`x.grad.zero_()`).

    >>> grad_of_2xTx(torch.arange(4.0))   # tensor([ 0.,  4.,  8., 12.])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def grad_of_sum(x):
    """The gradient of the sum of y = x * x with respect to `x`, computed by autograd.

    `y` is a vector, and `backward` needs a scalar: as in the book, backpropagate `y.sum()` (or
    `y.backward(gradient=torch.ones_like(y))`), which gives 2x, of `x`'s shape. `x` arrives
    without gradients, and may be a vector or a matrix; return `x.grad` and let autograd compute
    it (`2 * x` by hand earns nothing). Each call starts afresh (see `grad_of_2xTx`).

    Pitfall: `y.backward()` on a non-scalar fails ("grad can be implicitly created only for
    scalar outputs"), and `y.mean()` divides the gradient by the number of entries.

    >>> grad_of_sum(torch.arange(4.0))   # tensor([0., 2., 4., 6.])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def detach_grad(x):
    """Move part of a computation out of the graph: with y = x * x, u = y.detach() and z = u * x,
    return the gradient of z.sum() with respect to `x`, computed by autograd.

    `u` holds the values of y but is a constant for autograd, so the gradient is u (= x * x),
    not the 3 x^2 of z = x^3. `x` arrives without gradients; return `x.grad`, and let autograd
    compute it. Each call starts afresh (see `grad_of_2xTx`).

    Pitfall: `detach()` returns a new tensor and leaves y attached: `y.detach()` on a line of its
    own changes nothing; write `u = y.detach()`.

    >>> detach_grad(torch.arange(4.0))   # tensor([0., 1., 4., 9.])
    """
    # YOUR CODE HERE
    raise NotImplementedError()


def control_flow_grad(a):
    """The gradient, by autograd, of the book's `f` (below) at the 0-d tensor `a`: return `a.grad`.

    `f` doubles `a` until its norm reaches 1000, then keeps it or multiplies it by 100 depending
    on its sign: a Python `while` and `if` that depend on the values. Autograd records the
    operations that actually ran, so the gradient works all the same; since f(a) = k * a for a k
    that depends on `a`, the gradient is f(a) / a. `a` arrives without gradients; make it (or a
    fresh copy) require them, call `f`, backpropagate, return the gradient. Do not compute
    f(a) / a yourself: let autograd do it. Each call starts afresh (see `grad_of_2xTx`).

    >>> control_flow_grad(torch.tensor(1.5))   # tensor(1024.): f doubles 1.5 ten times
    """
    def f(a):
        b = a * 2
        while b.norm() < 1000:
            b = b * 2
        if b.sum() > 0:
            c = b
        else:
            c = 100 * b
        return c

    # YOUR CODE HERE
    raise NotImplementedError()
