"""Data-parallel Keras across workers (MultiWorkerMirroredStrategy from TF_CONFIG, 2 workers on
localhost ports): they end with the weights of 1 worker at the same global batch; the chief
alone writes the records; a worker killed mid-run stops the chief with one line, and 1 process
resumes the run to the same weights."""

import json
import signal
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from parallel_fixtures import (
    EPOCHS,
    HOLD,
    env,
    layer_differences,
    records,
    reference_run,
    single,
    train_args,
    wait_until_held,
    worst,
)

pytestmark = pytest.mark.slow


def free_ports(n: int) -> list[int]:
    socks = [socket.socket() for _ in range(n)]
    for s in socks:
        s.bind(("localhost", 0))
    ports = [s.getsockname()[1] for s in socks]
    for s in socks:
        s.close()
    return ports


def workers(n: int, args: list[str], held: bool = False) -> list[subprocess.Popen]:
    cluster = {"worker": [f"localhost:{p}" for p in free_ports(n)]}
    procs = []
    for i in range(n):
        tf_config = json.dumps({"cluster": cluster, "task": {"type": "worker", "index": i}})
        procs.append(
            subprocess.Popen(
                [sys.executable, *([str(HOLD)] if held else ["-m", "alexnet_cifar"]), *args],
                env=env(TF_CONFIG=tf_config),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        )
    return procs


def differences(a: Path, b: Path) -> dict:
    def named(run):
        with np.load(run / "checkpoint.keras.npz") as f:
            n = sum(1 for k in f.files if k.startswith("w"))
            return [(f"w{i}", f[f"w{i}"]) for i in range(n)]

    return layer_differences(named(a), named(b))


@pytest.fixture(scope="module")
def one_worker_run(tmp_path_factory, real_cache_dir) -> Path:
    return reference_run("keras", tmp_path_factory.mktemp("workers"), real_cache_dir)


def test_two_workers_end_with_the_weights_of_one(tmp_path, data_args, one_worker_run):
    out = tmp_path / "two"
    procs = workers(2, train_args("keras", out, data_args))
    outputs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs[0][1][-3000:]
    assert worst(differences(one_worker_run, out))[1] <= 1e-4
    assert len(records(out)) == EPOCHS
    assert [o[0].count("run directory:") for o in outputs] == [1, 0]  # the chief prints
    assert json.loads((out / "results.json").read_text())["hardware"]["world_size"] == 2
    for r2, r1 in zip(records(out), records(one_worker_run)):
        assert r2["train_loss"] == pytest.approx(r1["train_loss"], rel=1e-4)


def test_a_worker_killed_mid_run_resumes_with_one_process(tmp_path, data_args, one_worker_run):
    out = tmp_path / "killed"
    chief, other = workers(2, train_args("keras", out, data_args), held=True)
    wait_until_held(out, [chief, other], 2)
    other.send_signal(signal.SIGKILL)
    other.communicate()
    (out / "release").touch()
    _, stderr = chief.communicate(timeout=120)
    assert chief.returncode != 0
    last = stderr.strip().splitlines()[-1]
    assert "another process of this 2-process run stopped" in last
    assert f"alexnet-cifar train --resume {out}" in last
    state = json.loads((out / "state.json").read_text())
    assert state["status"] == "interrupted" and state["epochs_done"] == len(records(out)) == 1

    resumed = single(["train", "--resume", str(out), "--quiet", *data_args])
    assert resumed.returncode == 0, resumed.stderr
    assert len(records(out)) == EPOCHS
    assert worst(differences(one_worker_run, out))[1] <= 1e-4


SPLIT_CPU_THEN_TRAIN = """
import sys
from alexnet_cifar.backends.startup import import_torch_first
import_torch_first()  # before tensorflow, as the package does
import tensorflow as tf
cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)
from alexnet_cifar.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_one_process_mirrored_over_two_devices_matches_one_device(
    tmp_path, data_args, one_worker_run
):
    """MirroredStrategy + fit, as on a machine with several GPUs; here over a CPU split in two."""
    out = tmp_path / "mirrored"
    cmd = [sys.executable, "-c", SPLIT_CPU_THEN_TRAIN, *train_args("keras", out, data_args)]
    done = subprocess.run(cmd, env=env(), capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert json.loads((out / "results.json").read_text())["hardware"]["devices"] == ["cpu"] * 2
    assert worst(differences(one_worker_run, out))[1] <= 1e-4
