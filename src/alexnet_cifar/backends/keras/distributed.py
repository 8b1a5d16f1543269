"""Keras's side of a data-parallel run (training/distributed.py decides the rest): on one
machine with several devices, a MirroredStrategy under which ``model.fit`` splits every global
batch across them; across machines, one MultiWorkerMirroredStrategy per process, built from
TF_CONFIG, and the training step it runs.
``model.fit`` under that strategy fails in Keras 3.15 / TensorFlow 2.21 ("Attempt to convert a
value (PerReplica ...) to a Tensor", keras-team/keras issue 20585), so several workers train
with this custom step; one worker keeps ``fit``."""

from __future__ import annotations

import functools

import tensorflow as tf

import keras


@functools.cache
def strategy() -> tf.distribute.Strategy:
    """The process's strategy, created before anything else runs on the cluster (TF requires
    it once per process)."""
    return tf.distribute.MultiWorkerMirroredStrategy()


def local_devices(kind: str) -> list[str]:
    """This machine's logical devices of ``kind`` (gpu or cpu): several GPUs, or a CPU the user
    split with tf.config.set_logical_device_configuration."""
    return [d.name for d in tf.config.list_logical_devices(kind.upper())]


@functools.cache
def mirrored(devices: tuple[str, ...]) -> tf.distribute.Strategy:
    return tf.distribute.MirroredStrategy(list(devices))


def train_step(model: keras.Model, global_batch: int, label_smoothing: float):
    """A compiled step over a distributed iterator: each worker's loss is its share's summed
    loss over the *global* batch, so the gradients the optimizer sums across workers are the
    global batch's mean, as in one process. Returns (summed loss, correct) over all workers."""
    dist = tf.distribute.get_strategy()

    def replica_step(x, y):
        with tf.GradientTape() as tape:
            logits = model(x, training=True)
            per_image = keras.losses.categorical_crossentropy(
                y, logits, from_logits=True, label_smoothing=label_smoothing
            )
            loss = tf.nn.compute_average_loss(per_image, global_batch_size=global_batch)
            # fp16: the LossScaleOptimizer's scale, which apply_gradients divides out again
            scaled = model.optimizer.scale_loss(loss)
        grads = tape.gradient(scaled, model.trainable_variables)
        model.optimizer.apply_gradients(zip(grads, model.trainable_variables))
        hits = tf.equal(tf.argmax(logits, -1), tf.argmax(y, -1))
        return tf.reduce_sum(per_image), tf.reduce_sum(tf.cast(hits, tf.float32))

    @tf.function
    def step(iterator):
        loss_sum, correct = dist.run(replica_step, args=next(iterator))
        reduce = functools.partial(dist.reduce, tf.distribute.ReduceOp.SUM, axis=None)
        return reduce(loss_sum), reduce(correct)

    return step
