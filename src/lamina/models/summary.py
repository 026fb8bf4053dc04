"""``model.summary()`` in Keras 3's layout: a box table of layers, shapes and parameter counts.

A functional model whose graph is not a plain chain gets Keras's fourth column,
"Connected to": the inputs of each of the layer's calls as ``layer[node][tensor]``.
``line_length`` and ``positions`` lay the columns out as Keras's rich table does,
``expand_nested`` adds the rows of nested models' layers (indented with ``└``),
``layer_range`` keeps the rows from one layer to another.
"""
import re

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
    """Lines of at most ``width`` characters, broken at spaces (a longer word is cut).
    Leading spaces (a nested layer's indent) stay on the first line."""
    indent = text[:len(text) - len(text.lstrip(" "))]
    words = text[len(indent):].split(" ")
    words[0] = indent + words[0]
    lines, line = [], ""
    for word in words:
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


# Column widths (padding included, borders not) of the default table: Keras's layout in an
# 80-column terminal; the "Connected to" table as Keras draws it at its full 108 columns
_DEFAULT_WIDTHS = {False: [33, 24, 15], True: [32, 28, 19, 29]}
_TRAINABLE_WIDTH = 11
# Keras's relative column boundaries when only line_length is given
_KERAS_POSITIONS = {False: [0.45, 0.80, 1.0], True: [0.3, 0.56, 0.74, 1.0]}


def column_widths(graph, show_trainable, line_length=None, positions=None):
    """Each column's width, its padding included, borders not.

    With neither ``line_length`` nor ``positions`` this is the default table. Otherwise, as
    Keras: ``positions`` are the columns' right ends, relative to ``line_length`` (all at
    most 1) or absolute characters; Keras's defaults fill in what is not given. With
    ``show_trainable`` a boundary may be left out for the "Trainable" column (Keras squeezes
    relative ones to 90% and adds 1.0). The table is then ``line_length`` wide (the last
    absolute position), as rich lays out Keras's table: each column gets two spaces of
    padding and the borders, taken from the widths evenly.

    >>> column_widths(False, False, line_length=76)
    [33, 24, 15]
    """
    n = (4 if graph else 3) + bool(show_trainable)
    if line_length is None and positions is None:
        return _DEFAULT_WIDTHS[graph] + ([_TRAINABLE_WIDTH] if show_trainable else [])
    if line_length is not None and (isinstance(line_length, bool)
                                    or not isinstance(line_length, (int, np.integer))
                                    or line_length < 1):
        raise ValueError(f"summary: line_length must be a positive int, got {line_length!r}")
    default_length = sum(column_widths(graph, show_trainable)) + n + 1
    line_length = int(line_length or default_length)
    bounds = _boundaries(positions or _KERAS_POSITIONS[graph], n, show_trainable, line_length)
    widths = [b - a for a, b in zip([0] + bounds[:-1], bounds)]
    if any(w < 4 for w in widths):
        raise ValueError(f"summary: insufficient width to print the summary: the columns would "
                         f"be {widths} characters wide (each needs at least 4); give a larger "
                         f"line_length or positions further apart (got line_length="
                         f"{line_length}, positions={positions})")
    return _fit(widths, bounds[-1], n)


def _boundaries(positions, n, show_trainable, line_length):
    """The columns' right ends in characters."""
    try:
        positions = [float(p) for p in positions]
    except (TypeError, ValueError):
        raise ValueError(f"summary: positions must be a list of numbers, got {positions!r}"
                         ) from None
    relative = positions[-1] <= 1 if positions else True
    if show_trainable and len(positions) == n - 1:
        positions = ([p * 0.9 for p in positions] + [1.0] if relative
                     else positions + [positions[-1] + _TRAINABLE_WIDTH + 1])
    if len(positions) != n:
        raise ValueError(f"summary: positions needs {n} column boundaries, one per column, "
                         f"got {len(positions)}: {positions}")
    if any(b <= a for a, b in zip(positions, positions[1:])) or positions[0] <= 0:
        raise ValueError(f"summary: positions must be positive and increasing, got {positions}")
    return [int(p * line_length) if relative else int(p) for p in positions]


def _fit(widths, total, n):
    """rich's layout of fixed-width columns in a table ``total`` wide: padding (2 a column)
    and borders (n + 1) come off the columns evenly, rounding half to even."""
    cells = [w + 2 for w in widths]
    excess = sum(cells) - (total - n - 1)
    out, left = [], n
    for w in cells:
        cut = min(w, round(excess / left)) if excess > 0 else 0
        out.append(w - cut)
        excess -= cut
        left -= 1
    if any(w < 3 for w in out):
        raise ValueError(f"summary: insufficient width to print the summary in {total} "
                         "characters; give a larger line_length")
    return out


def layer_index_range(layers, layer_range=None):
    """[first, last + 1] of the layers ``layer_range = [first_name, last_name]`` spans, as
    Keras: names are regular expressions matched at the start of the layer names; the range
    runs from the first layer matching either to the last matching either end."""
    if layer_range is None:
        return 0, len(layers)
    if not isinstance(layer_range, (list, tuple)) or len(layer_range) != 2:
        raise ValueError("summary: layer_range must be a list or tuple of 2 layer names, got "
                         f"{layer_range!r}")
    if not all(isinstance(name, str) for name in layer_range):
        raise ValueError(f"summary: layer_range must hold strings (layer names), got "
                         f"{layer_range!r}")
    lower = [i for i, la in enumerate(layers) if re.match(layer_range[0], la.name)]
    upper = [i for i, la in enumerate(layers) if re.match(layer_range[1], la.name)]
    if not lower or not upper:
        missing = [name for name, hits in zip(layer_range, (lower, upper)) if not hits]
        raise ValueError(f"summary: layer_range {list(layer_range)}: no layer named {missing} "
                         f"in the model; its layers are {[la.name for la in layers]}")
    if min(lower) > max(upper):
        return min(upper), max(lower) + 1
    return min(lower), max(upper) + 1


def _layer_rows(model, layer, graph, show_trainable, expand_nested, level=0):
    """The row of ``layer`` (as a layer of ``model``), then, with ``expand_nested``, those
    of the layers inside it, indented as Keras does."""
    prefix = "   " * level + "└ " if level else ""
    row = [f"{prefix}{layer.name} ({type(layer).__name__})",
           _shape_text(_output_shape(model, layer)),
           f"{layer.count_params():,}" if layer.built else "0 (unbuilt)"]
    if graph:  # a nested layer's calls belong to its own model: "-", as Keras
        row.append(_connections(model, layer) if level == 0 else "-")
    if show_trainable:
        row.append(("Y" if layer.trainable else "N") if layer.weights else "-")
    rows = [row]
    inner = getattr(layer, "layers", None)
    if expand_nested and isinstance(inner, list) and inner:
        for sub in inner:
            rows += _layer_rows(layer, sub, graph, show_trainable, expand_nested, level + 1)
    return rows


def _table(heads, rows, widths, align):
    """The box table's lines; ``align`` is 'left', 'right' or 'center' per column."""
    just = {"left": str.ljust, "right": str.rjust, "center": str.center}

    def lines(cells, edge, bottom=False):
        wrapped = [_wrap(cell, w - 2) for cell, w in zip(cells, widths)]
        height = max(len(c) for c in wrapped)
        if bottom:  # headers sit on the rule below them, as rich draws them
            wrapped = [[""] * (height - len(c)) + c for c in wrapped]
        return [edge + edge.join(" " + just[a](c[k] if k < len(c) else "", w - 2) + " "
                                 for c, w, a in zip(wrapped, widths, align)) + edge
                for k in range(height)]

    def rule(left, mid, right, fill):
        return left + mid.join(fill * w for w in widths) + right

    out = [rule("┏", "┳", "┓", "━"), *lines(heads, "┃", bottom=True), rule("┡", "╇", "┩", "━")]
    for i, row in enumerate(rows):
        out.extend(lines(row, "│"))
        out.append(rule("├", "┼", "┤", "─") if i < len(rows) - 1 else rule("└", "┴", "┘", "─"))
    if not rows:
        out.append(rule("└", "┴", "┘", "─"))
    return out


def _totals(model):
    trainable = sum(w.data.size for w in model.trainable_weights)
    frozen = sum(w.data.size for w in model.non_trainable_weights)
    nbytes = sum(w.data.nbytes for w in model.weights)
    tbytes = sum(w.data.nbytes for w in model.trainable_weights)
    # as Keras 3: the optimizer's state counts once the optimizer is built, in the total too
    opt = getattr(model, "optimizer", None)
    opt_vars = opt.variables if opt is not None and getattr(opt, "built", False) else []
    opt_count = sum(np.asarray(getattr(v, "data", v)).size for v in opt_vars)
    opt_bytes = sum(np.asarray(getattr(v, "data", v)).nbytes for v in opt_vars)
    out = [f" Total params: {trainable + frozen + opt_count:,} "
           f"({_fmt_bytes(nbytes + opt_bytes)})",
           f" Trainable params: {trainable:,} ({_fmt_bytes(tbytes)})",
           f" Non-trainable params: {frozen:,} ({_fmt_bytes(nbytes - tbytes)})"]
    if opt_vars:
        out.append(f" Optimizer params: {opt_count:,} ({_fmt_bytes(opt_bytes)})")
    return out


def print_summary(model, line_length=None, positions=None, print_fn=None, expand_nested=False,
                  show_trainable=False, layer_range=None):
    """Print ``model``'s summary (see ``Model.summary``) in one ``print_fn`` call.

    >>> print_summary(model, line_length=100, expand_nested=True, layer_range=["d1", "d3"])
    """
    print_fn = print_fn or print
    graph = _is_graph(model)
    heads = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if graph else [])
    align = ["left", "left", "right"] + (["left"] if graph else [])
    if show_trainable:
        heads.append("Trainable")
        align.append("center")
    widths = column_widths(graph, show_trainable, line_length, positions)
    layers = model.layers
    first, last = layer_index_range(layers, layer_range)
    rows = [row for layer in layers[first:last]
            for row in _layer_rows(model, layer, graph, show_trainable, expand_nested)]
    out = [f'Model: "{model.name}"', *_table(heads, rows, widths, align), *_totals(model)]
    print_fn("\n".join(out))
