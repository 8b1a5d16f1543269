"""Image-folder sources: order, labels, and every bad image named by its path."""

import numpy as np
import pytest
from PIL import Image

from alexnet_cifar.data import load_cifar10
from alexnet_cifar.errors import DataError

from cifar_fixtures import make_image_folder


def test_reads_sorted_classes_and_files(tmp_path):
    root, arrays = make_image_folder(tmp_path)
    data = load_cifar10(root, progress=False)
    assert data.class_names == ["airplane", "automobile", "bird"]
    assert data.kind == "image-folder"
    for name, expected in arrays.items():
        np.testing.assert_array_equal(getattr(data, name), expected)


def test_wrong_size_image_is_named(tmp_path):
    root, _ = make_image_folder(tmp_path)
    bad = root / "train" / "bird" / "img_001.png"
    Image.new("RGB", (40, 32)).save(bad)
    with pytest.raises(DataError, match=r"bird/img_001.png: image is 40x32, expected 32x32"):
        load_cifar10(root, progress=False)


def test_unreadable_image_is_named(tmp_path):
    root, _ = make_image_folder(tmp_path)
    bad = root / "test" / "airplane" / "img_000.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n this is not a png")
    with pytest.raises(DataError, match=r"airplane/img_000.png: unreadable image"):
        load_cifar10(root, progress=False)


def test_class_folders_differ_between_splits(tmp_path):
    root, _ = make_image_folder(tmp_path)
    (root / "test" / "bird").rename(root / "test" / "birds")
    with pytest.raises(DataError, match=r"only in train: \['bird'\]; only in test: \['birds'\]"):
        load_cifar10(root, progress=False)


def test_empty_class_folder(tmp_path):
    root, _ = make_image_folder(tmp_path)
    for p in (root / "train" / "bird").iterdir():
        p.unlink()
    with pytest.raises(DataError, match=r"train/bird: class folder holds no images"):
        load_cifar10(root, progress=False)


def test_grayscale_images_become_rgb(tmp_path):
    root, _ = make_image_folder(tmp_path)
    Image.new("L", (32, 32), color=77).save(root / "train" / "bird" / "img_000.png")
    data = load_cifar10(root, progress=False)
    gray = data.x_train[data.y_train == 2][0]
    assert gray.shape == (32, 32, 3) and (gray == 77).all()


def test_a_class_of_one_image_and_a_decompression_bomb_are_one_line(tmp_path, monkeypatch):
    from PIL import Image

    from alexnet_cifar.data.imagefolder import _decode
    from alexnet_cifar.data.split import train_val_split
    from alexnet_cifar.errors import ConfigError, DataError
    from alexnet_cifar.predict import read_images

    labels = np.array([0] * 20 + [1] * 20 + [2])
    with pytest.raises(ConfigError, match=r"class\(es\) 2 have a single image .* at least 2"):
        train_val_split(labels, 0.2, 0)
    path = tmp_path / "bomb.png"
    Image.fromarray(np.zeros((32, 32, 3), np.uint8)).save(path)
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 100)  # 1,024 px is a "bomb" now
    with pytest.raises(DataError, match=r"bomb.png: unreadable image .*decompression bomb"):
        _decode(path, (32, 32))
    with pytest.raises(DataError, match=r"bomb.png: cannot read the image"):
        read_images([str(path)], 32)
