"""The layer table of a spec (`alexnet-cifar summary`): shapes, parameters, MACs."""

from __future__ import annotations

from .arch import Layer, LayerKind, Spec


def describe_layer(layer: Layer) -> str:
    k = layer.kind
    if k is LayerKind.CONV:
        g = f" g{layer.groups}" if layer.groups > 1 else ""
        return f"conv {layer.out}@{layer.kernel}x{layer.kernel}/{layer.stride} p{layer.padding}{g}"
    if k is LayerKind.MAXPOOL:
        return f"maxpool {layer.kernel}x{layer.kernel}/{layer.stride}"
    if k is LayerKind.LINEAR:
        return f"linear {layer.out}"
    if k is LayerKind.DROPOUT:
        return f"dropout {layer.p}"
    if k is LayerKind.AVGPOOL:
        return f"adaptive avgpool {layer.out}x{layer.out}"
    return k.value


def summary_dict(spec: Spec) -> dict:
    rows = [
        {
            "name": r.name,
            "layer": describe_layer(r.layer),
            "output_shape": list(r.shape),
            "parameters": r.params,
            "macs": r.macs,
        }
        for r in spec.layers()
    ]
    return {**spec.to_dict(), "notes": spec.notes, "layers": rows}


def format_summary(info: dict) -> str:
    lines = [
        f"{info['model']}  ({info['notes']})",
        f"input 3x{info['input_size']}x{info['input_size']}, {info['num_classes']} classes"
        f"{', BatchNorm' if info['batchnorm'] else ''}",
        "",
    ]
    lines.append(f"{'name':<14} {'layer':<28} {'output':>14} {'params':>12} {'MMAC':>9}")
    for r in info["layers"]:
        shape = "x".join(map(str, r["output_shape"]))
        lines.append(
            f"{r['name']:<14} {r['layer']:<28} {shape:>14} {r['parameters']:>12,} "
            f"{r['macs'] / 1e6:>9.1f}"
        )
    lines.append("")
    lines.append(f"parameters: {info['parameters']:,}")
    lines.append(f"MACs per image (forward): {info['macs'] / 1e9:.3f} G")
    for fw, n in info.get("framework_parameters", {}).items():
        lines.append(f"parameters counted by {fw}: {n:,}")
    return "\n".join(lines)
