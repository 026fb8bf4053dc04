"""Model.summary's layout arguments: line_length, positions, expand_nested, show_trainable,
layer_range (Keras 3's meanings; the widths are those Keras's rich table draws)."""
import pytest

import lamina
from lamina import layers
from lamina.models.summary import column_widths


def seq():
    return lamina.Sequential([layers.Input(shape=(13,)), layers.Dense(5, name="d1"),
                              layers.Activation("relu", name="act"),
                              layers.Dense(1, name="d2")], name="seq")


def nested():
    inner_in = layers.Input(shape=(3,), name="inner_in")
    inner = lamina.Model(inner_in, layers.Dense(2, name="inner_d")(inner_in), name="inner_f")
    stack = lamina.Sequential([layers.Input(shape=(2,)), layers.Dense(4, name="s1")],
                              name="inner_s")
    x = layers.Input(shape=(3,), name="x")
    return lamina.Model(x, layers.Dense(1, name="head")(stack(inner(x))), name="outer")


def graph():
    a, b = layers.Input(shape=(4,), name="in_a"), layers.Input(shape=(4,), name="in_b")
    h = layers.Concatenate(name="concat")([layers.Dense(8, name="da")(a), b])
    return lamina.Model([a, b], layers.Dense(1, name="out")(h), name="g")


def text_of(model, **kwargs):
    lines = []
    model.summary(print_fn=lines.append, **kwargs)
    assert len(lines) == 1  # one print_fn call, as Keras
    return lines[0]


def table(text):
    return [line for line in text.splitlines() if line[:1] in "┏┃┡│├└"]


def column_starts(text):
    """Widths of the columns in the top rule."""
    return [len(part) for part in table(text)[0][1:-1].split("┳")]


def test_defaults_match_keras_layout_at_76_columns():
    text = text_of(seq())
    assert {len(line) for line in table(text)} == {76}
    assert column_starts(text) == [33, 24, 15]
    assert text == text_of(seq(), line_length=76)  # the default is Keras's at 76 columns


@pytest.mark.parametrize("length", [60, 100, 140])
def test_line_length_sets_the_total_width(length):
    text = text_of(seq(), line_length=length)
    assert {len(line) for line in table(text)} == {length}
    assert "d1 (Dense)" in text and "Total params: 76" in text


def test_widths_equal_keras_rich_tables():
    # widths Keras 3.15 printed (COLUMNS=300) for these arguments
    assert column_widths(False, False, 100) == [44, 33, 19]
    assert column_widths(False, False, 60, [0.5, 0.75, 1.0]) == [29, 13, 14]
    assert column_widths(False, True, 90) == [35, 27, 15, 8]
    assert column_widths(False, True, 76) == [29, 23, 12, 7]
    assert column_widths(True, False, 120) == [35, 30, 19, 31]
    assert column_widths(True, False, 100, [0.25, 0.5, 0.7, 1.0]) == [24, 24, 18, 29]
    assert column_widths(True, True, 130) == [34, 29, 20, 29, 12]


def test_positions_relative_and_absolute():
    relative = text_of(seq(), line_length=80, positions=[0.5, 0.75, 1.0])
    assert column_starts(relative) == [39, 18, 19]
    absolute = text_of(seq(), positions=[40, 60, 90])  # right ends in characters
    assert {len(line) for line in table(absolute)} == {90}
    assert column_starts(absolute) == [39, 18, 29]
    with pytest.raises(ValueError, match="3 column boundaries"):
        seq().summary(positions=[0.5, 1.0])
    with pytest.raises(ValueError, match="increasing"):
        seq().summary(positions=[0.8, 0.5, 1.0])
    with pytest.raises(ValueError, match="insufficient width"):
        seq().summary(line_length=10)
    with pytest.raises(ValueError, match="line_length"):
        seq().summary(line_length="wide")


def test_narrow_columns_wrap_cells_and_headers():
    text = text_of(seq(), line_length=40)
    assert {len(line) for line in table(text)} == {40}
    header = [line for line in table(text) if line.startswith("┃")]
    assert len(header) == 2 and "Layer (type)" in header[-1]  # headers sit at the bottom
    assert "Output" in header[0] and "Shape" in header[1]


def test_show_trainable_column():
    model = seq()
    model.get_layer("d2").trainable = False
    rows = [line for line in table(text_of(model, show_trainable=True)) if "(" in line]
    assert "Trainable" in table(text_of(model, show_trainable=True))[1]
    flags = {row.split("│")[1].split()[0]: row.split("│")[4].strip() for row in rows[1:]}
    assert flags == {"d1": "Y", "act": "-", "d2": "N"}  # "-": no weights, as Keras
    text = text_of(model, show_trainable=True, line_length=90)
    assert {len(line) for line in table(text)} == {90}


def test_expand_nested_indents_inner_layers():
    flat = text_of(nested())
    assert "inner_d" not in flat
    text = text_of(nested(), expand_nested=True)
    names = [line.split("│")[1].strip() for line in table(text) if line.startswith("│")
             and line.split("│")[1].strip()]
    assert names == ["x (InputLayer)", "inner_f (Functional)", "└ inner_in (InputLayer)",
                     "└ inner_d (Dense)", "inner_s (Sequential)", "└ s1 (Dense)", "head (Dense)"]
    assert "│    └ inner_d (Dense)" in text  # three spaces a level, as Keras
    row = [line for line in table(text) if "└ s1" in line][0]
    assert "(None, 4)" in row and "12" in row


def test_expand_nested_in_a_graph_summary():
    a = layers.Input(shape=(3,), name="a")
    inner = lamina.Sequential([layers.Input(shape=(3,)), layers.Dense(3, name="s")], name="sq")
    h = layers.Add(name="add")([inner(a), a])
    text = text_of(lamina.Model(a, h), expand_nested=True)
    row = [line for line in table(text) if "└ s (Dense)" in line][0]
    assert row.split("│")[4].strip() == "-"  # an inner layer's calls are not the model's


def test_layer_range():
    text = text_of(nested(), expand_nested=True, layer_range=["inner_f", "inner_s"])
    assert "inner_d" in text and "s1 (Dense)" in text
    assert "x (InputLayer)" not in text and "head" not in text
    text = text_of(seq(), layer_range=("act", "d2"))
    assert "act (Activation)" in text and "d2 (Dense)" in text and "d1 (Dense)" not in text
    assert "Total params: 76" in text  # the totals stay the whole model's
    reverse = text_of(seq(), layer_range=["d2", "d1"])  # ends given in either order
    assert "d1 (Dense)" in reverse and "d2 (Dense)" in reverse
    assert "act (Activation)" in text_of(seq(), layer_range=["a.t", "a.t"])  # regexes


def test_layer_range_errors():
    with pytest.raises(ValueError, match=r"no layer named \['nope'\]"):
        seq().summary(layer_range=["nope", "d2"])
    with pytest.raises(ValueError, match="2 layer names"):
        seq().summary(layer_range=["d1"])
    with pytest.raises(ValueError, match="strings"):
        seq().summary(layer_range=[0, 1])


def test_graph_summary_with_line_length():
    text = text_of(graph(), line_length=120)
    assert {len(line) for line in table(text)} == {120}
    assert "Connected to" in text and "da[0][0], in_b[0][0]" in text
