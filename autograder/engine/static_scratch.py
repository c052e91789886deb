"""Read a from-scratch function's source, in the trusted process, for the library shortcut it names.

The worker's from-scratch checks watch which torch functions run, but student code shares the
worker's process and can tell when it is watched. This half needs no execution: it parses the
submission's file (``ast``) and looks inside the function's own body for the shortcut, by
attribute (``torch.relu``, ``F.relu``, ``X.relu()``, ``nn.ReLU``), by an imported alias
(``from torch.nn.functional import relu as r``) or by ``getattr(torch, "relu")``; for the products
also the operator ``@``, and for numerical_lim any use of torch.autograd or torch.func.
"""
from __future__ import annotations

import ast
from pathlib import Path

from autograder.contract import MODULE_OF
from autograder.engine.static_probes import parse_what_runs, submitted_source

# The last component of a library name that defeats the exercise, by exercise function.
SHORTCUTS: dict[str, frozenset[str]] = {
    "relu": frozenset({"relu", "relu_", "ReLU"}),
    "softmax": frozenset({"softmax", "log_softmax", "Softmax", "LogSoftmax"}),
    "cross_entropy": frozenset({"cross_entropy", "nll_loss", "CrossEntropyLoss", "NLLLoss"}),
    "dropout_layer": frozenset({"dropout", "dropout_", "alpha_dropout", "feature_dropout", "Dropout"}),
    "sgd": frozenset({"SGD"}),
    "sgd_momentum": frozenset({"SGD"}),
    "rmsprop": frozenset({"RMSprop"}),
    "adam": frozenset({"Adam", "AdamW", "adam", "NAdam"}),
    **dict.fromkeys(("dot", "mv", "mm"), frozenset({
        "dot", "vdot", "inner", "mv", "mm", "matmul", "bmm", "einsum", "tensordot", "addmm",
        "addmv", "addbmm", "baddbmm", "chain_matmul", "multi_dot", "vecdot", "linear", "bilinear",
        "Linear", "Bilinear"})),
    **dict.fromkeys(("l1_norm", "l2_norm", "frobenius_norm"), frozenset({
        "norm", "vector_norm", "matrix_norm", "frobenius_norm", "nuclear_norm", "dist", "cdist",
        "pdist", "pairwise_distance"})),
    "numerical_lim": frozenset({"backward", "jacobian", "hessian", "vjp", "jvp", "hvp", "vhp",
                                "jacrev", "jacfwd"}),
    "sigmoid": frozenset({"sigmoid", "sigmoid_", "expit", "Sigmoid", "logistic"}),
    "tanh": frozenset({"tanh", "tanh_", "Tanh"}),
    "xavier_init": frozenset({"xavier_uniform_", "xavier_normal_", "xavier_uniform", "xavier_normal"}),
    # the derivatives come from their formula, not from autograd
    **dict.fromkeys(("sigmoid_grad", "tanh_grad"), frozenset({"backward", "jacobian", "vjp", "jvp",
                                                              "jacrev", "jacfwd"})),
}
# The operator that is a shortcut (``x @ y`` is the matrix product), by exercise function.
OPERATORS: dict[str, type[ast.operator]] = dict.fromkeys(("dot", "mv", "mm"), ast.MatMult)
# Modules any use of which is a shortcut (``torch.func.grad``, ``from torch.autograd import grad``).
MODULES_USED: dict[str, tuple[str, ...]] = {
    "numerical_lim": ("torch.autograd", "torch.func", "functorch")}


def _imported_aliases(tree: ast.Module) -> dict[str, str]:
    """local name -> the dotted name it was imported as, for imports anywhere in the module."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            for name in node.names:
                aliases[name.asname or name.name] = f"{node.module}.{name.name}"
    return aliases


def _module_aliases(tree: ast.Module) -> dict[str, str]:
    """local name -> module, for ``import a.b as c`` (c -> a.b) and ``import a.b`` (a -> a)."""
    aliases: dict[str, str] = {}
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for name in node.names:
                local = name.asname or name.name.split(".")[0]
                aliases[local] = name.name if name.asname else local
    return aliases


def _dotted(node: ast.expr, aliases: dict[str, str]) -> str | None:
    """``torch.func.grad`` for an attribute chain on a name, its head resolved through imports."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if not isinstance(node, ast.Name):
        return None
    return ".".join([aliases.get(node.id, node.id), *reversed(parts)])


def _definition(tree: ast.Module, function: str) -> ast.FunctionDef | None:
    """The definition that wins: the last one at the top level, else the last one anywhere."""
    top = [n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name == function]
    if top:
        return top[-1]
    found = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef) and n.name == function]
    return found[-1] if found else None


def shortcuts_in(source: str, function: str) -> list[tuple[str, int]]:
    """(what is used, line) for each library shortcut inside ``function``'s body; [] when the
    source does not parse or does not define it (other checks report that)."""
    names = SHORTCUTS.get(function)
    if not names:
        return []
    tree = parse_what_runs(source)
    definition = _definition(tree, function)
    if definition is None:
        return []
    aliases = _imported_aliases(tree)
    modules = MODULES_USED.get(function, ())
    everything = {**_module_aliases(tree), **aliases}
    operator = OPERATORS.get(function)
    inner = {id(n.value) for n in ast.walk(definition) if isinstance(n, ast.Attribute)}
    found: list[tuple[str, int]] = []
    for node in ast.walk(definition):
        if operator is not None and isinstance(node, (ast.BinOp, ast.AugAssign)) \
                and isinstance(node.op, operator):
            found.append(("@", node.lineno))
        if modules and isinstance(node, (ast.Attribute, ast.Name)) and id(node) not in inner \
                and not isinstance(node.ctx, ast.Store):
            dotted = _dotted(node, everything)
            if dotted and any(dotted == m or dotted.startswith(m + ".") for m in modules):
                found.append((ast.unparse(node) if isinstance(node, ast.Attribute)
                              else f"{node.id} ({dotted})", node.lineno))
                continue
        if isinstance(node, ast.Attribute) and node.attr in names:
            found.append((ast.unparse(node), node.lineno))
        elif (isinstance(node, ast.Name) and node.id in aliases
              and aliases[node.id].rsplit(".", 1)[-1] in names and aliases[node.id].startswith("torch")):
            found.append((f"{node.id} ({aliases[node.id]})", node.lineno))
        elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "getattr"
              and len(node.args) >= 2 and isinstance(node.args[1], ast.Constant)
              and node.args[1].value in names):
            found.append((ast.unparse(node), node.lineno))
    unique = list(dict.fromkeys(found))
    return unique


def static_from_scratch_failures(package_dir: Path, functions) -> dict[str, str]:
    """function -> the message for each from-scratch function whose source uses a shortcut."""
    failures: dict[str, str] = {}
    for function in functions:
        source = submitted_source(package_dir, MODULE_OF[function])
        if source is None:
            continue
        path = Path(package_dir) / f"{MODULE_OF[function]}.py"
        used = shortcuts_in(source, function)
        if used:
            where = ", ".join(f"{what} (line {line})" for what, line in used[:3])
            failures[function] = (f"{function} uses {where} in {path.name}: the exercise is to write "
                                  f"{function} yourself, so a library shortcut earns nothing for "
                                  f"{function}")
    return failures
