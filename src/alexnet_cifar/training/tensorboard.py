"""Per-epoch scalars as TensorBoard events, written with the tensorboard package alone, so both
backends log the same tags the same way (``tensorboard --logdir runs/``)."""

from __future__ import annotations

import time
from pathlib import Path


class ScalarLog:
    def __init__(self, logdir: Path, purge_step: int | None = None):
        from tensorboard.compat.proto import event_pb2, summary_pb2
        from tensorboard.summary.writer.event_file_writer import EventFileWriter

        self._event, self._summary = event_pb2, summary_pb2
        self._writer = EventFileWriter(str(logdir))
        if purge_step is not None:
            # A resumed run redoes epochs after purge_step: TensorBoard drops the old points.
            start = event_pb2.SessionLog(status=event_pb2.SessionLog.START)
            self._writer.add_event(
                event_pb2.Event(step=purge_step, wall_time=time.time(), session_log=start)
            )

    def add(self, step: int, scalars: dict[str, float | None]) -> None:
        values = [
            self._summary.Summary.Value(tag=k, simple_value=float(v))
            for k, v in scalars.items()
            if v is not None
        ]
        self._writer.add_event(
            self._event.Event(
                step=step, wall_time=time.time(), summary=self._summary.Summary(value=values)
            )
        )
        self._writer.flush()

    def close(self) -> None:
        self._writer.close()
