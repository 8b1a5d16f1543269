"""system/cpu_share.py: another process that spins while a run trains counts as the machine's
share taken by others; the run's own child processes (a loader's workers) do not."""

import subprocess
import sys

import psutil
import pytest

pytestmark = pytest.mark.slow  # starts processes

SPIN = "import time\nt = time.time()\nwhile time.time() - t < {s}: pass\n"
# a "run" that measures over 2 s, spinning a child of its own when asked
MEASURE = """
import subprocess, sys, time
from alexnet_cifar.system.cpu_share import OthersShare
share = OthersShare()
child = subprocess.Popen([sys.executable, "-c", {spin!r}]) if {own_child} else None
time.sleep(2)
if child:
    child.wait()
print(share.read())
"""


def _share(own_child: bool, sibling: bool) -> float:
    spin = SPIN.format(s=1.8)
    burner = subprocess.Popen([sys.executable, "-c", spin]) if sibling else None
    code = MEASURE.format(spin=spin, own_child=own_child)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    if burner:
        burner.wait()
    return float(out.stdout.strip())


def test_a_sibling_process_counts_as_others_and_the_run_s_own_child_does_not():
    core = 1 / psutil.cpu_count()  # one spinning process's share of the machine
    sibling = _share(own_child=False, sibling=True)
    own = _share(own_child=True, sibling=False)
    assert 0 <= own < sibling <= 1
    assert sibling > 0.6 * core and own < sibling - 0.5 * core
