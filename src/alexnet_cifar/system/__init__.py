"""What the package needs from the machine and the file system, whatever the framework: atomic
writes (atomic.py), the processor and GPU (cpuinfo.py, gpuinfo.py), the software and hardware a
run records (environment.py), the processor time other processes took while it trained
(cpu_share.py) and pickles read without running code (safe_pickle.py)."""
