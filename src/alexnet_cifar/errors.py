"""User-facing errors: each message names the problem and the fix.

The CLI prints these without a traceback; anything else is a bug and keeps its traceback.
"""


class AlexNetCifarError(Exception):
    """An error caused by the user's input or environment, with a message that says the fix."""


class DataError(AlexNetCifarError):
    """CIFAR-10 (or an image folder) could not be found, verified or decoded."""


class ConfigError(AlexNetCifarError):
    """A run configuration or command-line value is invalid."""


class UnsafePickleError(DataError):
    """A pickle tried to load something other than plain containers and numpy arrays."""


class WeightsError(AlexNetCifarError):
    """A weights file is missing, unsafe, or does not match the model."""


class TrainingDiverged(AlexNetCifarError):
    """The training loss became NaN or infinite; the last good checkpoint is kept."""


class Terminated(KeyboardInterrupt):
    """SIGTERM (a scheduler stopping the job): handled as Ctrl-C, exit status 143."""


class WorkerLost(AlexNetCifarError):
    """Another process of a data-parallel run stopped; the last checkpoint is kept."""


class OutOfMemory(AlexNetCifarError):
    """The device ran out of memory at the chosen batch size; the last checkpoint is kept."""
