#!/usr/bin/env bash
# Gradescope runs this once, as root, when it builds the autograder image (Ubuntu 22.04).
# It installs Python 3.11, CPU-only torch, bubblewrap (where apt can) and this grader from the
# wheel in the zip. Written by `autograder gradescope`; the @...@ values were filled in then.
#
#   /opt/d2l-autograder/venv     Python 3.11 with torch and the grader's dependencies (world-readable:
#                                the worker running student code uses this Python)
#   /opt/d2l-autograder/grader   the grader itself (mode 0700: student code cannot read it)
#   /opt/d2l-autograder/data     Fashion-MNIST as a torchvision root (world-readable)
set -euo pipefail

SOURCE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
PREFIX=/opt/d2l-autograder
WHEEL="$SOURCE/@WHEEL@"
TORCH="torch==@TORCH_VERSION@"
TORCHVISION="torchvision==@TORCHVISION_VERSION@"
export DEBIAN_FRONTEND=noninteractive PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1

apt-get update -qq
if ! apt-get install -y -qq --no-install-recommends python3.11 python3.11-venv ca-certificates; then
  # Older images lack python3.11 in their archive: the deadsnakes PPA has it.
  apt-get install -y -qq --no-install-recommends software-properties-common gpg-agent
  add-apt-repository -y ppa:deadsnakes/ppa
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends python3.11 python3.11-venv
fi
# bubblewrap walls student code in where the container allows namespaces; where it does not
# (or apt cannot install it), run_autograder runs student code as uid 65534 instead.
apt-get install -y -qq --no-install-recommends bubblewrap \
  || echo "note: bubblewrap not installed; student code will run as an unprivileged user"

mkdir -p "$PREFIX"
chmod 0755 "$PREFIX"
python3.11 -m venv "$PREFIX/venv"
PY="$PREFIX/venv/bin/python"
"$PY" -m pip install -q --upgrade pip
"$PY" -m pip install -q --index-url https://download.pytorch.org/whl/cpu "$TORCH" "$TORCHVISION"
# The wheel with its dependencies into the venv, then the grader itself moved out of the venv,
# into a folder only root can read.
"$PY" -m pip install -q "$WHEEL" "$TORCH" "$TORCHVISION"
"$PY" -m pip uninstall -q -y d2l-autograder
"$PY" -m pip install -q --no-deps --target "$PREFIX/grader" "$WHEEL"
chown -R root:root "$PREFIX/grader"
chmod 0700 "$PREFIX/grader"
chmod -R a+rX "$PREFIX/venv"

PYTHONPATH="$PREFIX/grader" "$PY" -P -s - "$SOURCE/data" "$PREFIX/data" <<'PYTHON'
import sys
from pathlib import Path

from autograder.data import locate_fashion_mnist

locate_fashion_mnist(sys.argv[1], cache_dir=Path(sys.argv[2]), allow_download=False)
PYTHON
chmod -R a+rX "$PREFIX/data"

# Fail the build now, not at the first submission, if anything is missing.
PYTHONPATH="$PREFIX/grader" "$PY" -P -s -c "import torch, autograder.gradescope.run, autograder.worker.main"
chmod 0755 "$SOURCE/run_autograder"
echo "d2l-autograder installed in $PREFIX"
