"""What SimpleRNN, LSTM and GRU share: a cell made from the layer's own arguments."""
from lamina import regularizers
from lamina.layers.recurrent.rnn import RNN

_CELL_ARGS = ("units", "activation", "use_bias", "kernel_initializer", "recurrent_initializer",
              "bias_initializer", "kernel_regularizer", "recurrent_regularizer",
              "bias_regularizer", "kernel_constraint", "recurrent_constraint", "bias_constraint",
              "dropout", "recurrent_dropout")


def _proxy(name):
    return property(lambda self: getattr(self.cell, name),
                    doc=f"The cell's ``{name}``.")


class CellLayer(RNN):
    """An RNN layer whose cell is built from the layer's arguments (Keras's SimpleRNN,
    LSTM, GRU). The weights live in ``layer.cell``; the arguments read through."""

    cell_class = None
    cell_name = None

    def __init__(self, cell_kwargs, return_sequences=False, return_state=False,
                 go_backwards=False, stateful=False, unroll=False, activity_regularizer=None,
                 **kwargs):
        kwargs.pop("implementation", None)   # Keras 2/3 implementation choice: one here
        kwargs.pop("time_major", None)
        cell = self.cell_class(**cell_kwargs, dtype=kwargs.get("dtype"),
                               trainable=kwargs.get("trainable", True), name=self.cell_name)
        super().__init__(cell, return_sequences=return_sequences, return_state=return_state,
                         go_backwards=go_backwards, stateful=stateful, unroll=unroll,
                         activity_regularizer=activity_regularizer, **kwargs)

    def get_config(self):
        config = super().get_config()
        del config["cell"]
        cell_config = self.cell.get_config()
        for key in ("name", "trainable", "dtype"):
            cell_config.pop(key, None)
        config["activity_regularizer"] = regularizers.serialize(self.activity_regularizer)
        return {**config, **cell_config}

    @classmethod
    def from_config(cls, config, custom_objects=None):
        config = dict(config)
        if isinstance(config.get("dtype"), dict):
            config["dtype"] = config["dtype"].get("config", {}).get("name", "float32")
        return cls(**config)


for _name in _CELL_ARGS + ("seed",):
    setattr(CellLayer, _name, _proxy(_name))
