"""Weight files and conversions between frameworks (NumPy only here; the backends do I/O)."""
