"""The public contract: which exercise module holds which function (names fixed by the book)."""
from __future__ import annotations

MODULES: dict[str, tuple[str, ...]] = {
    "preliminaries": (
        "csv_to_tensors", "normalize_rows", "dot", "mv", "mm", "l1_norm", "l2_norm",
        "frobenius_norm", "numerical_lim", "grad_of_2xTx", "grad_of_sum", "detach_grad",
        "control_flow_grad"),
    "linear_regression": (
        "synthetic_data", "data_iter", "linreg", "squared_loss", "sgd", "load_array"),
    "softmax_regression": (
        "softmax", "cross_entropy", "accuracy", "Accumulator", "evaluate_accuracy",
        "train_epoch_ch3", "get_fashion_mnist_labels", "load_data_fashion_mnist", "train_ch3",
        "predict_ch3", "init_weights", "concise_softmax_net"),
    "mlp": (
        "relu", "init_mlp_params", "mlp", "dropout_layer", "init_dropout_mlp_params", "dropout_mlp",
        "sigmoid", "sigmoid_grad", "tanh", "tanh_grad", "xavier_init"),
    "regularization": ("l2_penalty", "l1_loss", "huber_loss", "get_k_fold_data", "train_concise",
                       "log_rmse", "get_net", "train_house", "k_fold"),
    "model_selection": ("poly_features", "evaluate_loss", "train_poly"),
    "optimizers": (
        "init_momentum_states", "sgd_momentum", "init_rmsprop_states", "rmsprop",
        "init_adam_states", "adam"),
}

MODULE_OF: dict[str, str] = {fn: mod for mod, fns in MODULES.items() for fn in fns}
FUNCTIONS: tuple[str, ...] = tuple(MODULE_OF)

# First line of a module the grader wrote from a notebook: the worker then runs definitions only.
NOTEBOOK_HEADER = "# d2l-autograder: converted from"

# The signatures the grader calls, as in solutions/ (a test keeps them equal), for the messages
# about a wrong signature: "the grader calls sgd(params, lr, batch_size); yours is sgd(params, lr)".
SIGNATURES: dict[str, str] = {
    "csv_to_tensors": "(path)",
    "normalize_rows": "(A)",
    "dot": "(x, y)",
    "mv": "(A, x)",
    "mm": "(A, B)",
    "l1_norm": "(x)",
    "l2_norm": "(x)",
    "frobenius_norm": "(X)",
    "numerical_lim": "(f, x, h)",
    "grad_of_2xTx": "(x)",
    "grad_of_sum": "(x)",
    "detach_grad": "(x)",
    "control_flow_grad": "(a)",
    "synthetic_data": "(w, b, num_examples)",
    "data_iter": "(batch_size, features, labels)",
    "linreg": "(X, w, b)",
    "squared_loss": "(y_hat, y)",
    "sgd": "(params, lr, batch_size)",
    "load_array": "(data_arrays, batch_size, is_train=True)",
    "softmax": "(X)",
    "cross_entropy": "(y_hat, y)",
    "accuracy": "(y_hat, y)",
    "Accumulator": "(n)",
    "Accumulator.add": "(self, *args)",
    "Accumulator.reset": "(self)",
    "Accumulator.__getitem__": "(self, idx)",
    "evaluate_accuracy": "(net, data_iter)",
    "train_epoch_ch3": "(net, train_iter, loss, updater)",
    "train_ch3": "(net, train_iter, test_iter, loss, num_epochs, updater)",
    "get_fashion_mnist_labels": "(labels)",
    "predict_ch3": "(net, test_iter, n=6)",
    "load_data_fashion_mnist": "(batch_size, resize=None)",
    "init_weights": "(m)",
    "concise_softmax_net": "()",
    "relu": "(X)",
    "init_mlp_params": "(num_inputs, num_hiddens, num_outputs)",
    "mlp": "(X, params)",
    "dropout_layer": "(X, dropout)",
    "init_dropout_mlp_params": "(num_inputs, num_hiddens1, num_hiddens2, num_outputs)",
    "dropout_mlp": "(X, params, dropout1, dropout2, training=True)",
    "sigmoid": "(X)",
    "sigmoid_grad": "(X)",
    "tanh": "(X)",
    "tanh_grad": "(X)",
    "xavier_init": "(num_inputs, num_outputs)",
    "l2_penalty": "(w)",
    "l1_loss": "(y_hat, y)",
    "huber_loss": "(y_hat, y, delta=1.0)",
    "get_k_fold_data": "(k, i, X, y)",
    "train_concise": "(wd, train_iter, num_inputs, num_epochs=100, lr=0.003)",
    "log_rmse": "(net, features, labels)",
    "get_net": "(in_features)",
    "train_house": "(net, train_features, train_labels, test_features, test_labels, num_epochs, "
                   "learning_rate, weight_decay, batch_size)",
    "k_fold": "(k, X_train, y_train, num_epochs, learning_rate, weight_decay, batch_size)",
    "poly_features": "(x, max_degree)",
    "evaluate_loss": "(net, data_iter, loss)",
    "train_poly": "(train_features, test_features, train_labels, test_labels, num_epochs=400)",
    "init_momentum_states": "(feature_dim)",
    "sgd_momentum": "(params, states, hyperparams)",
    "init_rmsprop_states": "(feature_dim)",
    "rmsprop": "(params, states, hyperparams)",
    "init_adam_states": "(feature_dim)",
    "adam": "(params, states, hyperparams)",
}
