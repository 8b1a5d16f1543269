"""`alexnet-cifar summary`: a model's layer table, shapes, parameters and MACs."""

from __future__ import annotations

import argparse
import json

from ..config import TrainConfig
from . import options


def register(sub) -> None:
    s = sub.add_parser("summary", help="layer table, output shapes, parameters, MACs")
    options.add_config_flags(s, options.MODEL_FLAGS)
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from ..api import build_model, count_parameters
    from ..arch import spec_for
    from ..summary import format_summary, summary_dict

    config = TrainConfig(**options.config_values(args)).validate()
    info = summary_dict(spec_for(config))
    model = build_model(
        config.framework,
        config.model,
        num_classes=config.num_classes,
        batchnorm=config.batchnorm,
        input_size=config.input_size,
    )
    info["framework_parameters"] = {config.framework: count_parameters(model)}
    print(json.dumps(info, indent=2) if args.json else format_summary(info))
    return 0
