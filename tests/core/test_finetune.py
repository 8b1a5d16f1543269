"""The fine-tuning split, decided once for both frameworks (training/finetune.py)."""

from alexnet_cifar.config import TrainConfig
from alexnet_cifar.training.finetune import finetune_plan

NAMES = ["conv1", "conv2", "fc1", "fc2"]


def plan(**kw):
    return finetune_plan(TrainConfig(model="alexnet", **kw), NAMES, {"fc2"})


def test_scratch_and_full_train_everything_at_one_rate_head_first():
    scratch = finetune_plan(TrainConfig(model="alexnet"), NAMES, set())
    assert (scratch.head, scratch.backbone, scratch.frozen) == (NAMES, [], [])
    for p in (plan(init="imagenet", finetune="full"), plan(init="scratch", finetune="full")):
        assert (p.head, p.backbone, p.frozen) == (["fc2", "conv1", "conv2", "fc1"], [], [])


def test_a_start_of_another_task_follows_finetune_as_an_imagenet_start_does():
    """--init-from a run of other classes: its last layer starts new (fresh), and --finetune
    splits the rest exactly as for ImageNet weights."""
    for finetune in ("head", "discriminative"):
        other_task = plan(init="scratch", finetune=finetune, init_from="runs/source")
        imagenet = plan(init="imagenet", finetune=finetune)
        assert other_task == imagenet


def test_head_freezes_the_backbone_and_discriminative_slows_it():
    head = plan(init="imagenet", finetune="head")
    assert (head.head, head.backbone, head.frozen) == (["fc2"], [], ["conv1", "conv2", "fc1"])
    slow = plan(init="imagenet", finetune="discriminative", backbone_lr_factor=0.2)
    assert (slow.head, slow.backbone, slow.frozen) == (["fc2"], ["conv1", "conv2", "fc1"], [])
    assert slow.backbone_factor == 0.2
