"""`alexnet-cifar convert`: port weights PyTorch <-> Keras, or ImageNet files into either."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..arch import VARIANTS
from ..config import FRAMEWORKS, TrainConfig
from ..errors import ConfigError
from ..weights.registry import SOURCES

# ImageNet files that hold a whole model (the classifier too): source name -> variant
IMAGENET_FILES = {s.name: s.model for s in SOURCES.values() if s.has_classifier}


def register(sub) -> None:
    c = sub.add_parser(
        "convert",
        help="port weights between PyTorch and Keras",
        description="Convert weights between frameworks: a PyTorch state_dict (.pt/.pth) or a "
        "Keras .weights.h5, or a run directory (its checkpoint and model settings). "
        "Convolution kernels are transposed, dense kernels transposed and the first "
        "dense layer's rows re-ordered from C,H,W to H,W,C (or back).",
    )
    sources = ", ".join(
        f"{name} ({SOURCES[name].file_name}, {model})" for name, model in IMAGENET_FILES.items()
    )
    c.add_argument(
        "--from",
        dest="src_framework",
        choices=(*FRAMEWORKS, *IMAGENET_FILES),
        required=True,
        help=f"pytorch, keras, or ImageNet weights: {sources}",
    )
    c.add_argument("--to", dest="dst_framework", choices=FRAMEWORKS, required=True)
    c.add_argument("src", metavar="SRC", help="weights file or run directory")
    c.add_argument("dst", metavar="DST", help="output: .pt for pytorch, .weights.h5 for keras")
    c.add_argument(
        "--model",
        choices=tuple(VARIANTS),
        default=None,
        help="variant of a weights file (taken from a run directory's config)",
    )
    c.add_argument("--batchnorm", action="store_true", default=None)
    c.add_argument("--num-classes", type=int, default=None)
    c.add_argument("--force", action="store_true", help="overwrite DST")
    c.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..arch import spec_for
    from ..backends import get_backend
    from ..runs import RunDir
    from ..weights.port import convert_weights

    src, dst = Path(args.src), Path(args.dst)
    suffix = {"pytorch": (".pt", ".pth"), "keras": (".weights.h5",)}[args.dst_framework]
    if not dst.name.endswith(suffix):
        raise ConfigError(
            f"{dst}: a {args.dst_framework} weights file must end in {' or '.join(suffix)}"
        )
    if dst.exists() and not args.force:
        raise ConfigError(f"{dst} exists; pass --force to overwrite it")
    if args.src_framework in IMAGENET_FILES:
        return _convert_imagenet(args, src, dst)
    if src.is_dir():
        config = RunDir.open(src).config()
        if config.framework != args.src_framework:
            raise ConfigError(f"{src} is a {config.framework} run, not {args.src_framework}")
        for flag in ("model", "batchnorm", "num_classes"):
            if getattr(args, flag) not in (None, getattr(config, flag)):
                raise ConfigError(f"--{flag.replace('_', '-')} disagrees with the run's config")
        src = RunDir(src).checkpoint(get_backend(config.framework).Trainer.checkpoint_suffix)
        if not src.exists():
            raise ConfigError(f"{args.src}: no checkpoint yet; train it first")
    else:
        if not src.is_file():
            raise ConfigError(f"{src}: no such file or run directory")
        if args.model is None:
            raise ConfigError("--model is needed for a weights file (which variant is it?)")
        config = TrainConfig(
            model=args.model, batchnorm=bool(args.batchnorm), num_classes=args.num_classes or 10
        )
    config.validate()
    spec = spec_for(config)
    src_backend, dst_backend = get_backend(args.src_framework), get_backend(args.dst_framework)
    weights = convert_weights(
        spec, src_backend.load_file(src, spec), args.src_framework, args.dst_framework
    )
    model = dst_backend.build(spec)
    dst_backend.import_weights(model, weights)
    dst_backend.save_file(model, dst)
    print(f"{args.src_framework} {spec.name} -> {args.dst_framework}: {dst}")
    return 0


def _convert_imagenet(args: argparse.Namespace, src: Path, dst: Path) -> int:
    """ImageNet weights (1000 classes) into either framework's file format."""
    from ..arch import spec_for
    from ..backends import get_backend
    from ..weights.imagenet import imagenet_weights

    model = IMAGENET_FILES[args.src_framework]
    if args.model not in (None, model):
        raise ConfigError(f"{args.src_framework} weights are for {model}, not {args.model}")
    config = TrainConfig(
        framework=args.dst_framework,
        model=model,
        init="imagenet",
        weights=str(src),
        num_classes=1000,
    ).validate()
    spec = spec_for(config)
    backend = get_backend(args.dst_framework)
    net = backend.build(spec)
    backend.import_weights(net, imagenet_weights(config.framework, spec, config.weights))
    backend.save_file(net, dst)
    print(f"{args.src_framework} ImageNet {model} -> {args.dst_framework}: {dst}")
    return 0
