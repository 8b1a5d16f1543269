"""`alexnet-cifar study`: a preset's matrix of rows and seeds (matrix.py), run in order or on
a Ray cluster (run.py, ray_executor.py), then reported. The built-in presets are the YAML files
in presets/."""

from .matrix import load_preset, preset_names, row_configs
from .run import run_study

__all__ = ["load_preset", "preset_names", "row_configs", "run_study"]
