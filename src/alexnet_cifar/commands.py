"""Subcommands beyond `data` (train, evaluate, summary, bench); cli.py stays a thin shell."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .arch import VARIANTS
from .config import DEVICES, FINETUNES, FRAMEWORKS, INITS, OPTIMIZERS, SCHEDULES, TrainConfig
from .errors import ConfigError
from .preprocess import AUGMENTATIONS, NORMALIZATIONS

def _load_data(args):
    from .cli import load_data_from_args
    return load_data_from_args(args)


IMAGENET_SOURCES = {"torchvision": "alexnet", "caffe-npy": "alexnet-caffe"}
S = argparse.SUPPRESS  # flags not given stay out of the namespace: resume can tell them apart


def _add_model_args(p, suppress=False):
    d = (lambda v: S) if suppress else (lambda v: v)
    p.add_argument("--framework", choices=FRAMEWORKS, default=d("pytorch"),
                   help="which backend runs it (default: pytorch)")
    p.add_argument("--model", choices=tuple(VARIANTS), default=d("alexnet"),
                   help="architecture variant (default: alexnet, 224 px)")
    p.add_argument("--batchnorm", action="store_true", default=d(False),
                   help="BatchNorm after every convolution")
    p.add_argument("--num-classes", type=int, default=d(10), help="outputs (default: 10)")
    p.add_argument("--input-size", type=int, default=d(None),
                   help="input side in px (default: the model's own: 224, 227 or 32)")


def register(sub, add_data_args) -> None:
    defaults = TrainConfig()
    t = sub.add_parser(
        "train", help="train one model and evaluate it on the test set",
        description="Train one model on CIFAR-10, validate every epoch, evaluate on the test set, "
                    "and write everything to a run directory (config.json, metrics.jsonl, "
                    "results.json, checkpoint, TensorBoard events).")
    _add_model_args(t, suppress=True)
    g = t.add_argument_group("training")
    g.add_argument("--init", choices=INITS, default=S,
                   help="scratch, or imagenet: torchvision weights (alexnet), bvlc_alexnet.npy "
                        "(alexnet-caffe), keras.applications (vgg16, keras) (default: scratch)")
    g.add_argument("--weights", metavar="FILE", default=S,
                   help="local ImageNet weights: alexnet-owt-7be5be79.pth, bvlc_alexnet.npy or "
                        "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5 (default: download "
                        "or cache)")
    g.add_argument("--finetune", choices=FINETUNES, default=S,
                   help="pretrained only: train the new head alone, everything at --lr, or the "
                        "backbone at --lr x --backbone-lr-factor (default: discriminative)")
    g.add_argument("--backbone-lr-factor", type=float, default=S, help="(default: 0.1)")
    g.add_argument("--epochs", type=int, default=S, help=f"(default: {defaults.epochs})")
    g.add_argument("--batch-size", type=int, default=S, help=f"(default: {defaults.batch_size})")
    g.add_argument("--optimizer", choices=OPTIMIZERS, default=S, help="(default: sgd)")
    g.add_argument("--lr", type=float, default=S, help=f"base learning rate (default: {defaults.lr})")
    g.add_argument("--momentum", type=float, default=S, help="SGD momentum (default: 0.9)")
    g.add_argument("--weight-decay", type=float, default=S, help="(default: 5e-4)")
    g.add_argument("--schedule", choices=SCHEDULES, default=S,
                   help="learning-rate schedule, stepped per batch; plateau = x0.1 after 2 "
                        "epochs without a lower validation loss (default: cosine)")
    g.add_argument("--early-stopping", type=int, metavar="N", default=S,
                   help="stop after N epochs without a better validation accuracy")
    g.add_argument("--step-size", type=int, default=S,
                   help="epochs between x0.1 steps of --schedule step (default: 10)")
    g.add_argument("--label-smoothing", type=float, default=S, help="(default: 0)")
    g.add_argument("--augment", choices=tuple(AUGMENTATIONS), default=S,
                   help="none | flip | standard = flip + 4 px shift + 10 deg rotation + 10%% zoom "
                        "(default: standard)")
    g.add_argument("--normalization", choices=tuple(NORMALIZATIONS), default=S,
                   help="input normalization (default: cifar mean/std from scratch)")
    g.add_argument("--limit-train", type=int, default=S,
                   help="use a stratified subset of N training images (before the validation split)")
    g.add_argument("--limit-test", type=int, default=S, help="evaluate on a stratified N test images")
    g.add_argument("--val-fraction", type=float, default=S,
                   help="share of the training images held out for validation (default: 0.1)")
    g.add_argument("--seed", type=int, default=S, help="(default: 0)")
    g.add_argument("--device", choices=DEVICES, default=S, help="(default: auto)")
    g.add_argument("--compile", action="store_true", default=S, help="torch.compile the model")
    g.add_argument("--no-amp", dest="amp", action="store_false", default=S,
                   help="no bf16 autocast on CUDA")
    out = t.add_mutually_exclusive_group(required=True)
    out.add_argument("--out", metavar="RUN_DIR", default=S, help="new run directory")
    out.add_argument("--resume", metavar="RUN_DIR", default=S,
                     help="continue an interrupted run (only --epochs may change)")
    add_data_args(t)
    t.add_argument("--quiet", action="store_true", help="no progress bars")
    t.set_defaults(func=cmd_train)

    e = sub.add_parser("evaluate", help="re-evaluate a run's checkpoint on the test set",
                       description="Load RUN_DIR's checkpoint, evaluate it on the run's test "
                                   "images and rewrite results.json.")
    e.add_argument("run_dir", metavar="RUN_DIR")
    add_data_args(e)
    e.add_argument("--quiet", action="store_true", help="no progress bars")
    e.set_defaults(func=cmd_evaluate)

    s = sub.add_parser("summary", help="layer table, output shapes, parameters, MACs")
    _add_model_args(s)
    s.add_argument("--json", action="store_true", help="print JSON")
    s.set_defaults(func=cmd_summary)

    c = sub.add_parser(
        "convert", help="port weights between PyTorch and Keras",
        description="Convert weights between frameworks: a PyTorch state_dict (.pt/.pth) or a "
                    "Keras .weights.h5, or a run directory (its checkpoint and model settings). "
                    "Convolution kernels are transposed, dense kernels transposed and the first "
                    "dense layer's rows re-ordered from C,H,W to H,W,C (or back).")
    c.add_argument("--from", dest="src_framework", choices=(*FRAMEWORKS, *IMAGENET_SOURCES),
                   required=True, help="pytorch, keras, or ImageNet weights: torchvision "
                                       "(.pth state_dict of alexnet) or caffe-npy "
                                       "(bvlc_alexnet.npy, alexnet-caffe)")
    c.add_argument("--to", dest="dst_framework", choices=FRAMEWORKS, required=True)
    c.add_argument("src", metavar="SRC", help="weights file or run directory")
    c.add_argument("dst", metavar="DST", help="output: .pt for pytorch, .weights.h5 for keras")
    c.add_argument("--model", choices=tuple(VARIANTS), default=None,
                   help="variant of a weights file (taken from a run directory's config)")
    c.add_argument("--batchnorm", action="store_true", default=None)
    c.add_argument("--num-classes", type=int, default=None)
    c.add_argument("--force", action="store_true", help="overwrite DST")
    c.set_defaults(func=cmd_convert)

    st = sub.add_parser(
        "study", help="run the comparison matrix from a preset, then write the report",
        description="Run every row of a preset (scratch vs pretrained, PyTorch vs Keras) into "
                    "DIR/runs/<row>/, record each row's status in DIR/study.json, and write "
                    "the report into DIR/report/. Rows whose ImageNet weights are missing are "
                    "skipped with the reason; a failing row does not stop the others.",
        epilog="presets: smoke (minutes on a CPU, numbers meaningless), quick (32 px scratch "
               "rows on all of CIFAR-10, about an hour on 2 cores), paper and fair (224 px, "
               "20 epochs: a GPU). A .yaml file of your own works the same.")
    st.add_argument("--preset", required=True, help="smoke | quick | paper | fair | FILE.yaml")
    st.add_argument("--out", required=True, metavar="DIR")
    st.add_argument("--only", nargs="+", metavar="ROW", help="run only these rows")
    st.add_argument("--resume", action="store_true",
                    help="continue a study: finished rows are kept, interrupted ones resumed")
    st.add_argument("--weights-dir", metavar="DIR",
                    help="folder holding alexnet-owt-7be5be79.pth, bvlc_alexnet.npy and/or "
                         "vgg16_weights_tf_dim_ordering_tf_kernels_notop.h5")
    st.add_argument("--lang", nargs="+", choices=("en", "es"), default=["en"])
    st.add_argument("--quiet", action="store_true", help="no progress bars")
    add_data_args(st)
    st.set_defaults(func=cmd_study)

    rp = sub.add_parser("report", help="tables, figures and findings from run directories",
                        description="Write DIR/report/report.<lang>.md and .html from a study "
                                    "folder (or any folder of run directories).")
    rp.add_argument("dir", metavar="DIR")
    rp.add_argument("--lang", nargs="+", choices=("en", "es"), default=["en"])
    rp.add_argument("--format", default="md,html", help="md, html or md,html (default)")
    rp.set_defaults(func=cmd_report)

    pr = sub.add_parser(
        "predict", help="top classes for image files",
        description="Classify image files with a trained run (--run RUN_DIR), or with ImageNet "
                    "weights directly (--init imagenet --model alexnet|alexnet-caffe).")
    pr.add_argument("images", metavar="IMAGE", nargs="+")
    src = pr.add_mutually_exclusive_group(required=True)
    src.add_argument("--run", metavar="RUN_DIR", help="a run directory from `train`")
    src.add_argument("--init", choices=("imagenet",), help="use ImageNet weights (1000 classes)")
    pr.add_argument("--framework", choices=FRAMEWORKS, default="pytorch")
    pr.add_argument("--model", choices=("alexnet", "alexnet-caffe"), default="alexnet")
    pr.add_argument("--weights", metavar="FILE", help="local ImageNet weights file")
    pr.add_argument("--top", type=int, default=3, help="classes shown per image (default: 3)")
    pr.add_argument("--json", action="store_true", help="JSON with the full probability vector")
    pr.set_defaults(func=cmd_predict)

    b = sub.add_parser(
        "bench", help="measure training and inference images/s",
        description="Images per second for (a) compute only, on a batch already on the device, "
                    "(b) the real input pipeline from uint8 CIFAR arrays, and (c) the naive "
                    "PIL DataLoader pipeline of the earlier studies; writes JSON.")
    _add_model_args(b)
    b.add_argument("--batch-size", type=int, default=64)
    b.add_argument("--steps", type=int, default=5, help="timed steps per measurement (default: 5)")
    b.add_argument("--warmup", type=int, default=2, help="untimed steps first (default: 2)")
    b.add_argument("--device", choices=DEVICES, default="auto")
    b.add_argument("--no-naive", action="store_true", help="skip the naive PIL pipeline")
    b.add_argument("--output", metavar="FILE", help="JSON file (default: bench-FRAMEWORK-MODEL.json)")
    add_data_args(b)
    b.set_defaults(func=cmd_bench)


CONFIG_KEYS = {f for f in TrainConfig.__dataclass_fields__}


def cmd_train(args) -> int:
    from .api import preflight, train
    given = {k: v for k, v in vars(args).items() if k in CONFIG_KEYS}
    if "resume" in vars(args):
        from .runs import RunDir
        config = RunDir.open(args.resume).config()
        changed = sorted(k for k, v in given.items()
                         if k not in ("epochs", "data_dir") and v != getattr(config, k))
        if changed:
            raise ConfigError(f"--resume keeps the run's settings; drop "
                              f"{', '.join('--' + c.replace('_', '-') for c in changed)}")
        for k in ("epochs", "data_dir"):
            if given.get(k) is not None:
                setattr(config, k, given[k])
        config.out = args.resume  # the folder named now, wherever the run was first made
        resume = True
    else:
        config = TrainConfig(**given)
        resume = False
    preflight(config, resume)  # bad values fail here, before the data is loaded
    args.data_dir = config.data_dir
    results = train(config, data=_load_data(args), resume=resume, progress=not args.quiet)
    _print_results(results, Path(config.out))
    return 0


def _print_results(results: dict, run_dir: Path) -> None:
    print(f"{results['framework']} {results['model']} ({results['init']}): test accuracy "
          f"{results['test_accuracy']:.4f} on {results['num_test_images']:,} images after "
          f"{results['epochs']} epoch(s), {results['seconds_per_epoch'] or 0:.1f} s/epoch")
    width = max(map(len, results["per_class_accuracy"]))
    for name, acc in results["per_class_accuracy"].items():
        print(f"  {name:<{width}}  {acc:.4f}")
    print(f"run directory: {run_dir}")


def cmd_evaluate(args) -> int:
    from .api import evaluate
    from .runs import RunDir
    run = RunDir.open(args.run_dir)
    args.data_dir = args.data_dir or run.config().data_dir
    results = evaluate(run.path, data=_load_data(args), progress=not args.quiet)
    _print_results(results, run.path)
    return 0


def cmd_summary(args) -> int:
    from .experiment import spec_for
    from .summary import format_summary, summary_dict
    config = TrainConfig(framework=args.framework, model=args.model, batchnorm=args.batchnorm,
                         num_classes=args.num_classes, input_size=args.input_size).validate()
    spec = spec_for(config)
    info = summary_dict(spec)
    from .api import build_model, count_parameters
    model = build_model(args.framework, args.model, num_classes=args.num_classes,
                        batchnorm=args.batchnorm, input_size=args.input_size)
    info["framework_parameters"] = {args.framework: count_parameters(model)}
    print(json.dumps(info, indent=2) if args.json else format_summary(info))
    return 0


def cmd_bench(args) -> int:
    from . import atomic
    from .backends import get_backend
    if args.batch_size < 1 or args.steps < 1 or args.warmup < 0:
        raise ConfigError("--batch-size and --steps must be >= 1, --warmup >= 0")
    config = TrainConfig(framework=args.framework, model=args.model, batchnorm=args.batchnorm,
                         num_classes=args.num_classes, input_size=args.input_size,
                         device=args.device).validate()
    data = _load_data(args)
    backend = get_backend(args.framework)
    result = backend.bench(config, data, batch_size=args.batch_size, steps=args.steps,
                           warmup=args.warmup, naive=not args.no_naive)
    from .bench import format_bench
    print(format_bench(result))
    output = Path(args.output or f"bench-{args.framework}-{args.model}.json")
    atomic.write_json(output, result)
    print(f"written: {output}", file=sys.stderr)
    return 0


def cmd_convert(args) -> int:
    from .backends import get_backend
    from .api import convert_weights
    from .experiment import spec_for
    from .runs import RunDir
    src, dst = Path(args.src), Path(args.dst)
    suffix = {"pytorch": (".pt", ".pth"), "keras": (".weights.h5",)}[args.dst_framework]
    if not dst.name.endswith(suffix):
        raise ConfigError(f"{dst}: a {args.dst_framework} weights file must end in "
                          f"{' or '.join(suffix)}")
    if dst.exists() and not args.force:
        raise ConfigError(f"{dst} exists; pass --force to overwrite it")
    if args.src_framework in IMAGENET_SOURCES:
        return _convert_imagenet(args, src, dst)
    if src.is_dir():
        config = RunDir.open(src).config()
        if config.framework != args.src_framework:
            raise ConfigError(f"{src} is a {config.framework} run, not {args.src_framework}")
        for flag in ("model", "batchnorm", "num_classes"):
            if getattr(args, flag) not in (None, getattr(config, flag)):
                raise ConfigError(f"--{flag.replace('_', '-')} disagrees with the run's config")
        src = RunDir(src).checkpoint(get_backend(config.framework).CHECKPOINT)
        if not src.exists():
            raise ConfigError(f"{args.src}: no checkpoint yet; train it first")
    else:
        if not src.is_file():
            raise ConfigError(f"{src}: no such file or run directory")
        if args.model is None:
            raise ConfigError("--model is needed for a weights file (which variant is it?)")
        config = TrainConfig(model=args.model, batchnorm=bool(args.batchnorm),
                             num_classes=args.num_classes or 10)
    config.validate()
    spec = spec_for(config)
    src_backend, dst_backend = get_backend(args.src_framework), get_backend(args.dst_framework)
    weights = convert_weights(spec, src_backend.load_file(src, spec), args.src_framework,
                              args.dst_framework)
    model = dst_backend.build(spec)
    dst_backend.import_weights(model, weights)
    dst_backend.save_file(model, dst)
    print(f"{args.src_framework} {spec.name} -> {args.dst_framework}: {dst}")
    return 0


def _convert_imagenet(args, src: Path, dst: Path) -> int:
    """ImageNet weights (1000 classes) into either framework's file format."""
    from .backends import get_backend
    from .weights.pretrained import imagenet_weights
    model = IMAGENET_SOURCES[args.src_framework]
    if args.model not in (None, model):
        raise ConfigError(f"{args.src_framework} weights are for {model}, not {args.model}")
    config = TrainConfig(framework=args.dst_framework, model=model, init="imagenet",
                         weights=str(src), num_classes=1000).validate()
    from .experiment import spec_for
    spec = spec_for(config)
    backend = get_backend(args.dst_framework)
    net = backend.build(spec)
    backend.import_weights(net, imagenet_weights(config, spec))
    backend.save_file(net, dst)
    print(f"{args.src_framework} ImageNet {model} -> {args.dst_framework}: {dst}")
    return 0


def cmd_predict(args) -> int:
    from .predict import predict
    if args.top < 1:
        raise ConfigError("--top must be >= 1")
    config = None if args.run else TrainConfig(
        framework=args.framework, model=args.model, init="imagenet", weights=args.weights,
        num_classes=1000)
    results = predict(args.images, run_dir=args.run, config=config, top=args.top)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    for r in results:
        print(r["image"] + ": " + ", ".join(f"{n} {p:.3f}" for n, p in r["top"]))
    return 0


def cmd_study(args) -> int:
    from .report import write_report
    from .study import load_preset, row_configs, run_study
    # every row's config is checked before the data is even loaded
    row_configs(load_preset(args.preset), Path(args.out), args.only, args.data_dir,
                args.weights_dir)
    record = run_study(args.preset, args.out, only=args.only, resume=args.resume,
                       data=_load_data(args), data_dir=args.data_dir,
                       weights_dir=args.weights_dir, progress=not args.quiet)
    for path in write_report(args.out, langs=args.lang):
        print(f"report: {path}")
    failed = [n for n, r in record["rows"].items() if r["status"] == "failed"]
    if failed:
        print(f"alexnet-cifar: {len(failed)} row(s) failed: {', '.join(failed)} "
              f"(reasons in {Path(args.out) / 'study.json'})", file=sys.stderr)
        return 1
    return 0


def cmd_report(args) -> int:
    from .report import FORMATS, write_report
    formats = [f.strip() for f in args.format.split(",") if f.strip()]
    bad = sorted(set(formats) - set(FORMATS))
    if bad or not formats:
        raise ConfigError(f"--format {args.format}: choose md, html or md,html")
    for path in write_report(args.dir, langs=args.lang, formats=formats):
        print(f"report: {path}")
    return 0
