"""``plot_model``: a model's graph drawn as an image with Graphviz, as ``keras.utils.plot_model``.

Needs the optional extra ``lamina[plot]``: pydot, and a Graphviz ``dot`` program. That
extra brings ``graphviz-pure`` (a self-contained port of Graphviz's ``dot``, no system
package needed); a system Graphviz (``apt-get install graphviz``) works as well.

>>> plot_model(model, to_file="model.png", show_shapes=True)
"""
import os
import shutil
import sys

from lamina.utils.file_io import atomic_path


def _pydot():
    try:
        import pydot
    except ImportError:
        raise ImportError("plot_model needs pydot and Graphviz: pip install 'lamina[plot]' "
                          "(pydot and graphviz-pure)") from None
    return pydot


def dot_program():
    """The Graphviz program to render with: ``dot`` if installed, else ``graphviz-pure``
    (also looked for beside the running Python, as in a virtual environment)."""
    for name in ("dot", "graphviz-pure"):
        path = shutil.which(name) or shutil.which(
            name, path=os.path.dirname(os.path.abspath(sys.executable)))
        if path:
            return path
    raise ImportError("plot_model needs Graphviz's `dot` program, which was not found: "
                      "pip install 'lamina[plot]' (brings graphviz-pure), or install Graphviz "
                      "(e.g. apt-get install graphviz)")


def _escape(text):
    for ch in "\\{}|<>\"":
        text = text.replace(ch, "\\" + ch)
    return text


def _shape_text(shape):
    """A shape as ``summary()`` prints it: ``(None, 3)``, ``(None,)``, ``?`` if unknown."""
    if shape is None:
        return "?"
    if isinstance(shape, list):
        return ", ".join(_shape_text(s) for s in shape)
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + (
        ",)" if len(shape) == 1 else ")")


def _label(layer, show_shapes, show_dtype, show_layer_names, show_layer_activations,
           show_trainable):
    name = type(layer).__name__
    title = f"{layer.name} ({name})" if show_layer_names else name
    parts = [_escape(title)]
    activation = getattr(layer, "activation", None)
    if show_layer_activations and activation is not None:
        parts.append(_escape(f"activation: {getattr(activation, '__name__', activation)}"))
    if show_dtype:
        parts.append(_escape(f"dtype: {layer.dtype}"))
    if show_shapes:
        shape_in = layer.input_shape if layer.built else None
        shape_out = layer.output_shape if layer.built else None
        parts.append("{" + _escape(f"input: {_shape_text(shape_in)}") + "|"
                     + _escape(f"output: {_shape_text(shape_out)}") + "}")
    if show_trainable:
        parts.append(f"trainable: {'yes' if layer.trainable else 'no'}")
    return "{" + "|".join(parts) + "}"


def _edges(model):
    """(producer layer, consumer layer) pairs of the model's own graph, in order."""
    keys = getattr(model, "_node_keys", None)
    if keys is None:  # Sequential or subclassed: a chain of the layers
        layers = model.layers
        first = getattr(model, "_input_layer", None)
        if first is not None:
            layers = [first] + layers
        return list(zip(layers, layers[1:]))
    edges = []
    for layer in model.layers:
        for node in layer._inbound_nodes:
            if (id(layer), node.index) in keys:
                edges.extend((t._layer, layer) for t in node.input_tensors)
    return edges


def _add_model(dot, pydot, model, options, expand_nested, prefix=""):
    """Add the model's layers and edges; returns (entry layer ids, exit layer ids) of each
    layer so that nested models can be wired to their first and last inner layers."""
    ends = {}
    layers = model.layers
    first = getattr(model, "_input_layer", None)
    if first is not None:
        layers = [first] + layers
    for layer in layers:
        if expand_nested and hasattr(layer, "layers") and hasattr(layer, "compile"):
            cluster = pydot.Cluster(f"cluster_{id(layer)}", label=_escape(layer.name),
                                    style="dashed")
            inner = _add_model(cluster, pydot, layer, options, expand_nested)
            dot.add_subgraph(cluster)
            inner_layers = ([layer._input_layer] if getattr(layer, "_input_layer", None)
                            else []) + layer.layers
            ends[id(layer)] = (inner[id(inner_layers[0])][0], inner[id(inner_layers[-1])][1])
            continue
        node_id = str(id(layer))
        dot.add_node(pydot.Node(node_id, label=_label(layer, **options)))
        ends[id(layer)] = (node_id, node_id)
    for src, dst in _edges(model):
        if id(src) in ends and id(dst) in ends:
            dot.add_edge(pydot.Edge(ends[id(src)][1], ends[id(dst)][0]))
    return ends


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True, rankdir="TB",
                 expand_nested=False, dpi=200, show_layer_activations=False,
                 show_trainable=False, **kwargs):
    """The model's graph as a ``pydot.Dot``."""
    pydot = _pydot()
    if rankdir not in ("TB", "LR", "BT", "RL"):
        raise ValueError(f"plot_model: rankdir must be 'TB', 'LR', 'BT' or 'RL', got {rankdir!r}")
    dot = pydot.Dot(graph_type="digraph", rankdir=rankdir, dpi=str(dpi), concentrate="true")
    dot.set_node_defaults(shape="record", fontname="Helvetica")
    options = dict(show_shapes=show_shapes, show_dtype=show_dtype,
                   show_layer_names=show_layer_names,
                   show_layer_activations=show_layer_activations, show_trainable=show_trainable)
    _add_model(dot, pydot, model, options, expand_nested)
    return dot


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False,
               show_layer_names=True, rankdir="TB", expand_nested=False, dpi=200,
               show_layer_activations=False, show_trainable=False, **kwargs):
    """Draw ``model`` to ``to_file`` (the format from its extension: png, svg, pdf, dot ...).

    >>> plot_model(model, to_file="model.png", show_shapes=True, rankdir="LR")
    """
    dot = model_to_dot(model, show_shapes=show_shapes, show_dtype=show_dtype,
                       show_layer_names=show_layer_names, rankdir=rankdir,
                       expand_nested=expand_nested, dpi=dpi,
                       show_layer_activations=show_layer_activations,
                       show_trainable=show_trainable)
    ext = os.path.splitext(str(to_file))[1][1:].lower() or "png"
    data = dot.to_string().encode() if ext == "dot" else dot.create(prog=dot_program(),
                                                                      format=ext)
    with atomic_path(to_file) as tmp, open(tmp, "wb") as f:  # never a half-written image
        f.write(data)


def plot_history(history, to_file="history.png", metrics=None):
    """Training curves of a ``History`` (or its ``.history`` dict): one panel per metric,
    the training curve and, when logged, its ``val_`` curve; written to ``to_file`` (unless
    None) and returned as a matplotlib figure."""
    try:
        import matplotlib
    except ImportError:
        raise ImportError("History.plot needs matplotlib: pip install 'lamina[plot]'") from None
    from matplotlib.figure import Figure  # no pyplot: no GUI backend, no global state
    logs = getattr(history, "history", history)
    if not logs:
        raise ValueError("History.plot: nothing to plot; the history is empty (call fit first)")
    names = [k for k in logs if not k.startswith("val_")] if metrics is None else list(metrics)
    unknown = [m for m in names if m not in logs and "val_" + m not in logs]
    if unknown:
        raise ValueError(f"History.plot: no logs named {unknown}; logged: {sorted(logs)}")
    del matplotlib
    fig = Figure(figsize=(5.5, 3.2 * len(names)))
    epochs = getattr(history, "epoch", None)
    for i, name in enumerate(names):
        ax = fig.add_subplot(len(names), 1, i + 1)
        for key, label in ((name, "training"), ("val_" + name, "validation")):
            if key in logs:
                values = [float(v) for v in logs[key]]
                xs = [e + 1 for e in epochs] if epochs and len(epochs) == len(values) else list(
                    range(1, len(values) + 1))
                ax.plot(xs, values, marker="o" if len(values) < 30 else None, label=label)
        ax.set_title(name)
        ax.set_xlabel("epoch")
        ax.grid(alpha=0.3)
        ax.legend()
    fig.tight_layout()
    if to_file is not None:
        ext = os.path.splitext(str(to_file))[1][1:].lower() or "png"
        with atomic_path(to_file, suffix="." + ext) as tmp:
            fig.savefig(tmp, format=ext)
    return fig
