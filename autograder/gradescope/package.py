"""Build the Gradescope autograder zip: setup.sh and run_autograder at its root, a wheel of this
grader, the Fashion-MNIST files and gradescope.json (the instructor's options).

The wheel is built offline (``pip wheel --no-deps --no-build-isolation --no-index``) from a copy
of this project's checkout, so the checkout gains no build/ or egg-info folders.
"""
from __future__ import annotations

import dataclasses
import importlib.metadata
import os
import shutil
import stat
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

from autograder.data import locate_fashion_mnist
from autograder.data.fashion_mnist import RAW_FILES
from autograder.errors import GradingError
from autograder.gradescope.config import CONFIG_NAME, GradescopeConfig

PACKAGE = Path(__file__).resolve().parents[1]
TEMPLATES = Path(__file__).with_name("templates")
PROJECT_FILES = ("pyproject.toml", "README.md")
PIP_TIMEOUT_S = 300


class PackagingError(GradingError):
    """The zip cannot be built; the message is one line."""


def project_root() -> Path:
    """The checkout holding this grader (pyproject.toml beside the package)."""
    root = PACKAGE.parent
    if not all((root / name).is_file() for name in PROJECT_FILES):
        raise PackagingError(f"{root} is not a checkout of d2l-autograder (no pyproject.toml): run "
                             "`autograder gradescope` from the project's repository")
    return root


def build_wheel(dest: Path) -> Path:
    """A wheel of this project in ``dest``, built without the network."""
    root = project_root()
    with tempfile.TemporaryDirectory(prefix="d2l-wheel-") as tmp:
        copy = Path(tmp) / "project"
        copy.mkdir()
        for name in PROJECT_FILES:
            shutil.copy2(root / name, copy / name)
        shutil.copytree(PACKAGE, copy / PACKAGE.name,
                        ignore=shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info"))
        cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation",
               "--no-index", "--disable-pip-version-check", "-q", "-w", str(dest), str(copy)]
        env = {**os.environ, "PIP_NO_INPUT": "1"}
        try:
            done = subprocess.run(cmd, capture_output=True, text=True, timeout=PIP_TIMEOUT_S, env=env)
        except subprocess.TimeoutExpired:
            raise PackagingError(f"pip wheel took longer than {PIP_TIMEOUT_S} s") from None
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["failed"])[-1]
        raise PackagingError(f"pip wheel failed: {last}")
    wheels = sorted(Path(dest).glob("d2l_autograder-*.whl"))
    if len(wheels) != 1:
        raise PackagingError(f"pip wheel left {len(wheels)} wheels in {dest}, expected one")
    return wheels[0]


def _version(distribution: str) -> str:
    """The installed version of ``distribution``, without a local label (2.4.1+cu121 -> 2.4.1)."""
    try:
        return importlib.metadata.version(distribution).split("+")[0]
    except importlib.metadata.PackageNotFoundError:
        raise PackagingError(f"{distribution} is not installed here, so setup.sh cannot pin it") from None


def setup_script(wheel_name: str, torch_version: str, torchvision_version: str) -> str:
    """setup.sh with the wheel and the torch pair filled in."""
    text = (TEMPLATES / "setup.sh").read_text()
    for key, value in (("@WHEEL@", wheel_name), ("@TORCH_VERSION@", torch_version),
                       ("@TORCHVISION_VERSION@", torchvision_version)):
        text = text.replace(key, value)
    return text


def _add(archive: zipfile.ZipFile, name: str, data: bytes, executable: bool = False) -> None:
    info = zipfile.ZipInfo(name, date_time=(2024, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    mode = 0o755 if executable else 0o644
    info.external_attr = (stat.S_IFREG | mode) << 16
    archive.writestr(info, data)


def build_zip(out: Path, config: GradescopeConfig, data_dir: Path | None = None) -> Path:
    """Write the autograder zip to ``out`` (atomically) and return it."""
    from autograder.data import DataNotFound

    out = Path(out)
    try:
        data_root = locate_fashion_mnist(data_dir, allow_download=False)
    except DataNotFound as exc:
        raise PackagingError(str(exc)) from None
    config = dataclasses.replace(config, grader_version=_version("d2l-autograder"),
                                 torch_version=_version("torch"),
                                 torchvision_version=_version("torchvision"))
    raw = data_root / "FashionMNIST" / "raw"
    with tempfile.TemporaryDirectory(prefix="d2l-gradescope-zip-") as tmp:
        wheel = build_wheel(Path(tmp))
        partial = out.with_name(f".{out.name}.{os.getpid()}.part")
        try:
            with zipfile.ZipFile(partial, "w") as archive:
                _add(archive, "setup.sh", setup_script(wheel.name, config.torch_version,
                                                      config.torchvision_version).encode(), True)
                _add(archive, "run_autograder", (TEMPLATES / "run_autograder").read_bytes(), True)
                _add(archive, CONFIG_NAME, config.to_json().encode())
                _add(archive, wheel.name, wheel.read_bytes())
                for name in RAW_FILES:
                    _add(archive, f"data/{name}", (raw / name).read_bytes())
            partial.replace(out)
        finally:
            partial.unlink(missing_ok=True)
    return out
