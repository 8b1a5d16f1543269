"""Why PyTorch's 224 px step ran slower in `bench` on a batch other than the one it just ran:
the step (alexnet, batch 128, --augment flip) on four batches made beforehand in turn, on one
batch again, on that batch cloned each step, on another batch again, and on the one batch with
another batch's labels, in alternating windows (bench.paired_rates: each window starts with the
next arm). Prints JSON: images/s per arm and each arm's rate over the four-batch cycle's,
window by window.

Usage: ALEXNET_CIFAR_DATA=... python benchmarks/fresh_batch_probe.py [precision] [steps]"""

import itertools
import json
import os
import sys

from alexnet_cifar import TrainConfig
from alexnet_cifar.backends import get_backend
from alexnet_cifar.bench.kit import FRESH_BATCHES, paired_rates, step_rate
from alexnet_cifar.data import load_cifar10

precision = sys.argv[1] if len(sys.argv) > 1 else "auto"
steps = int(sys.argv[2]) if len(sys.argv) > 2 else 24
config = TrainConfig(
    framework="pytorch", model="alexnet", precision=precision, augment="flip"
).validate()
data = load_cifar10(os.environ.get("ALEXNET_CIFAR_DATA"), progress=False)
kit = get_backend("pytorch").Bench(config)
bs = 128
with kit.scope():
    stream = kit.batches(data.x_train[:2048], data.y_train[:2048], "flip", bs)
    x0, y0 = next(stream)
    made = [next(stream) for _ in range(FRESH_BATCHES)]
    train_step, _ = kit.steps(kit.precision)
    cyc = itertools.cycle(range(FRESH_BATCHES))
    arms = {
        "4 made in turn": lambda: train_step(*made[next(cyc)]),
        "x0 again": lambda: train_step(x0, y0),
        "x0 cloned each step": lambda: train_step(x0.clone(), y0),
        "made[0] again": lambda: train_step(*made[0]),
        "x0, labels of made[0]": lambda: train_step(x0, made[0][1]),
    }
    rates, ratios = paired_rates(
        list(arms.values()), lambda s, n, w: step_rate(s, bs, n, w), steps=steps, warmup=2
    )
out = {
    "precision": kit.precision,
    "steps": steps,
    "rates": dict(zip(arms, rates)),
    "rate_over_4made_rounds": dict(zip(list(arms)[1:], ratios)),
}
print(json.dumps(out, indent=1))
