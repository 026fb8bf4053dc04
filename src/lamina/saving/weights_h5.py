"""Keras 3's weights file (``model.weights.h5``): where each variable goes, both ways.

The layout, as Keras 3 writes it::

    vars                              (the model's own variables: none)
    layers/dense/vars/0, 1            kernel, bias of the first Dense
    layers/dense_1/vars/0, 1          the second Dense (named by class, counted per model)
    layers/lstm/cell/vars/0, 1, 2     a recurrent layer's weights live in its cell
    layers/bidirectional/forward_layer/cell/vars/...
    optimizer/vars/0, 1, 2, ...       iterations, learning_rate, then the slots

Within ``vars`` a layer's variables are numbered trainable first, each group in creation
order, whatever ``layer.trainable`` says now (as Keras 3 does).

>>> with h5py.File("m.weights.h5", "w") as f:
...     save_weights_to_h5(model, f)
"""
import re
import warnings

import numpy as np

from lamina.saving.file_io import H5Source, stamp_checksum
from lamina.utils.object_registration import builtin_class


def _snake(name):
    name = re.sub(r"\W+", "", name)
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def own_variables(layer):
    """The variables a layer stores under its ``vars``: trainable ones first (by how they
    were created, not by the current ``trainable`` flag), each in creation order."""
    ws = layer._weights
    wants = [getattr(w, "_wants_training", w.trainable) for w in ws]
    return [w for w, t in zip(ws, wants) if t] + [w for w, t in zip(ws, wants) if not t]


def _children(obj):
    """(attribute name, sublayer or list of sublayers) in the order Keras 3 visits them:
    a Sequential's or Functional's ``layers``; otherwise attributes sorted by name, private
    ones last (a subclassed model's ``layers`` among them)."""
    from lamina.layers.layer import Layer
    Model, Sequential = builtin_class("Model"), builtin_class("Sequential")  # above saving
    if isinstance(obj, Sequential) or type(obj).__name__ == "Functional" or (
            isinstance(obj, Model) and hasattr(obj, "_inputs_struct")):
        yield "layers", list(obj.layers)
        return
    subs = {id(s) for s in obj._sublayers}
    candidates = dict(vars(obj))
    if isinstance(obj, Model):
        candidates["layers"] = list(obj.layers)
    for attr in sorted(candidates, key=lambda a: f"~{a}" if a.startswith("_") else a):
        value = candidates[attr]
        if attr.startswith("__") or attr == "_sublayers":
            continue
        if isinstance(value, Layer) and id(value) in subs:
            yield attr, value
        elif (isinstance(value, (list, tuple)) and value
              and all(isinstance(v, Layer) and id(v) in subs for v in value)):
            yield attr, list(value)


def walk(model):
    """(path, layer) for every layer under ``model`` (the model itself at ``""``), in Keras
    3's order and with its names."""
    out, visited = [], set()

    def visit(obj, path):
        if id(obj) in visited:
            return
        visited.add(id(obj))
        out.append((path, obj))
        for attr, child in _children(obj):
            base = f"{path}/{attr}" if path else attr
            if isinstance(child, list):
                used = {}
                for item in child:
                    if id(item) in visited:
                        continue
                    name = _snake(type(item).__name__)
                    n = used.get(name, 0)
                    used[name] = n + 1
                    visit(item, f"{base}/{name}" if n == 0 else f"{base}/{name}_{n}")
            else:
                visit(child, base)

    visit(model, "")
    return out


def save_weights_to_h5(model, h5, include_optimizer=True):
    """Write the model's variables (and its optimizer's) into the open HDF5 file ``h5``,
    then its checksum (``file_io.stamp_checksum``)."""
    for path, layer in walk(model):
        group = h5.require_group(f"{path}/vars" if path else "vars")
        group.attrs["name"] = layer.name
        for i, var in enumerate(own_variables(layer)):
            group.create_dataset(str(i), data=np.asarray(var.data))
    opt = getattr(model, "optimizer", None)
    if include_optimizer and opt is not None and hasattr(opt, "variables"):
        group = h5.require_group("optimizer/vars")
        group.attrs["name"] = getattr(opt, "name", "optimizer")
        for i, var in enumerate(optimizer_variables(opt)):
            group.create_dataset(str(i), data=np.asarray(var.data))
    stamp_checksum(h5)


def load_weights_from_h5(model, h5, skip_mismatch=False, include_optimizer=True,
                         filename=None):
    """Assign the variables stored in ``h5`` (Keras 3's layout; an open file or an
    ``H5Source``) to ``model``'s layers.

    A layer missing from the file, or whose variables differ in number or shape, raises a
    ValueError naming it, unless ``skip_mismatch`` (then it warns and leaves it as is).
    Shapes are compared with what the file declares before anything is read.
    """
    source = h5 if isinstance(h5, H5Source) else H5Source(h5, filename or h5.filename)
    where = f" in '{source.filename}'"
    pending, used = [], set()
    for path, layer in walk(model):
        variables = own_variables(layer)
        key = f"{path}/vars" if path else "vars"
        used.add(key)
        group = source.group(key)
        if group is None:
            if variables:
                _mismatch(skip_mismatch, f"Layer '{layer.name}' ({type(layer).__name__}) has "
                          f"{len(variables)} variables but the file has no '{key}'{where}")
            continue
        if len(group.keys()) != len(variables):
            _mismatch(skip_mismatch, f"Layer '{layer.name}' ({type(layer).__name__}) expects "
                      f"{len(variables)} variables, but '{key}'{where} holds {len(group.keys())}")
            continue
        datasets = [source.dataset(group, str(i), f"{key}/{i}") for i in range(len(variables))]
        bad = [(v, d, i) for i, (v, d) in enumerate(zip(variables, datasets))
               if tuple(v.shape) != d.shape]
        if bad:
            v, d, i = bad[0]
            _mismatch(skip_mismatch, f"Layer '{layer.name}': variable '{v.name}' has shape "
                      f"{tuple(v.shape)}, but '{key}/{i}'{where} holds shape {d.shape}")
            continue
        values = [source.read(d, f"{key}/{i}") for i, d in enumerate(datasets)]
        pending.append((variables, values))
    # weights no layer took: the file holds another model (loading it would leave this
    # one's weights as initialized, silently)
    unused = sorted({p.rsplit("/", 1)[0] for p, _ in source.datasets
                     if p.rsplit("/", 1)[0].endswith("vars") and not p.startswith("optimizer/")}
                    - used)
    if unused:
        _mismatch(skip_mismatch, f"'{source.filename}' holds weights that no layer of model "
                  f"'{model.name}' takes: {unused[:5]}{'...' if len(unused) > 5 else ''}")
    for variables, values in pending:  # assign only once everything matched
        for var, value in zip(variables, values):
            var.assign(value.astype(var.data.dtype, copy=False))
    opt = getattr(model, "optimizer", None)
    if include_optimizer and opt is not None:
        group = source.group("optimizer/vars")
        if group is not None:
            load_optimizer_state(model, group, source)


def load_optimizer_state(model, group, source):
    """Restore optimizer state saved after training: the optimizer is built first."""
    opt = model.optimizer
    n_saved = len(group.keys())
    if not opt.built and n_saved > len(opt.variables):
        opt.build(model.trainable_weights)
    variables = optimizer_variables(opt)
    datasets = [source.dataset(group, str(i), f"optimizer/vars/{i}") for i in range(n_saved)] \
        if len(variables) == n_saved else None
    if datasets is None or any(tuple(v.data.shape) != d.shape
                               for v, d in zip(variables, datasets)):
        warnings.warn(f"Skipping the optimizer state: the optimizer has {len(variables)} "
                      f"variables, the file {n_saved} (or their shapes differ)", stacklevel=3)
        return
    values = [source.read(d, f"optimizer/vars/{i}") for i, d in enumerate(datasets)]
    for var, value in zip(variables, values):
        var.assign(value.astype(var.data.dtype, copy=False))


# Keras 3 creates these slots together, interleaved per variable (add_optimizer_variables
# with a list of names); other slots come one name at a time, in this order.
_KERAS_SLOT_GROUPS = {
    "Adam": [["momentum", "velocity"], ["velocity_hat"]],
    "AdamW": [["momentum", "velocity"], ["velocity_hat"]],
    "Nadam": [["momentum", "velocity"]],
    "Adadelta": [["accumulated_grad", "accumulated_delta_var"]],
    "Adamax": [["momentum", "norm"]],
    "RMSprop": [["velocity"], ["momentum"], ["average_gradient"]],
    "SGD": [["momentum"]],
    "Adagrad": [["accumulator"]],
}


def optimizer_variables(opt):
    """The optimizer's variables in Keras 3's ``optimizer/vars`` order: iterations,
    learning_rate (unless a schedule), EMA averages, gradient accumulators, then the slots
    as Keras creates them, then extra state (Nadam's ``u_product``).

    Each lamina slot Variable is a view into a flat per-dtype buffer; which buffer and
    offset it views tells its (slot name, model variable), whatever order lamina lists
    them in."""
    variables = list(opt.variables)
    if not getattr(opt, "built", False) or not hasattr(opt, "_groups"):
        return variables
    try:
        return _keras_order(opt, variables)
    except (AttributeError, TypeError, KeyError):  # an optimizer not packed the usual way
        return variables


def _keras_order(opt, variables):
    order = {id(v): i for i, v in enumerate(v for v in opt._var_list if id(v) in opt._where)}
    head = 1 + (getattr(opt, "_lr_var", None) is not None)
    found, extra = {}, []
    for var in variables[head:]:
        key = _slot_of(opt, var, order)
        if key is None or key in found:
            extra.append(var)
        else:
            found[key] = var
    names = []
    for group in _KERAS_SLOT_GROUPS.get(type(opt).__name__, []):
        names.append([n for n in group if any(k[0] == n for k in found)])
    known = {n for group in names for n in group}
    names += [[n] for n in dict.fromkeys(k[0] for k in found) if n not in known
              and n not in ("average", "gradient_accumulator")]
    keras_order = [("average", i) for i in range(len(order))]
    keras_order += [("gradient_accumulator", i) for i in range(len(order))]
    keras_order += [(n, i) for group in names for i in range(len(order)) for n in group]
    ordered = [found.pop(k) for k in keras_order if k in found]
    return variables[:head] + ordered + list(found.values()) + extra


def _slot_of(opt, var, order):
    """(slot name, index of the model variable) of an optimizer state Variable, or None."""
    data = np.asarray(var.data)
    if data.size == 0:
        return None
    ptr = data.__array_interface__["data"][0]
    for G in opt._groups:
        arrays = list(G.slots.items()) + [("average", G.ema), ("gradient_accumulator", G.acc)]
        for name, flat in arrays:
            if flat is None:
                continue
            start = flat.__array_interface__["data"][0]
            if start <= ptr < start + flat.nbytes and data.dtype == flat.dtype:
                offset = (ptr - start) // flat.itemsize
                hits = np.nonzero(G.offsets == offset)[0]
                if len(hits):
                    return name, order[id(G.vars[int(hits[0])])]
    return None


def _mismatch(skip, message):
    if skip:
        warnings.warn(message + "; skipped (skip_mismatch=True)", stacklevel=3)
        return
    raise ValueError(message + ". Pass skip_mismatch=True to skip such layers.")
