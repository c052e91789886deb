"""Realistic mistakes and other correct implementations for exercises/preliminaries.py."""
from tests.catalogue import Mistake, Variant

M = "preliminaries"

_CSV_HEAD = '''
    import csv

    def csv_to_tensors(path):
        with open(path, newline="") as handle:
            rows = [row for row in csv.reader(handle) if row]
        columns = list(zip(*rows[1:]))
        inputs, target = columns[:-1], columns[-1]

        def is_number(text):
            try:
                float(text)
            except ValueError:
                return False
            return True
'''


def _csv(body: str) -> str:
    """A csv_to_tensors that reads like the reference up to its loop over the input columns."""
    return _CSV_HEAD + body


MISTAKES = [
    # ------------------------------------------------------------------------ csv_to_tensors
    Mistake("csv_dummy_na_false", M, "csv_to_tensors", _csv('''
        numeric, one_hot = [], []
        for values in inputs:
            present = [v for v in values if v != "NA"]
            if all(is_number(v) for v in present):
                mean = sum(float(v) for v in present) / len(present)
                numeric.append([mean if v == "NA" else float(v) for v in values])
            else:
                for category in sorted(set(present)):
                    one_hot.append([1.0 if v == category else 0.0 for v in values])
        X = torch.tensor(numeric + one_hot, dtype=torch.float64).T
        return X, torch.tensor([float(v) for v in target], dtype=torch.float64)
        '''), expect="no column for the missing values"),
    Mistake("csv_fill_zero", M, "csv_to_tensors", _csv('''
        numeric, one_hot = [], []
        for values in inputs:
            present = [v for v in values if v != "NA"]
            if all(is_number(v) for v in present):
                numeric.append([0.0 if v == "NA" else float(v) for v in values])
            else:
                for category in sorted(set(present)) + ["NA"]:
                    one_hot.append([1.0 if v == category else 0.0 for v in values])
        X = torch.tensor(numeric + one_hot, dtype=torch.float64).T
        return X, torch.tensor([float(v) for v in target], dtype=torch.float64)
        '''), expect="filled with 0"),
    Mistake("csv_mean_counts_missing_rows", M, "csv_to_tensors", _csv('''
        numeric, one_hot = [], []
        for values in inputs:
            present = [v for v in values if v != "NA"]
            if all(is_number(v) for v in present):
                numbers = [0.0 if v == "NA" else float(v) for v in values]
                mean = sum(numbers) / len(numbers)
                numeric.append([mean if v == "NA" else float(v) for v in values])
            else:
                for category in sorted(set(present)) + ["NA"]:
                    one_hot.append([1.0 if v == category else 0.0 for v in values])
        X = torch.tensor(numeric + one_hot, dtype=torch.float64).T
        return X, torch.tensor([float(v) for v in target], dtype=torch.float64)
        '''), expect="counted the NA rows as 0"),
    Mistake("csv_categories_in_order_of_appearance", M, "csv_to_tensors", _csv('''
        numeric, one_hot = [], []
        for values in inputs:
            present = [v for v in values if v != "NA"]
            if all(is_number(v) for v in present):
                mean = sum(float(v) for v in present) / len(present)
                numeric.append([mean if v == "NA" else float(v) for v in values])
            else:
                for category in list(dict.fromkeys(present)) + ["NA"]:
                    one_hot.append([1.0 if v == category else 0.0 for v in values])
        X = torch.tensor(numeric + one_hot, dtype=torch.float64).T
        return X, torch.tensor([float(v) for v in target], dtype=torch.float64)
        '''), expect="order they first appear"),
    Mistake("csv_columns_in_file_order", M, "csv_to_tensors", _csv('''
        out = []
        for values in inputs:
            present = [v for v in values if v != "NA"]
            if all(is_number(v) for v in present):
                mean = sum(float(v) for v in present) / len(present)
                out.append([mean if v == "NA" else float(v) for v in values])
            else:
                for category in sorted(set(present)) + ["NA"]:
                    out.append([1.0 if v == category else 0.0 for v in values])
        X = torch.tensor(out, dtype=torch.float64).T
        return X, torch.tensor([float(v) for v in target], dtype=torch.float64)
        '''), expect="in the file's order"),
    Mistake("csv_reads_the_books_path", M, "csv_to_tensors", '''
        import os

        def csv_to_tensors(path):
            data_file = os.path.join("..", "data", "house_tiny.csv")
            with open(data_file) as handle:
                lines = handle.read().splitlines()
            return lines
        ''', expect="the function's argument"),
    # ------------------------------------------------------------------------ normalize_rows
    Mistake("normalize_without_keepdim", M, "normalize_rows", '''
        def normalize_rows(A):
            return A / A.sum(axis=1)
        ''', expect="without keepdim=True"),
    Mistake("normalize_columns", M, "normalize_rows", '''
        def normalize_rows(A):
            return A / A.sum(axis=0, keepdim=True)
        ''', expect="each column was divided by its sum"),
    Mistake("normalize_in_place", M, "normalize_rows", '''
        def normalize_rows(A):
            A /= A.sum(axis=1, keepdim=True)
            return A
        ''', expect="modified A in place"),
    # ------------------------------------------------------------------------------ products
    Mistake("dot_forgot_sum", M, "dot", '''
        def dot(x, y):
            return x * y
        ''', expect="elementwise product"),
    Mistake("dot_torch_dot", M, "dot", '''
        def dot(x, y):
            return torch.dot(x, y)
        ''', expect="torch.dot"),
    Mistake("dot_item", M, "dot", '''
        def dot(x, y):
            return (x * y).sum().item()
        ''', expect="Python number"),
    Mistake("mv_sum_axis_0", M, "mv", '''
        def mv(A, x):
            return (A * x).sum(axis=0)
        ''', expect="along axis 0"),
    Mistake("mv_at_operator", M, "mv", '''
        def mv(A, x):
            return A @ x
        ''', expect="@"),
    Mistake("mm_hadamard", M, "mm", '''
        def mm(A, B):
            return A * B
        ''', expect="Hadamard"),
    Mistake("mm_rows_of_B", M, "mm", '''
        def mm(A, B):
            C = torch.zeros(A.shape[0], B.shape[1], dtype=A.dtype)
            for i in range(A.shape[0]):
                for j in range(B.shape[1]):
                    C[i, j] = (A[i] * B[j]).sum()
            return C
        ''', expect="B[j]"),
    Mistake("mm_rewrapped_in_torch_tensor", M, "mm", '''
        def mm(A, B):
            rows = [[float((A[i] * B[:, j]).sum()) for j in range(B.shape[1])]
                    for i in range(A.shape[0])]
            return torch.tensor(rows, dtype=A.dtype)
        ''', expect="not differentiable"),
    Mistake("mm_matmul", M, "mm", '''
        def mm(A, B):
            return torch.matmul(A, B)
        ''', expect="torch.matmul"),
    # --------------------------------------------------------------------------------- norms
    Mistake("l1_without_abs", M, "l1_norm", '''
        def l1_norm(x):
            return x.sum()
        ''', expect="sums the absolute values"),
    Mistake("l1_abs_of_sum", M, "l1_norm", '''
        def l1_norm(x):
            return torch.abs(x.sum())
        ''', expect="absolute value of the sum"),
    Mistake("l1_torch_norm", M, "l1_norm", '''
        def l1_norm(x):
            return torch.norm(x, p=1)
        ''', expect="torch.norm"),
    Mistake("l2_squared", M, "l2_norm", '''
        def l2_norm(x):
            return (x ** 2).sum()
        ''', expect="squared norm"),
    Mistake("l2_math_sqrt", M, "l2_norm", '''
        import math

        def l2_norm(x):
            return math.sqrt((x ** 2).sum())
        ''', expect="no math.sqrt"),
    Mistake("l2_tensor_norm", M, "l2_norm", '''
        def l2_norm(x):
            return x.norm()
        ''', expect="norm"),
    Mistake("frobenius_per_row", M, "frobenius_norm", '''
        def frobenius_norm(X):
            return torch.sqrt((X ** 2).sum(axis=1))
        ''', expect="one norm per row"),
    Mistake("frobenius_no_sqrt", M, "frobenius_norm", '''
        def frobenius_norm(X):
            return (X * X).sum()
        ''', expect="take its square root"),
    Mistake("frobenius_linalg", M, "frobenius_norm", '''
        def frobenius_norm(X):
            return torch.linalg.norm(X)
        ''', expect="linalg"),
    # ------------------------------------------------------------------------- numerical_lim
    Mistake("numlim_precedence", M, "numerical_lim", '''
        def numerical_lim(f, x, h):
            return f(x + h) - f(x) / h
        ''', expect="only f(x) was divided by h"),
    Mistake("numlim_central", M, "numerical_lim", '''
        def numerical_lim(f, x, h):
            return (f(x + h) - f(x - h)) / (2 * h)
        ''', expect="central difference"),
    Mistake("numlim_sign", M, "numerical_lim", '''
        def numerical_lim(f, x, h):
            return (f(x) - f(x + h)) / h
        ''', expect="sign is flipped"),
    Mistake("numlim_autograd", M, "numerical_lim", '''
        def numerical_lim(f, x, h):
            t = torch.as_tensor(x, dtype=torch.float64).clone().requires_grad_(True)
            f(t).sum().backward()
            return t.grad if isinstance(x, torch.Tensor) else float(t.grad)
        ''', expect="derivative"),
    # ------------------------------------------------------------------------------ autograd
    Mistake("grad_2xTx_without_the_2", M, "grad_of_2xTx", '''
        def grad_of_2xTx(x):
            x = x.detach().clone().requires_grad_(True)
            y = torch.dot(x, x)
            y.backward()
            return x.grad
        ''', expect="the factor 2 is missing"),
    Mistake("grad_2xTx_by_hand", M, "grad_of_2xTx", '''
        def grad_of_2xTx(x):
            return 4 * x
        ''', expect="without running autograd"),
    Mistake("grad_2xTx_accumulates", M, "grad_of_2xTx", '''
        def grad_of_2xTx(x):
            x.requires_grad_(True)
            y = 2 * torch.dot(x, x)
            y.backward()
            return x.grad
        ''', expect="twice the gradient"),
    Mistake("grad_2xTx_no_requires_grad", M, "grad_of_2xTx", '''
        def grad_of_2xTx(x):
            y = 2 * torch.dot(x, x)
            y.backward()
            return x.grad
        ''', expect="arrives without gradients"),
    Mistake("grad_2xTx_returns_y", M, "grad_of_2xTx", '''
        def grad_of_2xTx(x):
            x = x.detach().clone().requires_grad_(True)
            y = 2 * torch.dot(x, x)
            y.backward()
            return y
        ''', expect="not the value you backpropagated"),
    Mistake("grad_sum_mean", M, "grad_of_sum", '''
        def grad_of_sum(x):
            x = x.detach().clone().requires_grad_(True)
            y = x * x
            y.mean().backward()
            return x.grad
        ''', expect="y.mean()"),
    Mistake("grad_sum_backward_x", M, "grad_of_sum", '''
        def grad_of_sum(x):
            x = x.detach().clone().requires_grad_(True)
            y = x * x
            y.backward(x)
            return x.grad
        ''', expect="y.backward(x)"),
    Mistake("grad_sum_backward_on_a_vector", M, "grad_of_sum", '''
        def grad_of_sum(x):
            x = x.detach().clone().requires_grad_(True)
            y = x * x
            y.backward()
            return x.grad
        ''', expect="only for scalar outputs"),
    Mistake("detach_result_discarded", M, "detach_grad", '''
        def detach_grad(x):
            x = x.detach().clone().requires_grad_(True)
            y = x * x
            u = y
            u.detach()
            z = u * x
            z.sum().backward()
            return x.grad
        ''', expect="detach() returns a new tensor"),
    Mistake("detach_returns_comparison", M, "detach_grad", '''
        def detach_grad(x):
            x = x.detach().clone().requires_grad_(True)
            y = x * x
            u = y.detach()
            z = u * x
            z.sum().backward()
            return x.grad == u
        ''', expect="bool tensor"),
    Mistake("detach_accumulates", M, "detach_grad", '''
        def detach_grad(x):
            x.requires_grad_(True)
            u = (x * x).detach()
            (u * x).sum().backward()
            return x.grad
        ''', expect="twice the gradient"),
    Mistake("control_flow_by_hand", M, "control_flow_grad", '''
        def control_flow_grad(a):
            def f(a):
                b = a * 2
                while b.norm() < 1000:
                    b = b * 2
                if b.sum() > 0:
                    c = b
                else:
                    c = 100 * b
                return c
            return f(a) / a
        ''', expect="without running autograd"),
    Mistake("control_flow_returns_d", M, "control_flow_grad", '''
        def control_flow_grad(a):
            def f(a):
                b = a * 2
                while b.norm() < 1000:
                    b = b * 2
                if b.sum() > 0:
                    c = b
                else:
                    c = 100 * b
                return c
            a = a.detach().clone().requires_grad_(True)
            d = f(a)
            d.backward()
            return d
        ''', expect="that is f(a), the value"),
    Mistake("control_flow_accumulates", M, "control_flow_grad", '''
        def control_flow_grad(a):
            def f(a):
                b = a * 2
                while b.norm() < 1000:
                    b = b * 2
                if b.sum() > 0:
                    c = b
                else:
                    c = 100 * b
                return c
            a.requires_grad_(True)
            f(a).backward()
            return a.grad
        ''', expect="twice the gradient"),
]

VARIANTS = [
    Variant("csv_float32_dictreader", M, "csv_to_tensors", '''
        import csv

        def csv_to_tensors(path):
            with open(path) as handle:
                reader = csv.DictReader(handle)
                records = list(reader)
                names = reader.fieldnames
            numeric, dummies = [], []
            for name in names[:-1]:
                values = [r[name] for r in records]
                known = [v for v in values if v != "NA"]
                try:
                    numbers = [float(v) for v in known]
                except ValueError:
                    for level in sorted(set(known)):
                        dummies.append([float(v == level) for v in values])
                    dummies.append([float(v == "NA") for v in values])
                    continue
                mean = sum(numbers) / len(numbers)
                numeric.append([mean if v == "NA" else float(v) for v in values])
            X = torch.tensor(numeric + dummies).T
            y = torch.tensor([float(r[names[-1]]) for r in records])
            return X, y
        '''),
    Variant("normalize_reshape", M, "normalize_rows", '''
        def normalize_rows(A):
            return A / A.sum(1).reshape(-1, 1)
        '''),
    Variant("normalize_transposes", M, "normalize_rows", '''
        def normalize_rows(A):
            return (A.T / A.T.sum(axis=0)).T
        '''),
    Variant("dot_builtin_sum", M, "dot", '''
        def dot(x, y):
            return sum(x * y)
        '''),
    Variant("dot_loop", M, "dot", '''
        def dot(x, y):
            total = 0
            for a, b in zip(x, y):
                total = total + a * b
            return total
        '''),
    Variant("mv_stack_of_dots", M, "mv", '''
        def mv(A, x):
            return torch.stack([dot(row, x) for row in A])
        '''),
    Variant("mv_explicit_broadcast", M, "mv", '''
        def mv(A, x):
            return torch.sum(A * x.reshape(1, -1), dim=1)
        '''),
    Variant("mm_loops", M, "mm", '''
        def mm(A, B):
            C = torch.zeros(A.shape[0], B.shape[1], dtype=A.dtype)
            for i in range(A.shape[0]):
                for j in range(B.shape[1]):
                    C[i, j] = (A[i] * B[:, j]).sum()
            return C
        '''),
    Variant("mm_columns_by_mv", M, "mm", '''
        def mm(A, B):
            return torch.stack([mv(A, B[:, j]) for j in range(B.shape[1])], dim=1)
        '''),
    Variant("l1_builtin_abs", M, "l1_norm", '''
        def l1_norm(x):
            return sum(abs(v) for v in x)
        '''),
    Variant("l2_power_half", M, "l2_norm", '''
        def l2_norm(x):
            return (x * x).sum() ** 0.5
        '''),
    Variant("l2_own_dot", M, "l2_norm", '''
        def l2_norm(x):
            return torch.sqrt(dot(x, x))
        '''),
    Variant("frobenius_flattened", M, "frobenius_norm", '''
        def frobenius_norm(X):
            return l2_norm(X.reshape(-1))
        '''),
    Variant("numlim_reciprocal", M, "numerical_lim", '''
        def numerical_lim(f, x, h):
            rise = f(x + h) - f(x)
            return rise * (1 / h)
        '''),
    Variant("grad_2xTx_books_zeroing", M, "grad_of_2xTx", '''
        def grad_of_2xTx(x):
            x.requires_grad_(True)
            if x.grad is not None:
                x.grad.zero_()
            y = 2 * torch.dot(x, x)
            y.backward()
            return x.grad
        '''),
    Variant("grad_2xTx_autograd_grad", M, "grad_of_2xTx", '''
        def grad_of_2xTx(x):
            x = x.detach().requires_grad_(True)
            return torch.autograd.grad(2 * (x * x).sum(), x)[0]
        '''),
    Variant("grad_sum_ones", M, "grad_of_sum", '''
        def grad_of_sum(x):
            x = x.clone().requires_grad_(True)
            y = x * x
            y.backward(gradient=torch.ones_like(y))
            return x.grad
        '''),
    Variant("detach_of_x", M, "detach_grad", '''
        def detach_grad(x):
            x = x.detach().clone().requires_grad_(True)
            u = x.detach() * x.detach()
            z = u * x
            z.backward(torch.ones_like(z))
            return x.grad
        '''),
    Variant("detach_in_place", M, "detach_grad", '''
        def detach_grad(x):
            x = x.detach().clone().requires_grad_(True)
            y = x * x
            u = y.detach_()
            (u * x).sum().backward()
            return x.grad
        '''),
    Variant("control_flow_module_f_and_autograd_grad", M, "control_flow_grad", '''
        def f(a):
            b = a * 2
            while b.norm() < 1000:
                b = b * 2
            if b.sum() > 0:
                c = b
            else:
                c = 100 * b
            return c

        def control_flow_grad(a):
            a = a.detach().clone().requires_grad_(True)
            return torch.autograd.grad(f(a), a)[0]
        '''),
]
