"""Verdict halves for preliminaries, part 1: csv_to_tensors and normalize_rows, and the helpers the
other parts share (products and norms: verdicts/preliminaries_linalg.py; numerical_lim and the
autograd functions: verdicts/preliminaries_calculus.py).

Each verdict rebuilds the scenario's inputs from the seed (autograder.inputs.preliminaries),
computes what was expected with torch (the CSV tables: from their text, as pandas' get_dummies and
fillna would) and names the classic mistake when the result is what that mistake gives.
"""
from __future__ import annotations

from typing import Any, Callable

import torch

from autograder.inputs import preliminaries as inputs
from autograder.verdicts.expect import close, mismatch, show, type_name
from autograder.verdicts.registry import Fail, verdict

F64 = torch.float64


# ------------------------------------------------------------------------------------ helpers

def cases_of(obs: Any, count: int, who: str) -> list[dict]:
    """The per-call observations, or Fail when they cannot be read."""
    cases = obs.get("cases") if isinstance(obs, dict) else None
    if not isinstance(cases, list) or len(cases) != count \
            or not all(isinstance(c, dict) for c in cases):
        raise Fail(f"{who}: the results could not be read back")
    return cases


def returned(case: dict, who: str, call: str) -> Any:
    """What one call returned; Fail with the exception when it raised."""
    error = case.get("error")
    if isinstance(error, str) and error:
        raise Fail(f"{who} raised {error} for {call}")
    return case.get("out")


STAY_IN_TORCH = "stay in torch (torch.sqrt, .sum(); no math.sqrt, .item() or float())"


def result_tensor(got: Any, who: str, call: str, shape: tuple[int, ...], dtype: torch.dtype,
                  advice: str = "", number_advice: str = STAY_IN_TORCH) -> torch.Tensor:
    """``got`` as a tensor of ``shape`` and ``dtype``, or Fail saying what came back instead."""
    want = "a 0-d tensor" if shape == () else f"a tensor of shape {shape}"
    if isinstance(got, float) or isinstance(got, int) and not isinstance(got, bool):
        raise Fail(f"{who} returned a Python number ({got:.6g}) for {call}, expected {want}: "
                   f"{number_advice}")
    if not isinstance(got, torch.Tensor):
        raise Fail(f"{who} returned {type_name(got)} for {call}, expected {want}")
    if tuple(got.shape) != shape:
        raise Fail(f"{who} returned shape {tuple(got.shape)} for {call}, expected {want}"
                   + (f": {advice}" if advice else ""))
    if got.dtype != dtype:
        raise Fail(f"{who} returned dtype {got.dtype} for {call} of dtype {dtype}: keep the "
                   "inputs' dtype (no .float(), .double() or torch.tensor(...) re-wrapping)")
    return got


def agrees(got: torch.Tensor, expected: torch.Tensor, scale: torch.Tensor | float,
           dtype: torch.dtype, rtol: float | None = None) -> bool:
    """Equal up to rounding: |got - expected| <= rtol * scale entrywise (scale: the size of what
    was summed), rtol 1e-5 for float32 and 1e-10 for float64 unless given."""
    expected = torch.as_tensor(expected, dtype=F64)
    if not isinstance(got, torch.Tensor) or tuple(got.shape) != tuple(expected.shape):
        return False
    if rtol is None:
        rtol = 1e-5 if dtype == torch.float32 else 1e-10
    gap = (got.detach().double() - expected.double()).abs()
    return bool(torch.isfinite(gap).all()) and bool((gap <= rtol * scale + 1e-300).all())


def named_mistake(got: torch.Tensor, wrong: list[tuple[Callable[[], torch.Tensor], str]], scale,
                  dtype, rtol: float | None = None) -> str:
    """The hint of the first mistake ``got`` equals (shape included), or "". Each mistake is a
    function giving what it computes; one that cannot be computed for these shapes is skipped."""
    for value, hint in wrong:
        try:
            made = value()
        except RuntimeError:  # e.g. A * B for shapes that do not broadcast
            continue
        if agrees(got, made, scale, dtype, rtol):
            return hint
    return ""


def from_scratch(obs: Any, function: str, allowed: str) -> None:
    seen = obs.get("seen") if isinstance(obs, dict) else None
    if not isinstance(seen, list):
        raise Fail(f"the library calls made by {function} could not be read back")
    if seen:
        names = ", ".join(s if isinstance(s, str) else "(unreadable)" for s in seen)
        raise Fail(f"{function} calls {names}: the exercise is to write {function} yourself "
                   f"({allowed} are fine), so a library shortcut earns nothing for {function}")


# ----------------------------------------------------------------------------- csv_to_tensors

def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def encode(table: inputs.Table, *, nan_column: bool = True, fill: str = "mean",
           order: str = "sorted", numeric_first: bool = True) -> tuple[torch.Tensor, list[str]]:
    """X (n, d) float64 and its column names, as get_dummies(dummy_na=True) then fillna(mean)
    make them; the keywords give what the classic mistakes make instead."""
    header, rows = table
    numeric, categorical = [], []
    for j, name in enumerate(header[:-1]):
        values = [row[j] for row in rows]
        present = [v for v in values if v != inputs.MISSING]
        if all(_number(v) is not None for v in present):
            numbers = [float(v) for v in present]
            filler = {"mean": sum(numbers) / len(numbers), "zero": 0.0, "nan": float("nan"),
                      "na_as_zero": sum(numbers) / len(values)}[fill]
            numeric.append(([filler if v == inputs.MISSING else float(v) for v in values], name))
            continue
        seen = list(dict.fromkeys(present))
        block = [([float(v == c) for v in values], f"{name}_{c}")
                 for c in (sorted(seen) if order == "sorted" else seen)]
        if nan_column:
            block.append(([float(v == inputs.MISSING) for v in values], f"{name}_nan"))
        categorical.append(block)
        if not numeric_first:
            numeric.extend(block)
    columns = numeric if not numeric_first else numeric + [c for b in categorical for c in b]
    X = torch.tensor([c for c, _ in columns], dtype=F64).T.reshape(len(rows), len(columns))
    return X, [name for _, name in columns]


def _file_text(table: inputs.Table, name: str) -> str:
    lines = inputs.csv_text(table).splitlines()
    shown = " / ".join(lines[:4]) + (" / ..." if len(lines) > 4 else "")
    return f"{name} ({shown})"


_CSV_MISTAKES = (
    (dict(nan_column=False), "there is no column for the missing values of a categorical column: "
     "get_dummies(dummy_na=True) adds a <column>_nan column (1 where the value is NA) after the "
     "categories of every categorical column"),
    (dict(fill="zero"), "the missing numbers were filled with 0: fill each numeric column's NA "
     "with the mean of that column's values (inputs.fillna(inputs.mean()))"),
    (dict(fill="nan"), "the missing numbers were left NaN: fill each numeric column's NA with "
     "the mean of that column's values"),
    (dict(fill="na_as_zero"), "the mean counted the NA rows as 0 (the sum divided by every row): "
     "the mean is over the values present only"),
    (dict(order="appearance"), "the categories are in the order they first appear: "
     "get_dummies sorts them (Grvl before Pave)"),
    (dict(numeric_first=False), "the columns are in the file's order: get_dummies keeps the "
     "numeric columns first and appends the one-hot blocks after them"),
)


def _check_table(case: dict, table: inputs.Table, name: str) -> None:
    header, rows = table
    call = f"the file {_file_text(table, name)}"
    got = returned(case, "csv_to_tensors", call)
    if not isinstance(got, list) or len(got) != 2:
        raise Fail(f"csv_to_tensors returned {type_name(got)} for {call}, expected a pair (X, y)")
    X, y = got
    n = len(rows)
    expected_y = torch.tensor([float(row[-1]) for row in rows], dtype=F64)
    for what, t in (("X", X), ("y", y)):
        if not isinstance(t, torch.Tensor):
            raise Fail(f"csv_to_tensors returned {type_name(t)} as {what} for {call}, expected a "
                       "float tensor")
        if not t.is_floating_point():
            raise Fail(f"csv_to_tensors returned {what} of dtype {t.dtype} for {call}: return "
                       "float tensors (torch.tensor(..., dtype=torch.float64))")
    if tuple(y.shape) != (n,):
        raise Fail(f"csv_to_tensors returned y of shape {tuple(y.shape)} for {call}, expected "
                   f"({n},): the last column ({header[-1]}), one value per row")
    if not close(y, expected_y, rtol=1e-6, atol=1e-6):
        raise mismatch("csv_to_tensors' y", call, y, expected_y,
                       f"y is the last column, {header[-1]}, as numbers")
    expected, names = encode(table)
    if tuple(X.shape) == tuple(expected.shape) and close(X, expected, rtol=1e-6, atol=1e-6):
        return
    for options, hint in _CSV_MISTAKES:
        wrong, _ = encode(table, **options)
        same = tuple(X.shape) == tuple(wrong.shape) and bool(
            torch.isclose(X.double(), wrong, rtol=1e-6, atol=1e-6, equal_nan=True).all())
        if same and not torch.equal(wrong, expected):
            raise mismatch("csv_to_tensors' X", call, X, expected, hint)
    if tuple(X.shape) != tuple(expected.shape):
        if tuple(X.shape) == (n, expected.shape[1] + 1):
            hint = f"X has one column too many: the last column, {header[-1]}, is y, not an input"
        else:
            hint = f"the {expected.shape[1]} columns of X are {', '.join(names)}"
        raise Fail(f"csv_to_tensors returned X of shape {tuple(X.shape)} for {call}, expected "
                   f"{tuple(expected.shape)}: {hint}")
    differs = [j for j in range(len(names))
               if not close(X[:, j], expected[:, j], rtol=1e-6, atol=1e-6)]
    raise mismatch("csv_to_tensors' X", call, X, expected,
                   f"its column {differs[0]}, {names[differs[0]]}, is not what get_dummies(dummy_na"
                   "=True) and fillna(mean) give (columns: " + ", ".join(names) + ")")


@verdict("csv_to_tensors.house_tiny")
def csv_to_tensors_house_tiny(obs, seed):
    [case] = cases_of(obs, 1, "csv_to_tensors")
    _check_table(case, inputs.HOUSE_TINY, "house_tiny.csv")


@verdict("csv_to_tensors.other_tables")
def csv_to_tensors_other_tables(obs, seed):
    tables = inputs.other_tables(seed)
    for i, (case, table) in enumerate(zip(cases_of(obs, len(tables), "csv_to_tensors"), tables)):
        _check_table(case, table, f"table_{i}.csv")


# ----------------------------------------------------------------------------- normalize_rows

@verdict("normalize_rows.values")
def normalize_rows_values(obs, seed):
    As = inputs.normalize_inputs(seed)
    for case, A in zip(cases_of(obs, len(As), "normalize_rows"), As):
        call = f"A = {show(A)}"
        got = result_tensor(returned(case, "normalize_rows", call), "normalize_rows", call,
                            tuple(A.shape), A.dtype)
        expected = torch.nn.functional.normalize(A.double(), p=1, dim=1)   # A > 0: rows sum to 1
        if agrees(got, expected, 1.0, A.dtype):
            continue
        D = A.double()
        wrong = [(lambda: D / D.sum(axis=1), "without keepdim=True the row sums have "
                  "shape (n,), which lines up with the columns: column j was divided by the sum "
                  "of row j. Use A / A.sum(axis=1, keepdim=True)"),
                 (lambda: D / D.sum(axis=0, keepdim=True), "each column was divided "
                  "by its sum (axis 0): rows are axis 1, A.sum(axis=1, keepdim=True)"),
                 (lambda: D / D.sum(), "every entry was divided by the sum of the "
                  "whole matrix: divide each row by its own sum, A.sum(axis=1, keepdim=True)"),
                 (lambda: D, "A came back unchanged: divide it by its row sums")]
        hint = named_mistake(got, wrong, 1.0, A.dtype)
        raise mismatch("normalize_rows", call, got, expected,
                       hint or "every row of the result sums to 1: A / A.sum(axis=1, keepdim=True)")


@verdict("normalize_rows.input_unchanged")
def normalize_rows_input_unchanged(obs, seed):
    As = inputs.normalize_inputs(seed)[:2]
    for case, A in zip(cases_of(obs, len(As), "normalize_rows"), As):
        error = case.get("error")
        if isinstance(error, str) and error:
            raise Fail(f"normalize_rows raised {error} for A = {show(A)}")
        after = case.get("A_after")
        if not isinstance(after, torch.Tensor) or not torch.equal(after, A):
            raise Fail(f"normalize_rows modified A in place: A = {show(A)} came back as "
                       f"{show(after)}. Return a new tensor, A / A.sum(axis=1, keepdim=True) "
                       "(no A /= ..., div_ or A[i] = ...)")
        if case.get("same_object") is True:
            raise Fail("normalize_rows returned A itself: return a new tensor")
