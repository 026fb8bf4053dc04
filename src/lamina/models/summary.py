"""``model.summary()`` in Keras 3's layout: a box table of layers, shapes and parameter counts."""


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


def print_summary(model, print_fn=None, show_trainable=False):
    print_fn = print_fn or print
    widths = [33, 24, 15] + ([9] if show_trainable else [])
    heads = ["Layer (type)", "Output Shape", "Param #"] + (["Trainable"] if show_trainable else [])
    rows = []
    for layer in model.layers:
        shape = layer.output_shape if layer.built else None
        row = [f"{layer.name} ({type(layer).__name__})", _shape_text(shape),
               f"{layer.count_params():,}" if layer.built else "0 (unbuilt)"]
        if show_trainable:
            row.append("Y" if layer.trainable else "N")
        rows.append(row)

    def line(cells, left, mid, right, align_right=(2,)):
        parts = []
        for i, (cell, w) in enumerate(zip(cells, widths)):
            text = cell[:w - 2]
            parts.append(" " + (text.rjust(w - 2) if i in align_right else text.ljust(w - 2)) + " ")
        return left + mid.join(parts) + right

    def rule(left, mid, right, fill):
        return left + mid.join(fill * w for w in widths) + right

    out = [f'Model: "{model.name}"', rule("┏", "┳", "┓", "━"),
           line(heads, "┃", "┃", "┃"), rule("┡", "╇", "┩", "━")]
    for i, row in enumerate(rows):
        out.append(line(row, "│", "│", "│"))
        out.append(rule("├", "┼", "┤", "─") if i < len(rows) - 1 else rule("└", "┴", "┘", "─"))
    if not rows:
        out.append(rule("└", "┴", "┘", "─"))
    trainable = sum(w.data.size for w in model.trainable_weights)
    frozen = sum(w.data.size for w in model.non_trainable_weights)
    nbytes = sum(w.data.nbytes for w in model.weights)
    tbytes = sum(w.data.nbytes for w in model.trainable_weights)
    out.append(f" Total params: {trainable + frozen:,} ({_fmt_bytes(nbytes)})")
    out.append(f" Trainable params: {trainable:,} ({_fmt_bytes(tbytes)})")
    out.append(f" Non-trainable params: {frozen:,} ({_fmt_bytes(nbytes - tbytes)})")
    opt = getattr(model, "optimizer", None)
    opt_vars = getattr(opt, "variables", None) if opt is not None else None
    if opt_vars:
        count = sum(getattr(v, "size", 0) for v in opt_vars)
        size = sum(getattr(v, "nbytes", 0) for v in opt_vars)
        out.append(f" Optimizer params: {count:,} ({_fmt_bytes(size)})")
    print_fn("\n".join(out))
