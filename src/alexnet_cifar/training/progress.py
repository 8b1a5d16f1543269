"""What a run shows while it trains: a progress bar per epoch, fed by the backend, and one line
after each epoch."""

from __future__ import annotations

import math

from tqdm.auto import tqdm


class NonFiniteLoss(Exception):
    """Raised by a backend's epoch when the running loss is NaN or infinite."""

    def __init__(self, value: float, step: int):
        super().__init__(value, step)
        self.value, self.step = value, step


class EpochProgress:
    """One progress bar per epoch. A backend reports every step, and every SYNC_EVERY steps the
    running loss and accuracy (one host sync: cheap on a GPU, and a NaN stops the run soon)."""

    SYNC_EVERY = 10

    def __init__(self, epoch: int, epochs: int, steps: int, enabled: bool):
        self.steps = steps
        self.bar = tqdm(
            total=steps,
            desc=f"epoch {epoch + 1}/{epochs}",
            unit="batch",
            disable=None if enabled else True,
            leave=False,
        )

    def due(self, step: int) -> bool:
        return step % self.SYNC_EVERY == self.SYNC_EVERY - 1 or step == self.steps - 1

    def update(self, step: int, loss: float | None = None, accuracy: float | None = None) -> None:
        """Step ``step`` (0-based) is done: a backend may report every step or only some."""
        self.bar.update(step + 1 - self.bar.n)
        if loss is None:
            return
        if not math.isfinite(loss):
            raise NonFiniteLoss(loss, step)
        self.bar.set_postfix(loss=f"{loss:.3f}", acc=f"{accuracy:.3f}")

    def close(self) -> None:
        self.bar.close()


def epoch_line(record: dict, epochs: int, seconds_left: float | None) -> str:
    """The line a run prints after each epoch: in a job's log file, where no progress bar shows,
    the only sign of life of an hours-long run, and in a terminal the history that the epoch's
    bar does not keep. ``seconds_left``: the estimate for the remaining epochs (None: none)."""
    parts = [
        f"epoch {record['epoch'] + 1}/{epochs}: loss {record['train_loss']:.3f}, "
        f"accuracy {record['train_accuracy']:.1%}"
    ]
    if record.get("val_accuracy") is not None:
        parts.append(f"val loss {record['val_loss']:.3f}, accuracy {record['val_accuracy']:.1%}")
    parts.append(
        f"{duration(record['seconds'])} ({record['images_per_second']:.0f} img/s, lr "
        f"{lr_range(record)})"
    )
    if seconds_left:
        parts.append(f"about {duration(seconds_left)} left")
    return "; ".join(parts)


def lr_range(record: dict) -> str:
    """The learning rate the epoch trained at: one value, or its first and last step's."""
    first, last = record["lr"], record.get("lr_last", record["lr"])
    if math.isclose(first, last, rel_tol=1e-6):
        return f"{first:.3g}"
    return f"{first:.3g} -> {last:.3g}"


def duration(seconds: float) -> str:
    """``seconds`` as a person reads a wait: 42 s, 17 min, 3.4 h."""
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 90 * 60:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"
