"""ImageNet weights in both frameworks, on files of the real formats with random values."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")
pytest.importorskip("tensorflow")

from alexnet_cifar import TrainConfig, build_model, train  # noqa: E402
from alexnet_cifar.cli import main  # noqa: E402
from alexnet_cifar.errors import ConfigError, WeightsError  # noqa: E402
from alexnet_cifar.weights import caffe  # noqa: E402

from model_fixtures import image_batch, logits_keras, logits_torch  # noqa: E402
from weight_fixtures import (  # noqa: E402
    caffe_layers,
    write_caffe_npy,
    write_npy_with_callable,
    write_vgg16_notop_h5,
)


def test_torchvision_file_into_pytorch_keeps_the_imagenet_classifier(pth):
    tv = torchvision.models.alexnet(weights=None)
    tv.load_state_dict(torch.load(pth, weights_only=True))
    ours = build_model("pytorch", "alexnet", num_classes=1000, init="imagenet", weights=str(pth))
    x = image_batch(224)
    np.testing.assert_allclose(logits_torch(ours, x), logits_torch(tv, x), rtol=0, atol=0)


def test_torchvision_head_is_replaced_for_cifar(pth):
    sd = torch.load(pth, weights_only=True)
    ours = build_model("pytorch", "alexnet", init="imagenet", weights=str(pth)).state_dict()
    assert ours["classifier.6.weight"].shape == (10, 4096)
    for key in sd:
        if not key.startswith("classifier.6"):
            assert torch.equal(ours[key], sd[key]), key


def test_torchvision_weights_ported_into_keras_give_the_same_logits(pth):
    t = build_model("pytorch", "alexnet", num_classes=1000, init="imagenet", weights=str(pth))
    k = build_model("keras", "alexnet", num_classes=1000, init="imagenet", weights=str(pth))
    x = image_batch(224)
    lt = logits_torch(t, x)
    assert np.abs(lt).max() > 0.1
    assert np.abs(lt - logits_keras(k, x)).max() <= 1e-4


def test_caffe_npy_gives_the_same_logits_in_both_frameworks(npy):
    k = build_model("keras", "alexnet-caffe", num_classes=1000, init="imagenet", weights=str(npy))
    t = build_model("pytorch", "alexnet-caffe", num_classes=1000, init="imagenet", weights=str(npy))
    x = image_batch(227) * 50  # Caffe inputs are 0..255 minus the mean
    lk, lt = logits_keras(k, x), logits_torch(t, x)
    assert np.abs(lt).max() > 0.1
    assert np.abs(lt - lk).max() <= 1e-4 * max(1.0, np.abs(lt).max())


def _conv_same_groups(x, w, pad, groups):
    """Explicit Caffe grouped convolution in NumPy: x (H, W, C), w (kh, kw, C/g, O)."""
    x = np.pad(x, ((pad, pad), (pad, pad), (0, 0)))
    kh, cin_g, out = w.shape[0], w.shape[2], w.shape[3]
    out_g = out // groups
    h = x.shape[0] - kh + 1
    res = np.zeros((h, h, out))
    for g in range(groups):
        xg, wg = x[..., g * cin_g : (g + 1) * cin_g], w[..., g * out_g : (g + 1) * out_g]
        for i in range(h):
            for j in range(h):
                res[i, j, g * out_g : (g + 1) * out_g] = np.tensordot(
                    xg[i : i + kh, j : j + kh], wg, axes=3
                )
    return res


def test_caffe_conv2_is_grouped_exactly_as_stored(npy):
    """conv2 of the npy, in both frameworks, against a per-group convolution in NumPy: the
    first 128 outputs see input channels 0-47 only (concatenating the halves is wrong)."""
    w, b = caffe_layers()["conv2"]
    x = np.random.default_rng(1).standard_normal((9, 9, 96)).astype(np.float32)
    expected = _conv_same_groups(x, w, 2, 2) + b
    t = build_model(
        "pytorch", "alexnet-caffe", num_classes=1000, init="imagenet", weights=str(npy)
    ).eval()
    with torch.no_grad():
        out_t = t.features[4](torch.from_numpy(x.transpose(2, 0, 1)[None].copy()))[0].numpy()
    np.testing.assert_allclose(out_t.transpose(1, 2, 0), expected, atol=1e-3)
    k = build_model("keras", "alexnet-caffe", num_classes=1000, init="imagenet", weights=str(npy))
    padded = k.get_layer("features_4_pad")(x[None])
    out_k = np.asarray(k.get_layer("features_4")(padded))[0]
    np.testing.assert_allclose(out_k, expected, atol=1e-3)
    np.testing.assert_array_equal(k.get_layer("features_4").get_weights()[0], w)
    wrong = _conv_same_groups(np.concatenate([x, x], -1)[..., :96], np.concatenate([w, w], 2), 2, 1)
    assert np.abs(wrong + b - expected).max() > 1e-2  # the dense mistake is detectable


def test_npy_with_a_callable_is_refused(tmp_path):
    marker = tmp_path / "pwned"
    path = write_npy_with_callable(tmp_path / "bvlc_alexnet.npy", marker)
    with pytest.raises(WeightsError, match="refused to unpickle"):
        caffe.read_npy_dict(path)
    assert not marker.exists()


def test_npy_missing_layer_and_wrong_shape_are_named(tmp_path):
    layers = caffe_layers()
    del layers["conv3"]
    path = write_caffe_npy(tmp_path / "a.npy", layers)
    with pytest.raises(
        WeightsError, match=r"layer 'conv3' is missing \(expected W \(3, 3, 256, 384\)"
    ):
        build_model("keras", "alexnet-caffe", init="imagenet", weights=str(path))
    layers = caffe_layers()
    layers["conv2"][0] = np.zeros((5, 5, 96, 256), np.float32)  # the concatenated-halves mistake
    path = write_caffe_npy(tmp_path / "b.npy", layers)
    with pytest.raises(
        WeightsError,
        match=r"'conv2' W: expected shape \(5, 5, 48, 256\), "
        r"found \(5, 5, 96, 256\)",
    ):
        build_model("pytorch", "alexnet-caffe", init="imagenet", weights=str(path))


def test_vgg16_imagenet_convolutions_and_preprocessing(tmp_path):
    import keras

    h5 = write_vgg16_notop_h5(tmp_path / "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5")
    ours = build_model("keras", "vgg16", input_size=32, init="imagenet", weights=str(h5))
    ref = keras.applications.VGG16(include_top=False, weights=str(h5), input_shape=(32, 32, 3))
    convs = [l for l in ref.layers if isinstance(l, keras.layers.Conv2D)]
    ours_convs = [l for l in ours.layers if l.name.startswith("features_") and l.weights]
    assert len(convs) == len(ours_convs) == 13
    for a, b in zip(convs, ours_convs):
        for wa, wb in zip(a.get_weights(), b.get_weights()):
            np.testing.assert_array_equal(wa, wb)
    # the "caffe" normalization is VGG16's own preprocess_input
    from alexnet_cifar.backends.keras.pipeline import Pipeline
    from alexnet_cifar.preprocess import get_augmentation, get_normalization

    img = np.random.default_rng(0).integers(0, 256, (2, 32, 32, 3), dtype=np.uint8)
    d = Pipeline(img, np.zeros(2), 32, get_normalization("caffe"), get_augmentation("none"), 10)
    expected = keras.applications.vgg16.preprocess_input(img.astype("float32"))
    np.testing.assert_allclose(d.transform(d.images).numpy(), expected, atol=1e-3)


def test_offline_without_weights_says_where_to_put_them(tmp_path, offline):
    # each download reached the network and was stopped there by the fixture's block
    with pytest.raises(
        WeightsError,
        match=r"could not download .*network blocked in tests.*put alexnet-owt-7be5be79.pth "
        r"into .*torch/hub/checkpoints/ or pass --weights",
    ):
        build_model("pytorch", "alexnet", init="imagenet")
    with pytest.raises(WeightsError, match=r"pass --weights path/to/bvlc_alexnet.npy"):
        build_model("keras", "alexnet-caffe", init="imagenet")
    with pytest.raises(
        WeightsError,
        match=r"network blocked in tests.*vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5",
    ):
        build_model("keras", "vgg16", input_size=32, init="imagenet")
    with pytest.raises(WeightsError, match="no such file"):
        build_model("pytorch", "alexnet", init="imagenet", weights=str(tmp_path / "nope.pth"))


def test_the_offline_block_stops_every_downloader(offline):
    """urllib, torch.hub's own urlopen (bound at its import) and keras' get_file all fail at
    the socket, so a pretrained test never downloads real weights, internet or not."""
    import urllib.request

    import keras

    with pytest.raises(OSError, match="network blocked in tests"):
        urllib.request.urlopen("https://download.pytorch.org/models/alexnet-owt-7be5be79.pth")
    with pytest.raises(OSError, match="network blocked in tests"):
        torch.hub.download_url_to_file("https://example.com/w.pth", "/tmp/never-written.pth")
    with pytest.raises(Exception, match="network blocked in tests"):
        keras.utils.get_file("never.h5", "https://example.com/never.h5")


def test_pretrained_combinations_that_do_not_exist():
    with pytest.raises(ConfigError, match="no ImageNet weights for pytorch alexnet-cifar"):
        TrainConfig(framework="pytorch", model="alexnet-cifar", init="imagenet").validate()
    with pytest.raises(ConfigError, match="no BatchNorm"):
        TrainConfig(model="alexnet", init="imagenet", batchnorm=True).validate()
    assert TrainConfig(model="alexnet", init="imagenet").normalization_name == "imagenet"
    assert (
        TrainConfig(framework="keras", model="alexnet-caffe", init="imagenet").normalization_name
        == "caffe"
    )


def _finetune(tmp_path, cifar_real, framework, finetune, weights):
    config = TrainConfig(
        framework=framework,
        model="alexnet",
        init="imagenet",
        weights=str(weights),
        finetune=finetune,
        epochs=1,
        batch_size=8,
        limit_train=16,
        limit_test=10,
        val_fraction=0.0,
        lr=0.01,
        augment="none",
        device="cpu",
        out=str(tmp_path / f"{framework}-{finetune}"),
    )
    train(config, data=cifar_real, progress=False)
    return config


def _trained_weights(framework, config):
    from alexnet_cifar.arch import spec_for
    from alexnet_cifar.backends import get_backend
    from alexnet_cifar.runs import RunDir

    backend = get_backend(framework)
    spec = spec_for(config)
    w = backend.load_file(RunDir(config.out).checkpoint(backend.Trainer.checkpoint_suffix), spec)
    if framework == "keras":
        from alexnet_cifar.weights.port import keras_to_torch

        w = keras_to_torch(spec, w)
    return w


@pytest.mark.parametrize("framework", ["pytorch", "keras"])
def test_head_finetune_changes_only_the_head(tmp_path, cifar_real, pth, framework):
    config = _finetune(tmp_path, cifar_real, framework, "head", pth)
    after = _trained_weights(framework, config)
    before = torch.load(pth, weights_only=True)
    for key, value in before.items():
        if key.startswith("classifier.6"):
            continue
        np.testing.assert_array_equal(after[key], value.numpy(), err_msg=key)
    head = build_model("pytorch", "alexnet", init="imagenet", weights=str(pth))
    assert not np.array_equal(
        after["classifier.6.weight"], head.state_dict()["classifier.6.weight"].numpy()
    )  # it trained


def test_discriminative_uses_two_learning_rates(pth):
    from alexnet_cifar.arch import spec_for
    from alexnet_cifar.backends.pytorch.optim import param_groups
    from alexnet_cifar.training.finetune import finetune_plan
    from alexnet_cifar.training.optim import decay_rule
    from alexnet_cifar.weights.registry import new_names

    config = TrainConfig(model="alexnet", init="imagenet", lr=0.01, backbone_lr_factor=0.1)
    model = build_model("pytorch", "alexnet")
    fresh = new_names(config.pretrained, spec_for(config), "pytorch")
    plan = finetune_plan(config, [n for n, _ in model.named_parameters()], fresh)
    groups = param_groups(model, plan, config.lr, decay_rule("sgd", 5e-4, "all"))
    assert [len(g["params"]) for g in groups] == [2, 14]
    assert "lr" not in groups[0] and groups[1]["lr"] == pytest.approx(0.001)
    # --decay-on weights splits each group: kernels decay, biases do not
    groups = param_groups(model, plan, config.lr, decay_rule("sgd", 5e-4, "weights"))
    assert [(len(g["params"]), g["weight_decay"]) for g in groups] == [
        (1, 5e-4),
        (1, 0.0),
        (7, 5e-4),
        (7, 0.0),
    ]


def test_keras_discriminative_optimizer_scales_the_backbone_step():
    import keras
    from alexnet_cifar.backends.keras.optim import _discriminative

    a = keras.Variable(np.ones(3, np.float32), name="backbone")
    b = keras.Variable(np.ones(3, np.float32), name="head")
    opt = _discriminative(keras.optimizers.SGD, [a], 0.1)(1.0)
    opt.apply([np.ones(3, np.float32), np.ones(3, np.float32)], [a, b])
    np.testing.assert_allclose(np.asarray(a), 0.9)
    np.testing.assert_allclose(np.asarray(b), 0.0)


@pytest.mark.slow  # converts every ImageNet source through the CLI
def test_convert_imagenet_sources(tmp_path, npy, pth):
    assert (
        main(
            [
                "convert",
                "--from",
                "caffe-npy",
                "--to",
                "pytorch",
                str(npy),
                str(tmp_path / "caffe.pt"),
            ]
        )
        == 0
    )
    t = build_model("pytorch", "alexnet-caffe", num_classes=1000)
    t.load_state_dict(torch.load(tmp_path / "caffe.pt", weights_only=True))
    k = build_model("keras", "alexnet-caffe", num_classes=1000, init="imagenet", weights=str(npy))
    x = image_batch(227) * 50
    lt = logits_torch(t, x)
    assert np.abs(lt - logits_keras(k, x)).max() <= 1e-4 * max(1.0, np.abs(lt).max())
    assert (
        main(
            [
                "convert",
                "--from",
                "torchvision",
                "--to",
                "keras",
                str(pth),
                str(tmp_path / "tv.weights.h5"),
            ]
        )
        == 0
    )
    from alexnet_cifar.arch import get_spec
    from alexnet_cifar.backends.keras import load_file

    ported = load_file(tmp_path / "tv.weights.h5", get_spec("alexnet", 1000))
    fc8 = torch.load(pth, weights_only=True)["classifier.6.weight"].numpy()
    np.testing.assert_array_equal(ported["classifier_6"][0], fc8.T)


def test_predict_from_imagenet_weights_and_from_a_run(tmp_path, pth, cifar_real, capsys):
    import json

    from PIL import Image

    for i in range(2):
        Image.fromarray(cifar_real.x_test[i]).save(tmp_path / f"img{i}.png")
    images = [str(tmp_path / "img0.png"), str(tmp_path / "img1.png")]
    assert main(["predict", "--init", "imagenet", "--weights", str(pth), "--json", *images]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out[0]["probabilities"]) == 1000 and "tench" in out[0]["probabilities"]
    assert sum(out[0]["probabilities"].values()) == pytest.approx(1.0, abs=1e-4)
    config = TrainConfig(
        model="alexnet-cifar",
        epochs=1,
        batch_size=16,
        limit_train=100,
        limit_test=20,
        device="cpu",
        out=str(tmp_path / "run"),
    )
    train(config, data=cifar_real, progress=False)
    assert main(["predict", "--run", str(tmp_path / "run"), "--top", "2", *images]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and lines[0].startswith(images[0])
    assert main(["predict", "--run", str(tmp_path / "run"), str(tmp_path / "missing.png")]) == 2
    assert "missing.png: cannot read the image" in capsys.readouterr().err
