"""`python tests/hold_after_first_epoch.py ARGS` runs `alexnet-cifar ARGS` with one change, for
the kill-mid-run tests: after its first epoch (records and checkpoint written) every process of
the run writes OUT/held-<rank> with its pid and waits until OUT/release exists. A test kills a
process while all are held, then releases the others: exactly one epoch has finished, on any
machine, however fast."""

import os
import sys
import time
from pathlib import Path

from alexnet_cifar.backends.startup import import_torch_first

import_torch_first()

from alexnet_cifar.cli import main  # noqa: E402
from alexnet_cifar.training.trainer import Trainer  # noqa: E402

real_fit = Trainer.fit


def fit_held_after_epoch_1(self, callbacks=()):
    def hold(epoch, record, model):
        if epoch == 0:
            out = Path(self.config.out)
            (out / f"held-{self.world.rank}").write_text(str(os.getpid()))
            while not (out / "release").exists():
                time.sleep(0.05)

    return real_fit(self, [*callbacks, hold])


Trainer.fit = fit_held_after_epoch_1
sys.exit(main(sys.argv[1:]))
