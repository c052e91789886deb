"""Where the grader finds Fashion-MNIST offline, and the fixed subset it grades with."""
from autograder.data.fashion_mnist import (
    DATA_ENV_VAR,
    DataNotFound,
    GradingData,
    load_grading_data,
    locate_fashion_mnist,
)

__all__ = ["DATA_ENV_VAR", "DataNotFound", "GradingData", "load_grading_data", "locate_fashion_mnist"]
