"""`train --init-from`: a run starts from given weights of either framework; a file that does
not fit is refused in one line naming the file and the first layer that differs."""

import json

import numpy as np
import pytest

torch = pytest.importorskip("torch")
pytest.importorskip("tensorflow")

from alexnet_cifar import TrainConfig, train  # noqa: E402
from alexnet_cifar.backends import get_backend  # noqa: E402
from alexnet_cifar.cli import main  # noqa: E402
from alexnet_cifar.weights.port import convert_weights  # noqa: E402

from train_fixtures import small_config  # noqa: E402

TRAIN = [
    "train",
    "--model",
    "alexnet-cifar",
    "--limit-train",
    "200",
    "--limit-test",
    "50",
    "--batch-size",
    "32",
    "--epochs",
    "1",
    "--device",
    "cpu",
    "--quiet",
]


def test_a_keras_run_starts_a_pytorch_run(tmp_path, cifar_real):
    """With a learning rate too small to move anything, the PyTorch run ends where the Keras
    run's checkpoint, ported, began it."""
    keras_run = small_config(tmp_path / "k", "keras", batchnorm=False, epochs=1)
    train(keras_run, data=cifar_real, progress=False)
    config = small_config(
        tmp_path / "t", "pytorch", batchnorm=False, epochs=1, lr=1e-12, init_from=keras_run.out
    )
    train(config, data=cifar_real, progress=False)
    from alexnet_cifar.arch import spec_for

    spec = spec_for(config)
    start = get_backend("keras").load_file(f"{keras_run.out}/checkpoint.keras.npz", spec)
    expected = convert_weights(spec, start, "keras", "pytorch")
    ended = get_backend("pytorch").load_file(f"{config.out}/checkpoint.pt")
    for key, value in expected.items():
        np.testing.assert_allclose(ended[key], value, rtol=1e-6, atol=1e-7, err_msg=key)


def _refused(tmp_path, capsys, init_from, *flags) -> str:
    out = tmp_path / "run"
    rc = main([*TRAIN, *flags, "--init-from", str(init_from), "--out", str(out)])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and len(err.splitlines()) == 1, err
    assert not out.exists()  # nothing written
    return err


def test_init_from_files_that_do_not_fit_are_refused_in_one_line(tmp_path, capsys, monkeypatch):
    def no_data(args):  # the file is checked first: a bad one costs no wait for the data
        pytest.fail("train loaded CIFAR-10 before checking --init-from")

    monkeypatch.setattr("alexnet_cifar.cli.options.data_from_args", no_data)
    torch_backend = get_backend("pytorch")
    from alexnet_cifar.arch import get_spec

    other_model = tmp_path / "alexnet.pt"
    torch.save(torch_backend.build(get_spec("alexnet")).state_dict(), other_model)
    err = _refused(tmp_path, capsys, other_model)
    assert str(other_model) in err and "features.0.weight" in err
    assert "(64, 3, 3, 3)" in err and "(64, 3, 11, 11)" in err

    hundred = tmp_path / "cifar100.pt"
    torch.save(torch_backend.build(get_spec("alexnet-cifar", 100)).state_dict(), hundred)
    err = _refused(tmp_path, capsys, hundred)
    assert str(hundred) in err and "classifier.6.weight" in err and "(100, 1024)" in err

    cut = tmp_path / "cut.pt"
    torch.save(torch_backend.build(get_spec("alexnet-cifar")).state_dict(), cut)
    cut.write_bytes(cut.read_bytes()[:1000])
    assert str(cut) in _refused(tmp_path, capsys, cut)

    keras_backend = get_backend("keras")
    h5 = tmp_path / "bn.weights.h5"
    keras_backend.save_file(keras_backend.build(get_spec("alexnet-cifar", batchnorm=True)), h5)
    err = _refused(tmp_path, capsys, h5)
    assert str(h5) in err and "does not fit Keras alexnet-cifar" in err

    err = _refused(tmp_path, capsys, tmp_path / "weights.bin")
    assert "no such file or run folder" in err

    other_run = tmp_path / "other-run"  # a run folder of another model: its config says so
    other_run.mkdir()
    config = TrainConfig(model="alexnet", out=str(other_run))
    (other_run / "config.json").write_text(json.dumps(config.to_dict()))
    err = _refused(tmp_path, capsys, other_run)
    assert "that run trains alexnet (batchnorm=False, 10 classes), this one alexnet-cifar" in err


def test_seeds_and_dropout_out_of_range_are_one_line(tmp_path, capsys):
    assert main([*TRAIN, "--dropout", "1.5", "--out", str(tmp_path / "r")]) == 2
    assert "--dropout must be in [0, 1), got 1.5" in capsys.readouterr().err
    rc = main(["study", "--preset", "smoke", "--seeds", "0", "--out", str(tmp_path / "s")])
    assert rc == 2 and "--seeds must be a positive integer, got 0" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()
