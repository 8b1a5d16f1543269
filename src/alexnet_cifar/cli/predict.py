"""`alexnet-cifar predict`: top classes for image files, from a run or ImageNet weights."""

from __future__ import annotations

import argparse
import json

from ..config import FRAMEWORKS, TrainConfig
from ..errors import ConfigError
from ..weights.registry import SOURCES
from .options import add_precision_arg

WHOLE_MODELS = tuple(s.model for s in SOURCES.values() if s.has_classifier)


def register(sub) -> None:
    pr = sub.add_parser(
        "predict",
        help="top classes for image files",
        description="Classify image files with a trained run (--run RUN_DIR), or with ImageNet "
        f"weights directly (--init imagenet --model {'|'.join(WHOLE_MODELS)}).",
    )
    pr.add_argument("images", metavar="IMAGE", nargs="+")
    src = pr.add_mutually_exclusive_group(required=True)
    src.add_argument("--run", metavar="RUN_DIR", help="a run directory from `train`")
    src.add_argument("--init", choices=("imagenet",), help="use ImageNet weights (1000 classes)")
    pr.add_argument("--framework", choices=FRAMEWORKS, default="pytorch", help="(default: pytorch)")
    pr.add_argument(
        "--model",
        choices=WHOLE_MODELS,
        default=WHOLE_MODELS[0],
        help=f"(default: {WHOLE_MODELS[0]})",
    )
    pr.add_argument("--weights", metavar="FILE", help="local ImageNet weights file")
    pr.add_argument("--top", type=int, default=3, help="classes shown per image (default: 3)")
    pr.add_argument("--json", action="store_true", help="JSON with the full probability vector")
    add_precision_arg(pr, "default: auto", default="auto")
    pr.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..predict import predict

    if args.top < 1:
        raise ConfigError("--top must be >= 1")
    config = (
        None
        if args.run
        else TrainConfig(
            framework=args.framework,
            model=args.model,
            init="imagenet",
            weights=args.weights,
            num_classes=1000,
        )
    )
    results = predict(
        args.images, run_dir=args.run, config=config, top=args.top, precision=args.precision
    )
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    for r in results:
        print(r["image"] + ": " + ", ".join(f"{n} {p:.3f}" for n, p in r["top"]))
    return 0
