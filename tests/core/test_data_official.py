"""The official python-format reader: layout, md5 checks, safe unpickling, bad files."""

import numpy as np
import pytest

from alexnet_cifar.data import load_cifar10
from alexnet_cifar.errors import DataError, UnsafePickleError

from cifar_fixtures import (
    CLASSES,
    batch_bytes,
    file_md5,
    make_official,
    pickle_with_callable,
    random_images,
)


def load(path, md5, **kw):
    return load_cifar10(path, member_md5=md5, progress=False, **kw)


def test_folder_decodes_channel_planar_rows_to_nhwc(tmp_path):
    folder, arrays, md5 = make_official(tmp_path)
    data = load(folder, md5)
    for name, expected in arrays.items():
        np.testing.assert_array_equal(getattr(data, name), expected)
    assert data.x_train.shape == (100, 32, 32, 3) and data.x_train.dtype == np.uint8
    assert data.class_names == list(CLASSES)
    assert data.kind == "official-folder" and "md5 verified" in data.verification


def test_parent_folder_and_archive_are_found(tmp_path):
    folder, arrays, md5 = make_official(tmp_path / "a")
    assert load(folder.parent, md5).kind == "official-folder"
    archive, arrays, md5 = make_official(tmp_path / "b", archive=True)
    for source in (archive, archive.parent):
        data = load(source, md5, archive_md5=file_md5(archive))
        assert data.kind == "official-archive"
        np.testing.assert_array_equal(data.x_test, arrays["x_test"])
        assert "archive and 6 batches" in data.verification


def test_member_md5_mismatch_names_the_file_and_writes_no_cache(tmp_path):
    folder, _, md5 = make_official(tmp_path / "src")
    md5["data_batch_3"] = "0" * 32
    with pytest.raises(DataError, match=r"data_batch_3: md5 mismatch.*--no-verify"):
        load(folder, md5, cache_dir=tmp_path / "cache")
    assert not (tmp_path / "cache" / "decoded").exists() or not any(
        (tmp_path / "cache" / "decoded").iterdir()
    )


def test_archive_md5_mismatch_names_the_archive(tmp_path):
    archive, _, md5 = make_official(tmp_path, archive=True)
    with pytest.raises(DataError, match=r"cifar-10-python.tar.gz: md5 mismatch"):
        load(archive, md5)  # the official archive md5 cannot match a fixture


def test_no_verify_reads_modified_copy(tmp_path):
    archive, arrays, _ = make_official(tmp_path, archive=True)
    data = load_cifar10(archive, verify=False, progress=False)
    np.testing.assert_array_equal(data.y_train, arrays["y_train"])
    assert data.verification == "not verified (--no-verify)"


def test_truncated_batch(tmp_path):
    folder, _, md5 = make_official(tmp_path)
    blob = (folder / "data_batch_2").read_bytes()
    (folder / "data_batch_2").write_bytes(blob[: len(blob) // 2])
    with pytest.raises(DataError, match=r"data_batch_2: md5 mismatch.*corrupt or truncated"):
        load(folder, md5)
    with pytest.raises(DataError, match=r"data_batch_2: not a readable pickle.*truncated"):
        load_cifar10(folder, verify=False, progress=False)


def test_corrupted_batch_content(tmp_path):
    folder, _, _ = make_official(tmp_path)
    x, y = random_images(5, seed=9)
    (folder / "test_batch").write_bytes(batch_bytes(x, y)[:-40] + b"\x00" * 40)
    with pytest.raises(DataError, match="test_batch"):
        load_cifar10(folder, verify=False, progress=False)


def test_wrong_shape_batch(tmp_path):
    import pickle

    folder, _, _ = make_official(tmp_path)
    (folder / "data_batch_1").write_bytes(
        pickle.dumps({b"data": np.zeros((4, 100), np.uint8), b"labels": [0, 1, 2, 3]}, protocol=2)
    )
    with pytest.raises(DataError, match=r"data_batch_1: data has shape \(4, 100\)"):
        load_cifar10(folder, verify=False, progress=False)


def test_pickle_with_callable_is_refused_and_never_runs(tmp_path):
    folder, _, _ = make_official(tmp_path)
    marker = tmp_path / "pwned"
    (folder / "data_batch_4").write_bytes(pickle_with_callable(marker))
    with pytest.raises(UnsafePickleError, match=r"data_batch_4: refused to unpickle: it asks for"):
        load_cifar10(folder, verify=False, progress=False)
    assert not marker.exists()


def test_missing_batch_is_named(tmp_path):
    folder, _, md5 = make_official(tmp_path)
    (folder / "data_batch_5").unlink()
    with pytest.raises(DataError, match=r"data_batch_5: missing"):
        load(folder, md5)


def test_archive_lacking_members(tmp_path):
    from cifar_fixtures import tar_bytes

    archive = tmp_path / "cifar-10-python.tar.gz"
    archive.write_bytes(tar_bytes({"cifar-10-batches-py/data_batch_1": b"x"}))
    with pytest.raises(DataError, match=r"lacks data_batch_2.*test_batch"):
        load_cifar10(archive, verify=False, progress=False)


def test_truncated_archive(tmp_path):
    archive, _, _ = make_official(tmp_path, archive=True)
    archive.write_bytes(archive.read_bytes()[:2000])
    with pytest.raises(DataError, match=r"cifar-10-python.tar.gz: cannot read the archive"):
        load_cifar10(archive, verify=False, progress=False)
