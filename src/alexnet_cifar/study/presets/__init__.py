"""Built-in study presets (YAML)."""
