from lamina.layers.core.activation import Activation
from lamina.layers.core.dense import Dense
from lamina.layers.core.dropout import Dropout
from lamina.layers.core.input_layer import Input, InputLayer
from lamina.layers.core.misc import ActivityRegularization, Identity, Lambda
from lamina.layers.core.reshaping import Flatten, Permute, RepeatVector, Reshape
