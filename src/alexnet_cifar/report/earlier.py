"""The earlier hand-made studies of this comparison: their numbers and setups, shown beside
our rows and labelled as theirs. All ran on a Colab GPU; none is reproduced here."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Earlier:
    accuracy: str
    setup: dict[str, str]  # language -> setup in a few words


EARLIER: dict[str, tuple[Earlier, ...]] = {
    "scratch-pytorch": (
        Earlier("79.72%", {"en": "224 px, 20 epochs, SGD", "es": "224 px, 20 épocas, SGD"}),
        Earlier("70.93%", {"en": "Adam, 5 min 33 s per epoch", "es": "Adam, 5 min 33 s por época"}),
    ),
    "scratch-keras": (
        Earlier(
            "79%",
            {"en": "BatchNorm, augmentation, Adam", "es": "BatchNorm, aumento de datos, Adam"},
        ),
        Earlier("73.02%", {"en": "about 7 min per epoch", "es": "unos 7 min por época"}),
    ),
    "imagenet-pytorch": (
        Earlier(
            "84%",
            {"en": "torchvision AlexNet, fine-tuned", "es": "AlexNet de torchvision, ajustado"},
        ),
    ),
    "caffe-keras": (
        Earlier(
            "70%",
            {
                "en": "grouped convolutions concatenated wrongly",
                "es": "convoluciones agrupadas concatenadas mal",
            },
        ),
    ),
    "vgg16-keras": (Earlier("81.72%", {"en": "53 min per epoch", "es": "53 min por época"}),),
}


def cell(row: str) -> str:
    return " / ".join(e.accuracy for e in EARLIER.get(row, ()))


def note_items(rows: list[str], lang: str) -> list[str]:
    return [f"{row} {e.accuracy} ({e.setup[lang]})" for row in rows for e in EARLIER.get(row, ())]
