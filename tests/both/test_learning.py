"""Both frameworks learn: real images, a few epochs, clearly above chance, in the precision
``auto`` picks on this CPU."""

import numpy as np
import pytest

from alexnet_cifar import train
from alexnet_cifar.training.precision import cpu_native_bf16

from train_fixtures import small_config


@pytest.mark.slow
@pytest.mark.parametrize("framework", ["pytorch", "keras"])
def test_learns_clearly_above_chance_on_2000_real_images(tmp_path, cifar_real, framework):
    config = small_config(
        tmp_path,
        framework,
        epochs=4,
        batch_size=64,
        limit_train=2000,
        limit_test=1000,
        val_fraction=0.1,
        precision="auto",  # bf16 where this CPU has it: that learns too
    )
    results = train(config, data=cifar_real, progress=False)
    assert results["framework"] == framework
    assert results["precision"] == ("bf16" if cpu_native_bf16() else "fp32")
    assert results["num_test_images"] == 1000 and results["num_train_images"] == 1800
    assert results["test_accuracy"] > 0.25, results["test_accuracy"]  # chance is 0.10
    assert len(results["per_class_accuracy"]) == 10
    assert np.array(results["confusion_matrix"]).sum() == 1000
