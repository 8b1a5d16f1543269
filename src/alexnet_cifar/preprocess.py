"""Input conventions shared by both backends: normalization schemes and augmentation policies.

Backends implement these on whole batches on the device; what they mean is defined once here.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .errors import ConfigError


@dataclass(frozen=True)
class Normalization:
    """x_model = (x[channel_order] * scale - mean) / std, x in 0..1 RGB."""

    name: str
    mean: tuple[float, float, float]
    std: tuple[float, float, float]
    scale: float = 1.0
    bgr: bool = False


NORMALIZATIONS = {
    # CIFAR-10 training-set statistics (the official figures): the scratch runs
    "cifar": Normalization("cifar", (0.4914, 0.4822, 0.4465), (0.2470, 0.2435, 0.2616)),
    # torchvision's ImageNet convention: RGB, 0..1, mean/std
    "imagenet": Normalization("imagenet", (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)),
    # Caffe's convention (bvlc_alexnet, Keras VGG16 preprocess_input): BGR, 0..255, mean removed
    "caffe": Normalization("caffe", (103.939, 116.779, 123.68), (1.0, 1.0, 1.0), 255.0, True),
}


@dataclass(frozen=True)
class Augmentation:
    """Random per-image transforms, in fractions of the image's side so they mean the same at
    every input size: training/plan.py draws them as one affine matrix per image, which the
    pipeline samples straight at the model's input size (no separate resize)."""

    name: str
    flip: bool = False
    translate: float = 0.0  # max shift, fraction of the side (0.125 = 4 px at 32 px)
    rotate_deg: float = 0.0
    zoom: float = 0.0  # scale drawn from [1 - zoom, 1 + zoom]
    # shifts by whole pixels of the 32 px image over a mirrored border: the padded random crop
    # (pad 4 px, crop 32 px) without a padded copy; only at the native 32 px input
    crop: bool = False
    cutout: int = 0  # side in px of a square set to the mean (0 after normalization); 0: off

    @property
    def mirror(self) -> bool:
        """The border beyond the image: mirrored (d c b a | a b c d, as numpy's 'symmetric'
        pad, grid_sample's 'reflection' and TensorFlow's 'REFLECT'), else the edge repeated."""
        return self.crop


AUGMENTATIONS = {
    "none": Augmentation("none"),
    "flip": Augmentation("flip", flip=True),
    # the earlier studies' flip/rotation/zoom, plus the usual CIFAR 4 px shift
    "standard": Augmentation("standard", flip=True, translate=0.125, rotate_deg=10.0, zoom=0.1),
    # the usual CIFAR recipe: pad 4 px (mirrored), a random 32 px crop, a horizontal flip
    "crop": Augmentation("crop", flip=True, translate=0.125, crop=True),
}
CROP_SIDE = 32  # --augment crop shifts by whole pixels of this side: the CIFAR image's


def get_normalization(name: str) -> Normalization:
    if name not in NORMALIZATIONS:
        raise ConfigError(f"unknown normalization {name!r}; choose {', '.join(NORMALIZATIONS)}")
    return NORMALIZATIONS[name]


def get_augmentation(name: str, cutout: int = 0) -> Augmentation:
    if name not in AUGMENTATIONS:
        raise ConfigError(f"unknown augmentation {name!r}; choose {', '.join(AUGMENTATIONS)}")
    return replace(AUGMENTATIONS[name], cutout=cutout) if cutout else AUGMENTATIONS[name]
