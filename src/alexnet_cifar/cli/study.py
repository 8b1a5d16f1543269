"""`alexnet-cifar study`: every row of a preset, then the report."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import ConfigError
from ..report.i18n import LANGUAGES
from ..study.matrix import preset_names
from ..weights.registry import SOURCES
from . import options


def register(sub) -> None:
    st = sub.add_parser(
        "study",
        help="run the comparison matrix from a preset, then write the report",
        description="Run every row of a preset (scratch vs pretrained, PyTorch vs Keras) into "
        "DIR/runs/<row>/seed-<seed>/, record each row's status in DIR/study.json, and write "
        "the report into DIR/report/. Rows whose ImageNet weights are missing are "
        "skipped with the reason; a failing row does not stop the others.",
        epilog="presets: smoke (minutes on a CPU, numbers meaningless), quick (32 px scratch "
        "rows on all of CIFAR-10, 3 seeds, about two hours on 2 cores), modern (the 32 px "
        "scratch rows with a modern recipe, 30 epochs, 3 seeds, under an hour a run on a 2-core "
        "CPU with bf16), "
        "paper and fair (224 px, 20 epochs: minutes a run on a GPU; a run took 1.5 hours "
        "(PyTorch) and 2 (Keras) on a 2-core AMD EPYC Zen 5 with bf16, PyTorch's about 3 on a "
        "Zen 4), transfer (a "
        "five-class source fine-tuned on the other five classes at 50, 500 and 4,500 images "
        "per class; several hours a seed on a 2-core CPU with bf16). A .yaml file of your own "
        "works the same.",
    )
    st.add_argument("--preset", required=True, help=" | ".join([*preset_names(), "FILE.yaml"]))
    st.add_argument("--out", required=True, metavar="DIR")
    st.add_argument("--only", nargs="+", metavar="ROW", help="run only these rows")
    st.add_argument(
        "--resume",
        action="store_true",
        help="continue a study: finished rows are kept, interrupted ones resumed",
    )
    st.add_argument(
        "--weights-dir",
        metavar="DIR",
        help="folder holding " + ", ".join(s.file_name for s in SOURCES.values()),
    )
    st.add_argument(
        "--seeds",
        type=int,
        metavar="N",
        help="run every row with N seeds (seed, seed+1, ...); default: the preset's "
        "seeds: key, else 1. The report shows mean, spread and paired tests over seeds",
    )
    st.add_argument(
        "--executor",
        choices=("local", "ray"),
        default="local",
        help="local: one run after another here (default); ray: every (row, seed) as a Ray "
        "task across a cluster that mounts DIR at the same path (pip install "
        "'alexnet-cifar[ray]')",
    )
    st.add_argument(
        "--address",
        metavar="HOST:PORT",
        help="--executor ray: the cluster's head (`ray start --head` prints it); default: a "
        "new local Ray instance on this machine",
    )
    st.add_argument(
        "--allow-dirty",
        action="store_true",
        help="run from a package source with uncommitted changes, or other than the one the "
        "study started with; the report then warns that its commit does not hold all the code",
    )
    options.add_precision_arg(st, "default: the preset's precision: key, else auto")
    add_lang_arg(st)
    options.add_data_args(st)
    st.set_defaults(func=run)


def add_lang_arg(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--lang",
        nargs="+",
        choices=LANGUAGES,
        default=["en"],
        help="report languages (default: en)",
    )


def run(args: argparse.Namespace) -> int:
    from ..report import write_report
    from ..study.matrix import load_preset, row_configs
    from ..study.run import run_study

    if args.address and args.executor != "ray":
        raise ConfigError("--address is the Ray cluster's: add --executor ray, or drop it")
    # every row's config is checked before the data is even loaded
    row_configs(
        load_preset(args.preset),
        Path(args.out),
        args.only,
        args.data_dir,
        args.weights_dir,
        args.seeds,
        args.precision,
    )
    if args.executor == "local":  # Ray tasks read the data where they run
        options.check_data_args(args)
    record = run_study(
        args.preset,
        args.out,
        only=args.only,
        resume=args.resume,
        seeds=args.seeds,
        precision=args.precision,
        # loaded once the study's checks have passed; Ray tasks load the data where they
        # run, from the same source
        data=(lambda: options.data_from_args(args)) if args.executor == "local" else None,
        data_dir=args.data_dir,
        weights_dir=args.weights_dir,
        progress=not args.quiet,
        executor=args.executor,
        address=args.address,
        allow_dirty=args.allow_dirty,
    )
    gallery_data = (lambda: options.data_from_args(args)) if args.executor == "local" else None
    for path in write_report(args.out, langs=args.lang, cifar=gallery_data):
        print(f"report: {path}")
    failed = [n for n, r in record["rows"].items() if r["status"] == "failed"]
    if failed:
        print(
            f"alexnet-cifar: {len(failed)} row(s) failed: {', '.join(failed)} "
            f"(reasons in {Path(args.out) / 'study.json'})",
            file=sys.stderr,
        )
        return 1
    return 0
