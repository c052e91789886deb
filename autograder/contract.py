"""The public contract: which exercise module holds which function (names fixed by the book)."""
from __future__ import annotations

MODULES: dict[str, tuple[str, ...]] = {
    "linear_regression": (
        "synthetic_data", "data_iter", "linreg", "squared_loss", "sgd", "load_array"),
    "softmax_regression": (
        "softmax", "cross_entropy", "accuracy", "Accumulator", "evaluate_accuracy",
        "train_epoch_ch3", "get_fashion_mnist_labels", "load_data_fashion_mnist"),
    "mlp": (
        "relu", "init_mlp_params", "mlp", "dropout_layer", "init_dropout_mlp_params", "dropout_mlp"),
    "regularization": ("l2_penalty", "l1_loss", "huber_loss", "get_k_fold_data"),
}

MODULE_OF: dict[str, str] = {fn: mod for mod, fns in MODULES.items() for fn in fns}
FUNCTIONS: tuple[str, ...] = tuple(MODULE_OF)

# First line of a module the grader wrote from a notebook: the worker then runs definitions only.
NOTEBOOK_HEADER = "# d2l-autograder: converted from"
