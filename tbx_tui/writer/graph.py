"""Model graphs for TensorBoard's graph dashboard, from torch modules or ONNX files.

Both need optional packages, imported only when called: a clear ``ImportError`` names what to
install. The results are serialized ``GraphDef`` (and ``RunMetadata``) bytes, wire-compatible
with TensorBoard's.
"""

from __future__ import annotations


def torch_graph(model, input_to_model, verbose: bool, use_strict_trace: bool):
    """(GraphDef bytes, RunMetadata bytes) of ``model`` traced with ``torch.jit.trace``."""
    try:
        import torch  # noqa: F401
    except ImportError as exc:
        raise ImportError("add_graph needs PyTorch: pip install torch") from exc
    try:
        from torch.utils.tensorboard._pytorch_graph import graph
    except ImportError as exc:
        raise ImportError(
            "add_graph uses torch.utils.tensorboard's tracer, which needs the tensorboard "
            "package: pip install tensorboard"
        ) from exc
    graph_def, run_metadata = graph(model, input_to_model, verbose, use_strict_trace)
    return graph_def.SerializeToString(), run_metadata.SerializeToString()


def onnx_graph(path) -> bytes:
    """GraphDef bytes for the ONNX model at ``path``: one node per ONNX node and input."""
    try:
        import onnx
    except ImportError as exc:
        raise ImportError("add_onnx_graph needs the onnx package: pip install onnx") from exc
    from tbx_tui.proto import graph_pb2

    model = onnx.load(str(path))
    g = model.graph
    out = graph_pb2.GraphDef()
    producers: dict[str, str] = {}
    for value in g.input:
        node = out.node.add(name=value.name, op="Input")
        producers[value.name] = value.name
        dims = [d.dim_value for d in value.type.tensor_type.shape.dim]
        node.attr["shape"].s = str(dims).encode()
    for i, n in enumerate(g.node):
        name = n.name or f"{n.op_type}_{i}"
        for o in n.output:
            producers[o] = name
    for i, n in enumerate(g.node):
        name = n.name or f"{n.op_type}_{i}"
        node = out.node.add(name=name, op=n.op_type)
        node.input.extend(producers[x] for x in n.input if x in producers)
        for a in n.attribute:
            node.attr[a.name].s = str(onnx.helper.get_attribute_value(a)).encode()[:1000]
    out.versions.producer = 22
    return out.SerializeToString()
