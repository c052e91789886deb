"""Which student parts each chapter's convergence checks train with (shared by both halves)."""
from __future__ import annotations

# chapter -> (the parts swapped in one at a time among reference parts, the parts of the
# end-to-end run). The first part of each end-to-end list belongs to the chapter's own module.
CHAPTERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "linear_regression": (("synthetic_data", "data_iter", "linreg", "squared_loss", "sgd"),
                          ("synthetic_data", "data_iter", "linreg", "squared_loss", "sgd")),
    "softmax_regression": (("softmax", "cross_entropy", "train_epoch_ch3"),
                           ("softmax", "cross_entropy", "train_epoch_ch3", "sgd")),
    "mlp": (("relu", "init_mlp_params", "mlp"),
            ("relu", "init_mlp_params", "mlp", "train_epoch_ch3")),
    "dropout": (("dropout_layer", "init_dropout_mlp_params", "dropout_mlp"),
                ("relu", "dropout_layer", "init_dropout_mlp_params", "dropout_mlp", "train_epoch_ch3")),
    "weight_decay": (("l2_penalty",), ("l2_penalty", "linreg", "squared_loss", "sgd")),
}
