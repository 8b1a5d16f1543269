"""The earlier studies of this comparison (notebooks made by hand): their numbers and setups,
shown beside our rows and labelled as theirs. All ran on a Colab GPU; none is reproduced
here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Earlier:
    accuracy: float
    setup: dict[str, str]  # language -> setup in a few words
    epoch_seconds: float | None = None  # their time per epoch (a Colab GPU), where they gave it


EARLIER: dict[str, tuple[Earlier, ...]] = {
    "scratch-pytorch": (
        Earlier(
            0.7972,
            {
                "en": "224 px, 57 M parameters, 20 epochs, SGD, a GPU",
                "es": "224 px, 57 M parámetros, 20 épocas, SGD, una GPU",
            },
        ),
        Earlier(
            0.7093,
            {
                "en": "224 px, Adam, 5 min 33 s per epoch on a GPU",
                "es": "224 px, Adam, 5 min 33 s por época en una GPU",
            },
            epoch_seconds=5 * 60 + 33,
        ),
    ),
    "scratch-keras": (
        Earlier(
            0.79,
            {
                "en": "BatchNorm, augmentation, Adam, a GPU",
                "es": "BatchNorm, aumento de datos, Adam, una GPU",
            },
        ),
        Earlier(
            0.7302,
            {"en": "about 7 min per epoch on a GPU", "es": "unos 7 min por época en una GPU"},
            epoch_seconds=7 * 60,
        ),
    ),
    "imagenet-pytorch": (
        Earlier(
            0.84,
            {
                "en": "torchvision AlexNet fine-tuned at 224 px, a GPU",
                "es": "AlexNet de torchvision ajustada a 224 px, una GPU",
            },
        ),
    ),
    "caffe-keras": (
        Earlier(
            0.70,
            {
                "en": "grouped convolutions concatenated wrongly, a GPU",
                "es": "convoluciones agrupadas mal concatenadas, una GPU",
            },
        ),
    ),
    "vgg16-keras": (
        Earlier(
            0.8172,
            {"en": "53 min per epoch on a GPU", "es": "53 min por época en una GPU"},
            epoch_seconds=53 * 60,
        ),
    ),
}


# what the earlier studies' rows were, in this package's terms: (framework, ImageNet source or
# None), and the recipe they share where the studies state it (224 px, 20 epochs, no
# test-time augmentation or weight averaging; PyTorch without BatchNorm and with SGD, Keras
# with BatchNorm and Adam)
WHAT: dict[str, tuple[str, str | None]] = {
    "scratch-pytorch": ("pytorch", None),
    "scratch-keras": ("keras", None),
    "imagenet-pytorch": ("pytorch", "torchvision"),
    "caffe-keras": ("keras", "caffe-npy"),
    "vgg16-keras": ("keras", "keras-vgg16"),
}
# the earlier PyTorch study's own per-class test accuracy (its 79.72% is their mean)
PER_CLASS: dict[str, tuple[float, dict[str, float]]] = {
    "scratch-pytorch": (
        0.7972,
        {
            "airplane": 0.883,
            "automobile": 0.933,
            "bird": 0.719,
            "cat": 0.601,
            "deer": 0.803,
            "dog": 0.719,
            "frog": 0.858,
            "horse": 0.807,
            "ship": 0.838,
            "truck": 0.811,
        },
    )
}

# "augmented": whether that study augmented its images; the Keras one did, without saying how,
# so no augmentation of ours is named as a difference from it
RECIPE: dict[str, dict] = {
    "scratch-pytorch": {
        "input_size": 224,
        "epochs": 20,
        "batchnorm": False,
        "optimizer": "sgd",
        "augmented": False,
    },
    "scratch-keras": {
        "input_size": 224,
        "epochs": 20,
        "batchnorm": True,
        "optimizer": "adam",
        "augmented": True,
    },
}


def entries(row: str) -> tuple[Earlier, ...]:
    return EARLIER.get(row, ())
