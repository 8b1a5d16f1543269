"""The typed run configuration; every value is checked before any work starts.

Each field carries its command-line help, group and choices as metadata, so the ``train``
flags are generated from this one declaration (cli/options.py) and cannot drift from it.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from .arch import VARIANTS, spec_for
from .data.classes import CLASS_NAMES
from .errors import ConfigError
from .preprocess import AUGMENTATIONS, CROP_SIDE, NORMALIZATIONS
from .weights.registry import PretrainedSource, new_layers, pretrained_rows, source_for

NUM_CLASSES = 10  # CIFAR-10's
# what --precision takes: auto picks bf16 where the hardware has it (training/precision.py)
PRECISIONS = ("auto", "fp32", "bf16", "fp16")

FRAMEWORKS = ("pytorch", "keras")
INITS = ("scratch", "imagenet")
FINETUNES = ("head", "full", "discriminative")
MODELS = tuple(VARIANTS)
OPTIMIZERS = ("sgd", "adam", "adamw")
SCHEDULES = ("none", "step", "cosine", "onecycle", "plateau")
DEVICES = ("auto", "cpu", "cuda")
DECAY_SCOPES = ("all", "weights")
TTAS = ("none", "flip")
CHANNEL_ORDERS = ("rgb", "bgr")


def option(
    default: Any,
    help: str,
    group: str,
    choices: tuple | None = None,
    metavar: str | None = None,
    cli: bool = True,
    recipe: bool = False,
    nargs: str | None = None,
) -> Any:
    """A config field with what its command-line flag needs; ``cli=False``: no generated flag;
    ``recipe``: a line of the report's recipe table (what a reader needs to re-train a row)."""
    meta = {
        "help": help,
        "group": group,
        "choices": choices,
        "metavar": metavar,
        "cli": cli,
        "recipe": recipe,
        "nargs": nargs,
    }
    return dataclasses.field(default=default, metadata=meta)


@dataclass
class TrainConfig:
    framework: str = option("pytorch", "which backend trains it", "model", FRAMEWORKS)
    model: str = option("alexnet", "architecture variant (alexnet is 224 px)", "model", MODELS)
    batchnorm: bool = option(False, "BatchNorm after every convolution", "model", recipe=True)
    num_classes: int = option(NUM_CLASSES, "outputs (with --classes: their number)", "model")
    dropout: float = option(
        0.5, "rate of both dropout layers of the classifier", "model", recipe=True
    )
    input_size: int | None = option(
        None,
        "input side in px (default: the model's own: 224, 227 or 32)",
        "model",
        metavar="PX",
        recipe=True,
    )
    init_from: str | None = option(
        None,
        "start from these weights instead of a random init: a weights file or run folder "
        "of either framework (anything `convert` reads)",
        "model",
        metavar="FILE|RUN_DIR",
    )
    init: str = option(
        "scratch",
        "scratch, or imagenet: torchvision weights (alexnet), bvlc_alexnet.npy "
        "(alexnet-caffe), keras.applications (vgg16, keras)",
        "pretrained",
        INITS,
    )
    weights: str | None = option(
        None,
        "local ImageNet weights: alexnet-owt-7be5be79.pth, bvlc_alexnet.npy or "
        "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5 (default: download or cache)",
        "pretrained",
        metavar="FILE",
    )
    finetune: str = option(
        "discriminative",
        "pretrained only: train the new head alone, everything at --lr, or "
        "the backbone at --lr x --backbone-lr-factor",
        "pretrained",
        FINETUNES,
        recipe=True,
    )
    backbone_lr_factor: float = option(
        0.1, "discriminative: backbone learning rate = --lr x this", "pretrained"
    )
    epochs: int = option(20, "training epochs", "optimization", recipe=True)
    batch_size: int = option(128, "images per step", "optimization", recipe=True)
    optimizer: str = option("sgd", "optimizer", "optimization", OPTIMIZERS, recipe=True)
    lr: float = option(0.01, "base learning rate", "optimization", recipe=True)
    momentum: float = option(0.9, "SGD momentum", "optimization", recipe=True)
    weight_decay: float = option(
        5e-4,
        "weight decay: added to the gradient as in PyTorch's SGD and Adam (coupled); "
        "AdamW's own decoupled decay",
        "optimization",
        recipe=True,
    )
    decay_on: str = option(
        "all",
        "which parameters decay: all (PyTorch's default) or weights (conv and linear "
        "kernels; no decay on biases and BatchNorm)",
        "optimization",
        DECAY_SCOPES,
        recipe=True,
    )
    label_smoothing: float = option(
        0.0, "label smoothing of the cross-entropy", "optimization", recipe=True
    )
    schedule: str = option(
        "cosine",
        "learning-rate schedule, stepped per batch; plateau = x0.1 after 2 epochs "
        "without a lower validation loss",
        "schedule",
        SCHEDULES,
        recipe=True,
    )
    step_size: int = option(
        10, "epochs between x0.1 steps of --schedule step", "schedule", recipe=True
    )
    early_stopping: int | None = option(
        None, "stop after N epochs without a better validation accuracy", "schedule", metavar="N"
    )
    augment: str = option(
        "standard",
        "none | flip | standard = flip + 4 px shift + 10 deg rotation + 10%% zoom | crop = "
        "pad 4 px (mirrored), random 32 px crop, flip (32 px input only)",
        "input",
        tuple(AUGMENTATIONS),
        recipe=True,
    )
    cutout: int = option(
        0,
        "set a PX x PX square of each training image, at a random centre, to the mean "
        "(0 after normalization); 0: off",
        "input",
        metavar="PX",
        recipe=True,
    )
    ema: float | None = option(
        None,
        "validate and test an exponential moving average of the weights, updated after every "
        "step with this decay (e.g. 0.999); BatchNorm statistics are the model's own",
        "evaluation",
        metavar="DECAY",
        recipe=True,
    )
    tta: str = option(
        "none",
        "test-time augmentation: flip averages the logits of each test image and its mirror; "
        "results.json gives the single-view accuracy beside it",
        "evaluation",
        TTAS,
        recipe=True,
    )
    channels: str = option(
        "rgb",
        "the order the images' colour channels reach the model in: rgb (CIFAR-10's), or bgr, "
        "to measure what a start trained on RGB loses when fed BGR (Caffe's convention, "
        "unconverted)",
        "input",
        CHANNEL_ORDERS,
        recipe=True,
    )
    normalization: str | None = option(
        None,
        "input normalization (default: cifar mean/std from scratch, the weights' own "
        "when pretrained)",
        "input",
        tuple(NORMALIZATIONS),
    )
    classes: list[str] | None = option(
        None,
        "train, validate and test on these CIFAR-10 classes only, relabelled 0..k-1 in the "
        "order given (e.g. --classes dog frog horse ship truck); --num-classes follows them",
        "data split",
        metavar="NAME",
        recipe=True,
        nargs="+",
    )
    limit_train: int | None = option(
        None,
        "use a stratified subset of N training images (before the validation split)",
        "data split",
        metavar="N",
        recipe=True,
    )
    limit_test: int | None = option(
        None, "evaluate on a stratified N test images", "data split", metavar="N"
    )
    val_fraction: float = option(
        0.1, "share of the training images held out for validation", "data split"
    )
    seed: int = option(0, "seed of the split, initialisation, order and augmentation", "data split")
    device: str = option("auto", "where to train", "runtime", DEVICES)
    speed_probe: int = option(
        0,
        "time this many compute-only training steps of a fresh copy of the model before "
        "training and record their images/s (machine_speed), for reading only: a few steps "
        "catch the process's start-up too, so a report judges the machine by other "
        "processes' CPU use and the runs' own epochs; 0 (default): off",
        "runtime",
        metavar="STEPS",
    )
    compile: bool = option(False, "torch.compile / XLA-compile the model", "runtime")
    sync_bn: bool = option(
        False,
        "data-parallel runs on GPUs: BatchNorm statistics over the global batch (SyncBatchNorm)"
        " instead of each process's share",
        "runtime",
    )
    precision: str = option(
        "auto",
        "arithmetic precision; auto: bf16 on GPUs of compute capability 8.0+ and on CPUs with "
        "bf16 instructions, fp16 with loss scaling on older GPUs, else fp32. A run records "
        "the precision it used",
        "runtime",
        PRECISIONS,
        recipe=True,
    )
    data_dir: str | None = option(None, "CIFAR-10 source", "data", cli=False)
    out: str | None = option(None, "run directory", "run", cli=False)

    def validate(self) -> TrainConfig:
        """Check every value; returns self. Raises ConfigError naming the flag and the fix."""
        self._validate_classes()

        def choice(name: str, options: tuple) -> None:
            value = getattr(self, name)
            if value not in options:
                raise ConfigError(
                    f"--{name.replace('_', '-')} {value!r} is not known; choose "
                    f"one of: {', '.join(options)}"
                )

        for f in fields(self):
            if f.metadata["choices"] and not (f.default is None and getattr(self, f.name) is None):
                choice(f.name, f.metadata["choices"])
        positive = {
            "epochs": self.epochs,
            "batch_size": self.batch_size,
            "num_classes": self.num_classes,
            "step_size": self.step_size,
        }
        for opt in ("limit_train", "limit_test", "input_size", "early_stopping"):
            if getattr(self, opt) is not None:
                positive[opt] = getattr(self, opt)
        for name, value in positive.items():
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ConfigError(
                    f"--{name.replace('_', '-')} must be a positive integer, got {value!r}"
                )
        if not 0 < self.backbone_lr_factor <= 1:
            raise ConfigError(
                f"--backbone-lr-factor must be in (0, 1], got {self.backbone_lr_factor!r}"
            )
        self._validate_pretrained()
        if not self.lr > 0:
            raise ConfigError(f"--lr must be positive, got {self.lr!r}")
        for name in ("momentum", "label_smoothing"):
            if not 0 <= getattr(self, name) < 1:
                raise ConfigError(
                    f"--{name.replace('_', '-')} must be in [0, 1), got {getattr(self, name)!r}"
                )
        if self.weight_decay < 0:
            raise ConfigError(f"--weight-decay must be >= 0, got {self.weight_decay!r}")
        probe = self.speed_probe
        if not isinstance(probe, int) or isinstance(probe, bool) or probe < 0:
            raise ConfigError(f"--speed-probe must be a whole number >= 0, got {probe!r}")
        if not 0 <= self.dropout < 1:
            raise ConfigError(f"--dropout must be in [0, 1), got {self.dropout!r}")
        if self.init_from is not None and self.init != "scratch":
            raise ConfigError("--init-from gives the starting weights itself; drop --init imagenet")
        if self.sync_bn and not self.batchnorm:
            raise ConfigError("--sync-bn: this model has no BatchNorm; add --batchnorm or drop it")
        if not 0 <= self.val_fraction < 1:
            raise ConfigError(f"--val-fraction must be in [0, 1), got {self.val_fraction!r}")
        self._validate_recipe()
        if self.val_fraction == 0 and (self.schedule == "plateau" or self.early_stopping):
            raise ConfigError(
                "--schedule plateau and --early-stopping watch the validation "
                "set; set --val-fraction above 0"
            )
        if self.limit_train is not None and self.batch_size > self.limit_train * (
            1 - self.val_fraction
        ):
            raise ConfigError(
                f"--batch-size {self.batch_size} is larger than the "
                f"{int(self.limit_train * (1 - self.val_fraction))} training images "
                "left after the validation split; lower it or raise --limit-train"
            )
        return self

    def _validate_classes(self) -> None:
        """--classes: two or more CIFAR-10 names, each once; --num-classes follows them."""
        if self.classes is None:
            return
        names, valid = list(self.classes), CLASS_NAMES["en"]
        unknown = [n for n in names if n not in valid]
        repeated = sorted({n for n in names if names.count(n) > 1})
        problem = (
            f"{', '.join(unknown)} "
            + ("is not a CIFAR-10 class" if len(unknown) == 1 else "are not CIFAR-10 classes")
            if unknown
            else f"{', '.join(repeated)} given twice"
            if repeated
            else "give two or more classes"
            if len(names) < 2
            else ""
        )
        if problem:
            raise ConfigError(f"--classes: {problem}; choose from {', '.join(valid)}")
        if self.num_classes == NUM_CLASSES:
            self.num_classes = len(names)  # the default follows the classes kept
        elif self.num_classes != len(names):
            raise ConfigError(
                f"--num-classes {self.num_classes} does not match the {len(names)} classes of "
                "--classes; drop --num-classes"
            )
        self.classes = names

    def _validate_recipe(self) -> None:
        """--augment crop, --cutout and --ema: each named with its valid range."""
        side = spec_for(self).input_size
        if self.augment == "crop" and side != CROP_SIDE:
            raise ConfigError(
                f"--augment crop pads and crops the {CROP_SIDE} px image; this model's input is "
                f"{side} px: use it with --input-size {CROP_SIDE} (alexnet-cifar), or --augment "
                "standard at other sizes"
            )
        if not isinstance(self.cutout, int) or isinstance(self.cutout, bool):
            raise ConfigError(f"--cutout must be a whole number of pixels, got {self.cutout!r}")
        if not 0 <= self.cutout <= side:
            raise ConfigError(
                f"--cutout must be between 0 (off) and the {side} px input side, got {self.cutout}"
            )
        if self.ema is not None and not 0 < self.ema < 1:
            raise ConfigError(
                f"--ema must be in (0, 1), a decay per step such as 0.999; got {self.ema!r}"
            )

    def _validate_pretrained(self) -> None:
        if self.init != "imagenet":
            if self.weights is not None:
                raise ConfigError("--weights is for --init imagenet")
            return
        if self.pretrained is None:
            rows = ", ".join(f"{f} {m}" for f, m in pretrained_rows())
            raise ConfigError(
                f"no ImageNet weights for {self.framework} {self.model}; "
                f"--init imagenet works for: {rows}"
            )
        if self.batchnorm:
            raise ConfigError(
                "--batchnorm with --init imagenet: the ImageNet weights have "
                "no BatchNorm layers; drop --batchnorm"
            )
        if self.finetune == "head" and not new_layers(self.pretrained, spec_for(self)):
            raise ConfigError(
                "--finetune head with the ImageNet classifier kept (1000 classes) "
                "leaves nothing to train; use --finetune full or discriminative"
            )

    @property
    def pretrained(self) -> PretrainedSource | None:
        """The ImageNet source this run starts from (None when trained from scratch)."""
        return source_for(self.framework, self.model) if self.init == "imagenet" else None

    @property
    def normalization_name(self) -> str:
        if self.normalization:
            return self.normalization
        return self.pretrained.normalization if self.pretrained else "cifar"

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> TrainConfig:
        d = upgrade_config(d)
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(d) - known)
        if unknown:
            raise ConfigError(f"unknown config keys: {', '.join(unknown)}")
        return cls(**d)

    @classmethod
    def load(cls, path: str | Path) -> TrainConfig:
        try:
            return cls.from_dict(json.loads(Path(path).read_text()))
        except (OSError, json.JSONDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read the run config ({exc})") from exc


def upgrade_config(d: dict[str, Any]) -> dict[str, Any]:
    """A config written before --precision had ``amp``: bf16 autocast on CUDA only, so such a
    run computed in fp32 unless it named --device cuda."""
    if "amp" not in d:
        return d
    amp = d["amp"]
    d = {k: v for k, v in d.items() if k != "amp"}
    d.setdefault("precision", "bf16" if amp and d.get("device") == "cuda" else "fp32")
    return d
