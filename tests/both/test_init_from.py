"""`train --init-from`: a run starts from given weights of either framework; a file that does
not fit is refused in one line naming the file and the first layer that differs."""

import json
from pathlib import Path

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
    assert "that run trains alexnet (batchnorm=False, 224 px), this one alexnet-cifar " in err
    assert "(batchnorm=False, 32 px)" in err


def test_seeds_and_dropout_out_of_range_are_one_line(tmp_path, capsys):
    assert main([*TRAIN, "--dropout", "1.5", "--out", str(tmp_path / "r")]) == 2
    assert "--dropout must be in [0, 1), got 1.5" in capsys.readouterr().err
    rc = main(["study", "--preset", "smoke", "--seeds", "0", "--out", str(tmp_path / "s")])
    assert rc == 2 and "--seeds must be a positive integer, got 0" in capsys.readouterr().err
    assert not (tmp_path / "s").exists()


SOURCE = ["airplane", "automobile", "bird", "cat", "deer"]
TARGET = ["dog", "frog", "horse", "ship", "truck"]


@pytest.fixture(scope="module")
def source_run(tmp_path_factory, cifar_tiny):
    """A PyTorch run on all ten classes, BatchNorm on: the start of another task."""
    tmp = tmp_path_factory.mktemp("source")
    config = small_config(tmp, "pytorch", epochs=1, limit_train=200, batch_size=16)
    train(config, data=cifar_tiny, progress=False)
    return config


def _weights(framework, run_dir, config):
    from alexnet_cifar.arch import spec_for

    backend = get_backend(framework)
    path = f"{run_dir}/checkpoint{backend.Trainer.checkpoint_suffix}"
    return backend.load_file(path, spec_for(config))


@pytest.mark.parametrize("framework", ["pytorch", "keras"])
def test_a_start_from_another_task_replaces_the_last_layer_and_head_trains_only_it(
    tmp_path, cifar_tiny, source_run, framework
):
    """10 classes -> 5: every weight but the last layer's is the source's (ported), the last
    one is new and the only one --finetune head changes; the record names it."""
    from alexnet_cifar.arch import spec_for

    config = small_config(
        tmp_path,
        framework,
        epochs=1,
        classes=TARGET,
        init_from=source_run.out,
        finetune="head",
        limit_train=100,
        batch_size=16,
    )
    results = train(config, data=cifar_tiny, progress=False)
    spec = spec_for(config)
    source = convert_weights(
        spec_for(source_run), _weights("pytorch", source_run.out, source_run), "pytorch", framework
    )
    ended = _weights(framework, config.out, config)
    new = _last_layer(spec, framework)
    assert results["new_layers"] == sorted(new) and set(ended) == set(source)
    for key, value in source.items():
        mine, theirs = _arrays(ended[key]), _arrays(value)
        if key in new:  # this task's head: 5 outputs, trained
            assert 5 in mine[-1].shape
            continue
        for a, b in zip(mine, theirs, strict=True):
            np.testing.assert_array_equal(a, b, err_msg=key)


def _last_layer(spec, framework) -> set[str]:
    """The names ``framework`` gives the spec's last layer's weights."""
    from alexnet_cifar.weights.registry import layer_names

    return layer_names(spec.param_layers()[-1:], framework)


def _arrays(value) -> list:
    """A PyTorch entry (one array) or a Keras one (a layer's arrays) as a list of arrays."""
    return list(value) if isinstance(value, list) else [value]


def test_a_pytorch_start_gives_keras_the_same_logits_at_step_0(source_run):
    """The ported backbone is the source's: with the new heads made equal, both frameworks'
    models give the same logits on the same images."""
    from alexnet_cifar.arch import spec_for
    from alexnet_cifar.weights.init_from import initial_weights

    from model_fixtures import image_batch, logits_keras, logits_torch

    target = small_config(Path(source_run.out).parent / "target", "keras", classes=TARGET)
    target.validate()
    spec = spec_for(target)
    last = spec.param_layers()[-1]
    models = {}
    for framework in ("pytorch", "keras"):
        backend = get_backend(framework)
        model = backend.build(spec, seed=0)
        start = initial_weights(source_run.out, spec, framework)
        backend.import_weights(model, start, _last_layer(spec, framework))
        models[framework] = model
    # the Keras head into PyTorch: a dense kernel (in, out) is a Linear weight (out, in)
    kernel, bias = get_backend("keras").export_weights(models["keras"])[last.keras_name]
    with torch.no_grad():
        layer = dict(models["pytorch"].named_modules())[last.name]
        layer.weight.copy_(torch.from_numpy(kernel.T.copy()))
        layer.bias.copy_(torch.from_numpy(bias))
    x = image_batch(32, n=4)
    np.testing.assert_allclose(
        logits_torch(models["pytorch"], x), logits_keras(models["keras"], x), atol=1e-4, rtol=1e-4
    )
