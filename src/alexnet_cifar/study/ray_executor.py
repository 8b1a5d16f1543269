"""`study --executor ray`: every (row, seed) run as a Ray task with its resources (one GPU where
the cluster has GPUs, one CPU otherwise), run concurrently across the cluster. Each task trains
into the study folder, so every node must mount it at the same path (and the CIFAR-10 copy, or
reach the download); the driver alone writes study.json as tasks finish. Ray schedules; this
module only submits and collects."""

from __future__ import annotations

import os
import socket
import traceback
from collections.abc import Callable

from ..errors import ConfigError

CONNECT_TIMEOUT_S = 10.0


def _reachable(address: str, timeout: float) -> bool:
    host, _, port = address.split("://")[-1].rpartition(":")
    try:
        socket.create_connection((host, int(port)), timeout=timeout).close()
        return True
    except (OSError, ValueError):
        return False


def connect(address: str | None, timeout: float = CONNECT_TIMEOUT_S) -> Callable:
    """Join the cluster at ``address`` (None: the running one, else a new local instance);
    returns the executor ``study`` calls with (pending runs, run_one, finish, echo)."""
    try:
        import ray
    except ImportError:
        raise ConfigError(
            "--executor ray needs Ray, which is not installed: pip install 'alexnet-cifar[ray]'"
        ) from None
    if address not in (None, "auto", "local") and not _reachable(address, timeout):
        raise ConfigError(
            f"--address {address}: no Ray cluster answered within {timeout:.0f} s; start one "
            "there with `ray start --head`, or fix the address (host:port, port 6379 by default)"
        )
    if not ray.is_initialized():
        try:
            ray.init(address=address, logging_level="ERROR", configure_logging=False)
        except (ConnectionError, RuntimeError) as exc:
            raise ConfigError(_join_failed(address, exc)) from None
    return lambda *args: run_tasks(ray, *args)


def _join_failed(address: str | None, exc: Exception) -> str:
    # Ray 2.59+ clusters started by `ray start` check a token that a driver sends only in
    # token mode; the refusal itself reads like a wrong address
    hint = (
        "if the cluster uses token authentication (the default of `ray start` since Ray 2.59), "
        "set RAY_AUTH_MODE=token here (on another machine also RAY_AUTH_TOKEN, printed by "
        "`ray get-auth-token` on the head)"
        if os.environ.get("RAY_AUTH_MODE") != "token"
        else "check that `ray start --head` runs there and the Ray versions match"
    )
    first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return f"--address {address}: could not join the Ray cluster ({first}); {hint}"


def run_tasks(ray, pending: list, run_one: Callable, finish: Callable, echo: Callable) -> None:
    """Submit every pending run as ``run_one(config, None, False)`` (which loads the data where
    it runs), then record each as it finishes; a task that dies (its worker killed, a bug) is a
    failed run while the others go on."""
    gpus = ray.cluster_resources().get("GPU", 0)
    task = ray.remote(run_one).options(
        num_gpus=1 if gpus else 0, num_cpus=1, max_retries=0, retry_exceptions=False
    )
    refs = {}
    for run in pending:
        echo(f"{run.label}: {run.config.framework} {run.config.model} ({run.config.init}) -> ray")
        refs[task.remote(run.config, None, False)] = run
    try:
        while refs:
            (ref,), _ = ray.wait(list(refs), num_returns=1)
            run = refs.pop(ref)
            try:
                entry = ray.get(ref)
            except Exception as exc:  # a RayTaskError or a lost worker: this run failed
                first = str(exc).strip().splitlines()[-1] if str(exc).strip() else ""
                entry = {
                    "status": "failed",
                    "reason": f"{type(exc).__name__}: {first}",
                    "traceback": traceback.format_exc(limit=3),
                }
            finish(run, entry)
    except KeyboardInterrupt:
        for ref, run in refs.items():
            ray.cancel(ref, force=True)
            finish(run, {"status": "interrupted", "reason": "stopped (Ctrl-C or SIGTERM)"})
        raise
