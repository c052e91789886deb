"""Fashion-MNIST is found offline, laid out for torchvision, and a missing data set is one clear error."""
import gzip
import shutil

import pytest
import torchvision

from autograder.data import DataNotFound, load_grading_data, locate_fashion_mnist
from autograder.data import fashion_mnist as fm


@pytest.fixture
def real_root():
    return locate_fashion_mnist(allow_download=False)


def test_debian_files_fill_a_torchvision_root(tmp_path, monkeypatch):
    if not fm.DEBIAN_DIR.is_dir():
        pytest.fail("Debian's dataset-fashion-mnist is not installed: `make test` installs it")
    root = locate_fashion_mnist(cache_dir=tmp_path / "cache", allow_download=False)
    ds = torchvision.datasets.FashionMNIST(root=str(root), train=False, download=True)
    assert len(ds) == 10_000 and (root / "FashionMNIST" / "raw" / "t10k-images-idx3-ubyte").is_file()


def test_explicit_flat_folder_of_gz_files(tmp_path, real_root):
    flat = tmp_path / "flat"
    flat.mkdir()
    for name in fm.RAW_FILES:
        with open(real_root / "FashionMNIST" / "raw" / name, "rb") as src, gzip.open(flat / f"{name}.gz", "wb", compresslevel=1) as dst:
            shutil.copyfileobj(src, dst)
    root = locate_fashion_mnist(flat, cache_dir=tmp_path / "cache", allow_download=False)
    assert load_grading_data(root, 5, 5).train_labels.tolist() == load_grading_data(real_root, 5, 5).train_labels.tolist()


def test_explicit_folder_without_data_names_what_it_needs(tmp_path):
    with pytest.raises(DataNotFound, match="no Fashion-MNIST files"):
        locate_fashion_mnist(tmp_path, cache_dir=tmp_path / "cache", allow_download=False)


def test_nothing_found_names_the_three_ways(tmp_path, monkeypatch):
    monkeypatch.setattr(fm, "DEBIAN_DIR", tmp_path / "absent")
    monkeypatch.delenv(fm.DATA_ENV_VAR, raising=False)
    with pytest.raises(DataNotFound) as info:
        locate_fashion_mnist(cache_dir=tmp_path / "cache", allow_download=False)
    message = str(info.value)
    assert "--data-dir" in message and "dataset-fashion-mnist" in message and "download" in message
    assert "\n" not in message


def test_grading_subset_is_the_first_images(real_root):
    data = load_grading_data(real_root)
    ds = torchvision.datasets.FashionMNIST(root=str(real_root), train=True, download=False)
    assert data.train_images.shape == (fm.N_TRAIN, 28, 28) and data.test_images.shape == (fm.N_TEST, 28, 28)
    assert (ds.data[: fm.N_TRAIN].numpy() == data.train_images).all()
    assert (ds.targets[: fm.N_TRAIN].numpy() == data.train_labels).all()
