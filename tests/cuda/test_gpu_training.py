"""On an NVIDIA GPU (each test skipped, with the reason, where its framework is not installed
or sees no GPU): a few training steps in both frameworks in --precision auto, the PyTorch
input pipeline resident on the GPU, checkpoint and resume on the GPU, and each framework's
logits on the GPU against fp32 on the CPU. benchmarks/gpu_check.sh runs these first."""

import json

import numpy as np
import pytest

from alexnet_cifar import build_model, port_weights, train
from alexnet_cifar.arch import get_spec
from alexnet_cifar.backends import get_backend, installed
from alexnet_cifar.errors import ConfigError
from alexnet_cifar.runs import RunDir
from alexnet_cifar.training.precision import choose

from model_fixtures import image_batch, logits_keras, logits_torch, randomize_torch
from train_fixtures import small_config


def _no_gpu(framework: str) -> str | None:
    """Why ``framework`` cannot train on a CUDA GPU here, or None where it can: a GPU image
    may hold one framework alone (benchmarks/gpu_check.sh then checks that one)."""
    if not installed(framework):
        return f"{framework} is not installed here"
    try:
        get_backend(framework).resolve_device("cuda")  # what --device cuda itself checks
    except ConfigError as exc:
        return f"{framework}: {exc}"
    return None


NO_GPU = {f: _no_gpu(f) for f in ("pytorch", "keras")}
FRAMEWORKS = [
    pytest.param(f, marks=pytest.mark.skipif(bool(why), reason=str(why)))
    for f, why in NO_GPU.items()
]
# Both frameworks compute fp32 convolutions on TF32 tensor cores by default (Ampere and
# newer), so fp32 on the GPU matches the CPU to about 1e-3 of the logits' scale, bf16 to 1e-2.
TOLERANCE = {"fp32": 0.01, "bf16": 0.05, "fp16": 0.02}


def gpu_config(tmp_path, framework, **kw):
    return small_config(tmp_path, framework, device="cuda", precision="auto", **kw)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_a_few_steps_in_auto_precision_learn_on_the_gpu(tmp_path, cifar_real, framework):
    results = train(gpu_config(tmp_path, framework, epochs=2), data=cifar_real, progress=False)
    cap = get_backend(framework).capability("cuda")
    assert results["hardware"].get("gpu"), results["hardware"]
    assert results["config"]["precision"] == choose("auto", cap, framework) != "fp32"
    losses = [r["train_loss"] for r in RunDir(tmp_path / "run").metrics()]
    assert all(np.isfinite(losses)) and losses[1] < losses[0], losses


@pytest.mark.skipif(bool(NO_GPU["pytorch"]), reason=str(NO_GPU["pytorch"]))
def test_the_pytorch_input_pipeline_lives_on_the_gpu(tmp_path, cifar_real):
    import torch

    from alexnet_cifar.backends.pytorch.train import Trainer
    from alexnet_cifar.engine import preflight

    config = gpu_config(tmp_path, "pytorch")
    preflight(config)  # resolves --precision auto, as the engine does before a trainer
    trainer = Trainer(config, RunDir(tmp_path / "run"), cifar_real, progress=False)
    data = trainer.pipelines["train"]
    assert data.images.is_cuda and data.labels.is_cuda
    x, y = next(iter(data.epoch(config.batch_size, config.seed, 0, trainer.steps)))
    assert x.is_cuda and y.is_cuda and x.dtype == torch.float32
    assert x.shape == (config.batch_size, 3, 32, 32)


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_checkpoint_and_resume_on_the_gpu(tmp_path, cifar_real, framework):
    whole = train(gpu_config(tmp_path / "a", framework, epochs=2), data=cifar_real, progress=False)
    first = gpu_config(tmp_path / "b", framework, epochs=1)
    train(first, data=cifar_real, progress=False)
    first.epochs = 2
    resumed = train(first, data=cifar_real, resume=True, progress=False)
    records = RunDir(tmp_path / "b" / "run").metrics()
    assert [r["epoch"] for r in records] == [0, 1]
    state = json.loads((tmp_path / "b" / "run" / "state.json").read_text())
    assert state == {"status": "completed", "epochs_done": 2}
    # GPU kernels are not bitwise deterministic: the resumed run lands near the whole one
    assert abs(resumed["test_accuracy"] - whole["test_accuracy"]) <= 0.1


@pytest.mark.skipif(not installed("pytorch"), reason="the CPU reference is PyTorch's")
@pytest.mark.parametrize("framework", FRAMEWORKS)
@pytest.mark.parametrize("precision", ["fp32", "auto"])
def test_each_framework_gives_the_cpu_logits_on_the_gpu(framework, precision):
    import torch

    model = "alexnet-cifar"
    spec = get_spec(model, 10, True)
    cpu_torch = build_model("pytorch", model, batchnorm=True)
    randomize_torch(cpu_torch)
    x = image_batch(spec.input_size, n=8)
    reference = logits_torch(cpu_torch, x)
    scale = np.abs(reference).max()
    assert scale > 0.1

    backend = get_backend(framework)
    chosen = choose(precision, backend.capability("cuda"), framework)
    if framework == "pytorch":
        gpu = backend.build(spec, 0, chosen).cuda().eval()
        gpu.load_state_dict(cpu_torch.state_dict())
        bf16 = torch.autocast("cuda", dtype=torch.bfloat16, enabled=chosen == "bf16")
        with torch.no_grad(), bf16:
            x_gpu = torch.from_numpy(x.transpose(0, 3, 1, 2).copy()).cuda()
            logits = gpu(x_gpu).float().cpu().numpy()
    else:
        import tensorflow as tf

        with tf.device("/GPU:0"):
            k = backend.build(spec, 0, chosen)
            port_weights(cpu_torch, k)
            logits = logits_keras(k, x)
    assert np.abs(logits - reference).max() <= TOLERANCE[chosen] * scale
