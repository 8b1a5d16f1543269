"""Resolution order, caching, download, the real copy, splits and statistics."""

import csv
import hashlib
import os
import warnings

import numpy as np
import pytest

from alexnet_cifar.data import load_cifar10, stratified_subset, train_val_split
from alexnet_cifar.data.stats import channel_mean_std
from alexnet_cifar.errors import ConfigError, DataError

from cifar_fixtures import file_md5, make_image_folder, make_official, real_cifar_dir


def test_missing_dir(tmp_path):
    with pytest.raises(DataError, match=r"--data-dir .*nope: no such file or folder"):
        load_cifar10(tmp_path / "nope", progress=False)


def test_empty_dir(tmp_path):
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match=r"empty: the folder is empty"):
        load_cifar10(tmp_path / "empty", progress=False)


def test_unrecognised_dir(tmp_path):
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("hi")
    with pytest.raises(DataError, match=r"not a CIFAR-10 source. Expected cifar-10-python"):
        load_cifar10(tmp_path / "other", progress=False)


def test_env_var_is_used_and_argument_wins(tmp_path, monkeypatch):
    env_root, env_arrays = make_image_folder(tmp_path / "env", per_class=2)
    arg_root, arg_arrays = make_image_folder(tmp_path / "arg", per_class=4)
    monkeypatch.setenv("ALEXNET_CIFAR_DATA", str(env_root))
    assert len(load_cifar10(progress=False).x_train) == len(env_arrays["x_train"])
    assert len(load_cifar10(arg_root, progress=False).x_train) == len(arg_arrays["x_train"])


def test_cached_archive_is_used_before_download(tmp_path, monkeypatch):
    monkeypatch.delenv("ALEXNET_CIFAR_DATA", raising=False)
    archive, arrays, md5 = make_official(tmp_path / "src", archive=True)
    cache = tmp_path / "cache"
    cache.mkdir()
    os.replace(archive, cache / "cifar-10-python.tar.gz")
    data = load_cifar10(
        cache_dir=cache,
        url="file:///nonexistent",
        member_md5=md5,
        archive_md5=file_md5(cache / "cifar-10-python.tar.gz"),
        progress=False,
    )
    np.testing.assert_array_equal(data.x_train, arrays["x_train"])


def test_download_checks_md5_then_keeps_the_archive(tmp_path, monkeypatch):
    monkeypatch.delenv("ALEXNET_CIFAR_DATA", raising=False)
    archive, arrays, md5 = make_official(tmp_path / "server", archive=True)
    cache = tmp_path / "cache"
    kw = dict(cache_dir=cache, url=archive.as_uri(), member_md5=md5, progress=False)
    with pytest.raises(DataError, match=r"downloaded file has md5 .*nothing was kept"):
        load_cifar10(archive_md5="f" * 32, **kw)
    assert not (cache / "cifar-10-python.tar.gz").exists()
    assert not [p for p in cache.iterdir() if p.name.startswith(".")]  # no partial file
    data = load_cifar10(archive_md5=file_md5(archive), **kw)
    assert (cache / "cifar-10-python.tar.gz").is_file()
    np.testing.assert_array_equal(data.y_test, arrays["y_test"])


def test_offline_with_no_data_says_what_to_pass(tmp_path, monkeypatch):
    monkeypatch.delenv("ALEXNET_CIFAR_DATA", raising=False)
    with pytest.raises(DataError) as err:
        load_cifar10(
            cache_dir=tmp_path, url=(tmp_path / "unreachable.tar.gz").as_uri(), progress=False
        )
    msg = str(err.value)
    assert "CIFAR-10 not found" in msg and "--data-dir" in msg and "ALEXNET_CIFAR_DATA" in msg
    assert ".." not in msg.replace("...", ""), msg  # the download error's own full stop
    with pytest.raises(DataError, match="downloading is turned off"):
        load_cifar10(cache_dir=tmp_path, download_missing=False, progress=False)


def test_second_load_comes_from_cache(tmp_path):
    folder, arrays, md5 = make_official(tmp_path / "src")
    first = load_cifar10(folder, member_md5=md5, cache_dir=tmp_path / "c", progress=False)
    second = load_cifar10(folder, member_md5=md5, cache_dir=tmp_path / "c", progress=False)
    assert not first.from_cache and second.from_cache
    np.testing.assert_array_equal(second.x_train, arrays["x_train"])
    assert second.verification == first.verification


def test_corrupt_cache_is_rebuilt_not_trusted(tmp_path):
    folder, arrays, md5 = make_official(tmp_path / "src")
    kw = dict(member_md5=md5, cache_dir=tmp_path / "c", progress=False)
    load_cifar10(folder, **kw)
    (cache_file,) = (tmp_path / "c" / "decoded").iterdir()
    blob = bytearray(cache_file.read_bytes())
    blob[len(blob) // 2] ^= 0xFF  # one flipped byte inside the pixel arrays
    cache_file.write_bytes(bytes(blob))
    with pytest.warns(UserWarning, match="corrupt data cache"):
        data = load_cifar10(folder, **kw)
    assert not data.from_cache
    np.testing.assert_array_equal(data.x_train, arrays["x_train"])
    cache_file.write_bytes(b"garbage")
    with pytest.warns(UserWarning, match="corrupt data cache"):
        load_cifar10(folder, **kw)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert load_cifar10(folder, **kw).from_cache


def test_changed_source_is_not_served_stale(tmp_path):
    root, _ = make_image_folder(tmp_path / "src")
    kw = dict(cache_dir=tmp_path / "c", progress=False)
    n = len(load_cifar10(root, **kw).x_train)
    (root / "train" / "bird" / "img_000.png").unlink()
    data = load_cifar10(root, **kw)
    assert len(data.x_train) == n - 1 and not data.from_cache


def test_stratified_split_is_seeded_balanced_and_disjoint():
    labels = np.repeat(np.arange(10), 100)
    train, val = train_val_split(labels, 0.2, seed=3, limit=500)
    assert len(train) == 400 and len(val) == 100
    assert not set(train) & set(val)
    assert (np.bincount(labels[val]) == 10).all() and (np.bincount(labels[train]) == 40).all()
    again = train_val_split(labels, 0.2, seed=3, limit=500)
    np.testing.assert_array_equal(val, again[1])
    assert not np.array_equal(val, train_val_split(labels, 0.2, seed=4, limit=500)[1])
    with pytest.raises(ConfigError, match="cannot hold every one of the 10 classes"):
        stratified_subset(labels, 5, seed=0)


def test_channel_stats_match_numpy():
    x = np.random.default_rng(0).integers(0, 256, (50, 8, 8, 3), dtype=np.uint8)
    mean, std = channel_mean_std(x)
    f = x.reshape(-1, 3) / 255.0
    np.testing.assert_allclose(mean, f.mean(0), rtol=1e-12)
    np.testing.assert_allclose(std, f.std(0), rtol=1e-12)


def test_real_copy_decodes_exactly(cifar_real):
    """Every decoded image equals the manifest's sha256 of its pixels."""
    manifest = real_cifar_dir().parent / "cifar10-manifest.csv"
    if not manifest.exists():
        pytest.skip("no manifest beside the real copy")
    with open(manifest) as f:
        rows = sorted(csv.DictReader(f), key=lambda r: (r["split"], int(r["label"]), r["filename"]))
    for split in ("train", "test"):
        x, y = getattr(cifar_real, f"x_{split}"), getattr(cifar_real, f"y_{split}")
        expected = [r for r in rows if r["split"] == split]
        assert len(x) == len(expected)
        np.testing.assert_array_equal(y, [int(r["label"]) for r in expected])
        found = [hashlib.sha256(img.tobytes()).hexdigest() for img in x]
        assert found == [r["raw_rgb_hwc_sha256"] for r in expected]
    mean, _ = channel_mean_std(cifar_real.x_train)
    np.testing.assert_allclose(mean, (0.4914, 0.4822, 0.4465), atol=1e-4)
