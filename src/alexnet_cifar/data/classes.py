"""CIFAR-10 class names in the official label order, in the languages the report speaks."""

CLASS_NAMES = {
    "en": (
        "airplane",
        "automobile",
        "bird",
        "cat",
        "deer",
        "dog",
        "frog",
        "horse",
        "ship",
        "truck",
    ),
    "es": (
        "avión",
        "automóvil",
        "pájaro",
        "gato",
        "ciervo",
        "perro",
        "rana",
        "caballo",
        "barco",
        "camión",
    ),
}
LANGUAGES = tuple(CLASS_NAMES)


def translate(names, lang: str) -> list[str]:
    """Translate CIFAR-10 class names; names that are not CIFAR-10's are kept as they are."""
    if lang not in CLASS_NAMES:
        raise ValueError(f"unknown language {lang!r}; choose one of {', '.join(LANGUAGES)}")
    index = {n: i for i, n in enumerate(CLASS_NAMES["en"])}
    return [CLASS_NAMES[lang][index[n]] if n in index else n for n in names]
