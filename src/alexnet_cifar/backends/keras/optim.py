"""The optimizer of a Keras run and what steers it: PyTorch's SGD, Adam and AdamW as Keras
optimizers, with the weight decay of training/optim.py (the update formulas of torch.optim,
step for step, so both frameworks follow the same trajectory from the same start:
tests/both/test_trajectory.py); the shared learning-rate curve (training/schedule.py) as a
Keras schedule; and the weight average (training/ema.py)."""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
import tensorflow as tf

import keras
from keras import ops

from ...config import TrainConfig
from ...training.finetune import FinetunePlan
from ...training.optim import ADAM_BETAS, ADAM_EPS, DecayRule
from ...training.schedule import lr_curve
from . import precision


# Elementwise updates as one XLA loop per variable: each reads its tensors once and writes
# once, where TensorFlow's ops make a pass per product, sum and assignment. On AlexNet's 57 M
# weights SGD's update falls from 63 to 27 ms and the average's from 29 to 13 ms (bench);
# XLA is not used for the layers, where TensorFlow's own kernels are faster on CPUs. Under a
# tf.distribute strategy (several devices or workers) TensorFlow's ops run as before: Keras
# hands the update a replica's variables there, which a compiled function would not follow.
def _sgd_momentum(variable, buf, gradient, lr, rate, momentum):
    buf.assign(buf * momentum + (gradient + variable * rate))
    variable.assign_sub(buf * lr)


def _sgd_plain(variable, gradient, lr, rate):
    variable.assign_sub((gradient + variable * rate) * lr)


def _average(average, variable, m):
    average.assign(m * average + (1 - m) * variable)


def _tf(variable):
    """The tf.Variable under a Keras variable (XLA takes TensorFlow's own)."""
    return variable.value if isinstance(variable, keras.Variable) else variable


def _update_average(self, trainable_variables):
    """training/ema.py's rule in place of Keras' fixed momentum (its step counter has not
    counted this step yet: t as the rule counts it)."""
    table = ops.convert_to_tensor(self.averaged)
    m = ops.take(table, ops.minimum(self.iterations, len(self.averaged) - 1))
    for var, average in zip(trainable_variables, self._model_variables_moving_average):
        if average is None:
            continue
        mv = ops.cast(m, var.dtype)
        if tf.distribute.has_strategy():
            average.assign(ops.add(ops.multiply(mv, average), ops.multiply(1 - mv, var)))
        else:
            self._xla(_average)(_tf(average), _tf(var), mv)


def _keep_live_weights(self, var_list):
    """Keras' fit ends by copying the average into the model (finalize_variable_values); the
    trainer fits one epoch per call and trains on: it swaps the average in for evaluation
    only (Trainer.averaged_weights)."""


class _SharedRules:
    """What both optimizers add to Keras': training/optim.py's decay, and training/ema.py's
    weight average in Keras' own EMA slots (WeightAverage turns them on)."""

    averaged: np.ndarray | None = None  # training/ema.py's decay per step, while averaging
    _update_model_variables_moving_average = _update_average
    finalize_variable_values = _keep_live_weights

    def build(self, variables):
        super().build(variables)
        self.trained = list(variables)

    def averages(self) -> list:
        """The average of each trained variable (Keras' EMA slot), in ``trained``'s order."""
        return list(self._model_variables_moving_average)

    def _xla(self, update):
        """``update`` compiled by XLA, once per optimizer: a traced function keeps weak
        references to the variables it was traced with, so one shared across models would
        fail once the first model is gone."""
        compiled = self.__dict__.setdefault("_compiled", {})
        if update not in compiled:
            compiled[update] = tf.function(update, jit_compile=True)
        return compiled[update]

    def _rate_and_gradient(self, gradient, variable, learning_rate):
        """(the learning rate, the gradient with coupled decay added) in the variable's dtype."""
        lr = ops.cast(learning_rate, variable.dtype)
        return lr, _decayed(self.decay, ops.cast(gradient, variable.dtype), variable, lr)


class TorchSGD(_SharedRules, keras.optimizers.SGD):
    """torch.optim.SGD: ``g += wd * w; buf = momentum * buf + g; w -= lr * buf``."""

    def __init__(self, learning_rate, momentum: float, decay: DecayRule, **kwargs):
        if not decay.coupled:
            raise ValueError("SGD's weight decay is added to the gradient (coupled); got AdamW's")
        super().__init__(learning_rate, momentum=float(momentum), **kwargs)
        self.decay = decay

    def update_step(self, gradient, variable, learning_rate):
        if tf.distribute.has_strategy():
            lr, g = self._rate_and_gradient(gradient, variable, learning_rate)
            if self.momentum:
                buf = self.momentums[self._get_variable_index(variable)]
                self.assign(buf, ops.add(ops.multiply(buf, self.momentum), g))
                g = buf
            self.assign_sub(variable, ops.multiply(g, lr))
            return
        dtype = variable.dtype
        g, lr = ops.cast(gradient, dtype), ops.cast(learning_rate, dtype)
        rate = ops.convert_to_tensor(self.decay.rate_for(variable.shape), dtype)
        if self.momentum:
            buf = self.momentums[self._get_variable_index(variable)]
            momentum = ops.convert_to_tensor(self.momentum, dtype)
            self._xla(_sgd_momentum)(_tf(variable), _tf(buf), g, lr, rate, momentum)
        else:
            self._xla(_sgd_plain)(_tf(variable), g, lr, rate)


class TorchAdam(_SharedRules, keras.optimizers.Adam):
    """torch.optim.Adam (coupled decay) or AdamW (decoupled):
    ``w -= lr / (1 - b1^t) * m / (sqrt(v / (1 - b2^t)) + eps)``."""

    def __init__(self, learning_rate, decay: DecayRule, **kwargs):
        super().__init__(
            learning_rate, beta_1=ADAM_BETAS[0], beta_2=ADAM_BETAS[1], epsilon=ADAM_EPS, **kwargs
        )
        self.decay = decay

    def update_step(self, gradient, variable, learning_rate):
        lr, g = self._rate_and_gradient(gradient, variable, learning_rate)
        t = ops.cast(self.iterations + 1, variable.dtype)
        i = self._get_variable_index(variable)
        m, v = self._momentums[i], self._velocities[i]
        self.assign(m, ops.add(ops.multiply(m, self.beta_1), ops.multiply(g, 1 - self.beta_1)))
        self.assign(
            v, ops.add(ops.multiply(v, self.beta_2), ops.multiply(ops.square(g), 1 - self.beta_2))
        )
        bias1 = 1 - ops.power(ops.cast(self.beta_1, variable.dtype), t)
        bias2 = 1 - ops.power(ops.cast(self.beta_2, variable.dtype), t)
        denom = ops.add(ops.sqrt(ops.divide(v, bias2)), self.epsilon)
        self.assign_sub(variable, ops.divide(ops.multiply(m, lr / bias1), denom))


def _decayed(rule: DecayRule, gradient, variable, lr):
    """The gradient with coupled decay added; decoupled decay is applied to the weight here."""
    rate = rule.rate_for(variable.shape)
    if not rate:
        return gradient
    if rule.coupled:
        return ops.add(gradient, ops.multiply(variable, rate))
    variable.assign(ops.multiply(variable, 1 - lr * rate))
    return gradient


def _discriminative(base, backbone, factor: float):
    """Keras 3 optimizers have no parameter groups, but call update_step once per variable
    with the learning rate: scaling it there gives the backbone its own rate. The TensorFlow
    backend passes the underlying tf.Variable, so both it and the Keras variable are known."""
    ids = {id(v) for v in backbone} | {id(getattr(v, "value", v)) for v in backbone}

    class Discriminative(base):
        def update_step(self, gradient, variable, learning_rate):
            if id(variable) in ids:
                learning_rate = learning_rate * factor
            return super().update_step(gradient, variable, learning_rate)

    Discriminative.__name__ = f"Discriminative{base.__name__}"
    return Discriminative


def torch_optimizer(
    name: str, learning_rate, momentum: float, decay: DecayRule, backbone=(), factor: float = 1.0
) -> keras.optimizers.Optimizer:
    """torch.optim's optimizer ``name`` (sgd, adam, adamw) at ``learning_rate`` (a number or a
    schedule); the ``backbone`` variables step at ``factor`` times the rate."""
    cls, kwargs = (TorchSGD, {"momentum": momentum}) if name == "sgd" else (TorchAdam, {})
    if backbone:
        cls = _discriminative(cls, backbone, factor)
    return cls(learning_rate, decay=decay, **kwargs)


def make_optimizer(
    config: TrainConfig,
    model: keras.Model,
    plan: FinetunePlan,
    decay: DecayRule,
    lr,
    loss_scaled: bool = False,
) -> keras.optimizers.Optimizer:
    """``config.optimizer`` over ``model``'s layers as the fine-tuning plan says (frozen layers
    made untrainable, the backbone at its factor), at ``lr`` (a number, or make_schedule's
    curve); ``loss_scaled`` (fp16): under dynamic loss scaling."""
    weighted = {layer.name: layer for layer in model.layers if layer.weights}
    for name in plan.frozen:
        weighted[name].trainable = False
    backbone = [w for name in plan.backbone for w in weighted[name].trainable_weights]
    optimizer = torch_optimizer(
        config.optimizer, lr, config.momentum, decay, backbone, plan.backbone_factor
    )
    return precision.loss_scaled(optimizer) if loss_scaled else optimizer


class WeightAverage:
    """training/ema.py's average of the trained weights, kept in the optimizer's own EMA slots
    (saved with its variables, updated inside the compiled step) with the shared decays."""

    def __init__(self, optimizer: keras.optimizers.Optimizer, decays: np.ndarray):
        # the slots are made when the optimizer is built: turned on before that
        self.optimizer = getattr(optimizer, "inner_optimizer", optimizer)  # under loss scaling
        self.optimizer.use_ema, self.optimizer.ema_momentum = True, float(decays.max())
        self.optimizer.averaged = decays

    @contextmanager
    def swapped_in(self):
        """The model holds the averaged weights within, the live ones again after."""
        if not self.optimizer.built:
            yield
            return
        trained = self.optimizer.trained
        live = [np.asarray(v) for v in trained]
        for v, a in zip(trained, self.optimizer.averages(), strict=True):
            v.assign(a)
        try:
            yield
        finally:
            for v, w in zip(trained, live, strict=True):
                v.assign(w)


class TableSchedule(keras.optimizers.schedules.LearningRateSchedule):
    """The shared per-step learning-rate curve as a lookup table, times a scale the plateau
    rule sets between epochs."""

    def __init__(self, base_lr: float, factors: np.ndarray):
        self.base_lr = base_lr
        self.factors = tf.constant(factors, tf.float32)
        self.scale = tf.Variable(1.0, trainable=False, dtype=tf.float32)

    def __call__(self, step):
        i = tf.minimum(tf.cast(step, tf.int32), tf.shape(self.factors)[0] - 1)
        return self.base_lr * tf.gather(self.factors, i) * self.scale

    def get_config(self):
        return {"base_lr": self.base_lr, "factors": self.factors.numpy().tolist()}


def make_schedule(config: TrainConfig, steps: int) -> TableSchedule:
    """The shared curve (training.schedule.lr_curve) for ``steps`` steps per epoch."""
    curve = lr_curve(config.schedule, config.epochs, steps, config.step_size)
    factors = np.array([curve(s) for s in range(steps * config.epochs + 1)], dtype=np.float32)
    return TableSchedule(config.lr, factors)
