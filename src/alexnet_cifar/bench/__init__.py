"""`alexnet-cifar bench`, framework-neutral: what is timed and in which order (kit.py, which
each backend's bench.py fills in with a ``BenchKit``), where a trained epoch's time goes
(breakdown.py), and the printed tables (tables.py)."""
