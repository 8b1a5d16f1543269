"""Weight files and conversions between frameworks, in NumPy: the registry of ImageNet
sources, the Caffe npy reader, and the PyTorch <-> Keras layout port. No backend is imported."""
