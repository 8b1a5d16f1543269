"""What both backends share around training, framework-free: the learning-rate curve and
plateau rule (schedule), the data splits (splits), the records (records), the TensorBoard
log (tensorboard) and the epoch loop every backend's trainer runs (trainer)."""
