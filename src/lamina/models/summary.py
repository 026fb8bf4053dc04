"""``model.summary()`` in Keras 3's layout: a box table of layers, shapes and parameter counts.

A functional model whose graph is not a plain chain gets Keras's fourth column,
"Connected to": the inputs of each of the layer's calls as ``layer[node][tensor]``.
"""
import numpy as np


def _fmt_bytes(n):
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.2f} {unit}"
        n /= 1024


def _shape_text(shape):
    if shape is None:
        return "?"
    if isinstance(shape, list):
        return ", ".join(_shape_text(s) for s in shape)
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + (
        ",)" if len(shape) == 1 else ")")


def _wrap(text, width):
    """Lines of at most ``width`` characters, broken at spaces (a longer word is cut)."""
    lines, line = [], ""
    for word in text.split(" "):
        candidate = word if not line else line + " " + word
        if len(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while len(word) > width:
            lines.append(word[:width])
            word = word[width:]
        line = word
    lines.append(line)
    return lines


def _own_nodes(model, layer):
    keys = getattr(model, "_node_keys", None)
    nodes = getattr(layer, "_inbound_nodes", [])
    return [n for n in nodes if keys is None or (id(layer), n.index) in keys]


def _is_graph(model):
    """Keras shows "Connected to" for functional models that are not a plain chain."""
    if not hasattr(model, "_node_keys"):
        return False
    if len(model.inputs) > 1 or len(model.outputs) > 1:
        return True
    consumers = {}
    for layer in model.layers:
        nodes = _own_nodes(model, layer)
        if len(nodes) > 1:
            return True
        for node in nodes:
            if len(node.input_tensors) > 1:
                return True
            for t in node.input_tensors:
                consumers[id(t)] = consumers.get(id(t), 0) + 1
    return any(c > 1 for c in consumers.values())


def _connections(model, layer):
    parts = [f"{t._layer.name}[{t._node_index}][{t._index}]"
             for node in _own_nodes(model, layer) for t in node.input_tensors]
    return ", ".join(parts) if parts else "-"


def _output_shape(model, layer):
    nodes = _own_nodes(model, layer) if hasattr(model, "_node_keys") else []
    if nodes:  # as Keras: the shapes of the layer's last call in this model
        shapes = [t.shape for t in nodes[-1].outputs]
        return shapes[0] if len(shapes) == 1 else shapes
    return layer.output_shape if layer.built else None


def print_summary(model, print_fn=None, show_trainable=False):
    print_fn = print_fn or print
    graph = _is_graph(model)
    widths = [32, 28, 19, 29] if graph else [33, 24, 15]
    heads = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if graph else [])
    if show_trainable:
        widths.append(9)
        heads.append("Trainable")
    rows = []
    for layer in model.layers:
        row = [f"{layer.name} ({type(layer).__name__})", _shape_text(_output_shape(model, layer)),
               f"{layer.count_params():,}" if layer.built else "0 (unbuilt)"]
        if graph:
            row.append(_connections(model, layer))
        if show_trainable:
            row.append("Y" if layer.trainable else "N")
        rows.append(row)

    def lines(cells, left, mid, right, align_right=(2,)):
        wrapped = [_wrap(cell, w - 2) for cell, w in zip(cells, widths)]
        out = []
        for k in range(max(len(c) for c in wrapped)):
            parts = []
            for i, (cell, w) in enumerate(zip(wrapped, widths)):
                text = cell[k] if k < len(cell) else ""
                parts.append(" " + (text.rjust(w - 2) if i in align_right
                                    else text.ljust(w - 2)) + " ")
            out.append(left + mid.join(parts) + right)
        return out

    def rule(left, mid, right, fill):
        return left + mid.join(fill * w for w in widths) + right

    out = [f'Model: "{model.name}"', rule("┏", "┳", "┓", "━"),
           *lines(heads, "┃", "┃", "┃"), rule("┡", "╇", "┩", "━")]
    for i, row in enumerate(rows):
        out.extend(lines(row, "│", "│", "│"))
        out.append(rule("├", "┼", "┤", "─") if i < len(rows) - 1 else rule("└", "┴", "┘", "─"))
    if not rows:
        out.append(rule("└", "┴", "┘", "─"))
    trainable = sum(w.data.size for w in model.trainable_weights)
    frozen = sum(w.data.size for w in model.non_trainable_weights)
    nbytes = sum(w.data.nbytes for w in model.weights)
    tbytes = sum(w.data.nbytes for w in model.trainable_weights)
    # as Keras 3: the optimizer's state counts once the optimizer is built, in the total too
    opt = getattr(model, "optimizer", None)
    opt_vars = opt.variables if opt is not None and getattr(opt, "built", False) else []
    opt_count = sum(np.asarray(getattr(v, "data", v)).size for v in opt_vars)
    opt_bytes = sum(np.asarray(getattr(v, "data", v)).nbytes for v in opt_vars)
    out.append(f" Total params: {trainable + frozen + opt_count:,} "
               f"({_fmt_bytes(nbytes + opt_bytes)})")
    out.append(f" Trainable params: {trainable:,} ({_fmt_bytes(tbytes)})")
    out.append(f" Non-trainable params: {frozen:,} ({_fmt_bytes(nbytes - tbytes)})")
    if opt_vars:
        out.append(f" Optimizer params: {opt_count:,} ({_fmt_bytes(opt_bytes)})")
    print_fn("\n".join(out))
