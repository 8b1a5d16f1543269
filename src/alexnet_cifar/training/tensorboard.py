"""Per-epoch scalars as TensorBoard events, written with the tensorboard package's protobufs and
record framing alone, so both backends log the same tags the same way (``tensorboard --logdir
runs/``). tensorboard's EventFileWriter is not used: it opens its file through TensorFlow's
gfile, which imports TensorFlow (seconds of start-up and its C++ log lines) into a PyTorch run."""

from __future__ import annotations

import os
import socket
import time
from pathlib import Path

from ..system import atomic


class ScalarLog:
    def __init__(self, logdir: Path, purge_step: int | None = None):
        from tensorboard.compat.proto import event_pb2, summary_pb2
        from tensorboard.summary.writer.record_writer import RecordWriter

        self._event, self._summary = event_pb2, summary_pb2
        logdir = Path(logdir)
        logdir.mkdir(parents=True, exist_ok=True)
        # the name TensorBoard looks for; time and pid keep a resumed run's file apart
        name = f"events.out.tfevents.{time.time():010.0f}.{socket.gethostname()}.{os.getpid()}"
        self.path = logdir / name
        with atomic.naming(self.path):
            self._writer = RecordWriter(open(self.path, "wb"))  # noqa: SIM115 (closed in close)
        self._write(event_pb2.Event(wall_time=time.time(), file_version="brain.Event:2"))
        if purge_step is not None:
            # A resumed run redoes epochs after purge_step: TensorBoard drops the old points.
            start = event_pb2.SessionLog(status=event_pb2.SessionLog.START)
            self._write(event_pb2.Event(step=purge_step, wall_time=time.time(), session_log=start))

    def _write(self, event) -> None:
        # a record cut short by a full disk fails its CRC and TensorBoard skips it
        with atomic.naming(self.path):
            self._writer.write(event.SerializeToString())
            self._writer.flush()

    def add(self, step: int, scalars: dict[str, float | None]) -> None:
        values = [
            self._summary.Summary.Value(tag=k, simple_value=float(v))
            for k, v in scalars.items()
            if v is not None
        ]
        self._write(
            self._event.Event(
                step=step, wall_time=time.time(), summary=self._summary.Summary(value=values)
            )
        )

    def close(self) -> None:
        try:
            self._writer.close()
        except OSError:
            pass  # the last flush failed on a full disk, which the write already reported
