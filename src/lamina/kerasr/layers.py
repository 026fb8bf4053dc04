"""kerasR's layer functions: kerasR's argument names, order and defaults, lamina's layers.

Every function takes kerasR's ``input_shape`` (an R number or vector: ``13`` or
``c(28, 28, 1)``) and turns R's doubles into the ints Keras wants. Arguments kerasR
did not have go through ``**kwargs`` to the lamina layer (``name=``,
``return_sequences=`` on GRU, ...).
"""
from lamina.kerasr._coerce import _int, _ints, _shape, _with_shape

_WEIGHTS = ("activation", "use_bias", "kernel_initializer", "bias_initializer",
            "kernel_regularizer", "bias_regularizer", "activity_regularizer",
            "kernel_constraint", "bias_constraint")


def _build(cls_name, args, ints=(), counts=(), rename=None):
    """Construct ``lamina.layers.<cls_name>`` from a kerasR function's ``locals()``.

    ``ints`` are arguments given as a number or an R vector (kernel_size, strides, ...);
    ``counts`` are whole numbers >= 1 (units, filters); ``rename`` maps kerasR's argument
    names to Keras 3's.
    """
    from lamina import layers

    args = dict(args)
    kwargs = args.pop("kwargs", {})
    input_shape = args.pop("input_shape", None)
    for name in ints:
        args[name] = _ints(args[name], f"{cls_name}: {name}")
    for name in counts:
        args[name] = _int(args[name], f"{cls_name}: {name}", minimum=1)
    for old, new in (rename or {}).items():
        args[new] = args.pop(old)
    return getattr(layers, cls_name)(**args, **_with_shape(kwargs, input_shape))


# --- core ------------------------------------------------------------------------------------
def Dense(units, activation="linear", use_bias=True, kernel_initializer="glorot_uniform",
          bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
          activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
          input_shape=None, **kwargs):
    """Densely connected layer: ``activation(x @ kernel + bias)``.

    >>> layer = Dense(units=50, input_shape=13)
    """
    return _build("Dense", locals(), counts=("units",))


def Activation(activation, input_shape=None, **kwargs):
    """Applies an activation function by name.

    >>> layer = Activation("relu")
    """
    return _build("Activation", locals())


def Dropout(rate, noise_shape=None, seed=None, input_shape=None, **kwargs):
    """Sets a fraction ``rate`` of inputs to 0 during training.

    >>> layer = Dropout(rate=0.5)
    """
    if noise_shape is not None:
        noise_shape = _shape(noise_shape, "Dropout: noise_shape")
    if seed is not None:
        seed = _int(seed, "Dropout: seed")
    return _build("Dropout", locals())


def Flatten(input_shape=None, **kwargs):
    """Flattens each sample to one axis: (batch, a, b) -> (batch, a * b).

    >>> layer = Flatten()
    """
    return _build("Flatten", locals())


def Reshape(target_shape, input_shape=None, **kwargs):
    """Reshapes each sample to ``target_shape`` (without the batch axis).

    >>> layer = Reshape(target_shape=[2, 3], input_shape=6)
    """
    target_shape = _shape(target_shape, "Reshape: target_shape")
    return _build("Reshape", locals())


def Permute(dims, input_shape=None, **kwargs):
    """Permutes the non-batch axes; ``dims`` count from 1, as in kerasR and Keras.

    >>> layer = Permute(dims=[2, 1])
    """
    dims = _shape(dims, "Permute: dims")
    return _build("Permute", locals())


def RepeatVector(n, input_shape=None, **kwargs):
    """Repeats a (batch, features) input ``n`` times: (batch, n, features).

    >>> layer = RepeatVector(n=3)
    """
    return _build("RepeatVector", locals(), counts=("n",))


def ActivityRegularization(l1=0.0, l2=0.0, input_shape=None, **kwargs):
    """Identity that adds ``l1 * sum(|x|) + l2 * sum(x^2)`` of its input to the loss.

    >>> layer = ActivityRegularization(l1=0.01)
    """
    return _build("ActivityRegularization", locals())


def Masking(mask_value, input_shape=None, **kwargs):
    """Skips the timesteps whose features all equal ``mask_value`` (kerasR requires it).

    >>> layer = Masking(mask_value=0, input_shape=[10, 3])
    """
    return _build("Masking", locals())


def Lambda(function, output_shape=None, arguments=None, input_shape=None, **kwargs):
    """Wraps an expression as a layer (not in kerasR's NAMESPACE; a lamina addition).

    >>> layer = Lambda(lambda x: x * 2)
    """
    if output_shape is not None and not callable(output_shape):
        output_shape = _shape(output_shape, "Lambda: output_shape")
    return _build("Lambda", locals())


# --- convolutional ---------------------------------------------------------------------------
def Conv1D(filters, kernel_size, strides=1, padding="valid", dilation_rate=1, activation=None,
           use_bias=True, kernel_initializer="glorot_uniform", bias_initializer="zeros",
           kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
           kernel_constraint=None, bias_constraint=None, input_shape=None, **kwargs):
    """1D convolution over (batch, steps, channels).

    >>> layer = Conv1D(filters=4, kernel_size=3, input_shape=[20, 1])
    """
    return _build("Conv1D", locals(), ints=("kernel_size", "strides", "dilation_rate"),
                  counts=("filters",))


def Conv2D(filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
           dilation_rate=(1, 1), activation=None, use_bias=True,
           kernel_initializer="glorot_uniform", bias_initializer="zeros",
           kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
           kernel_constraint=None, bias_constraint=None, input_shape=None, **kwargs):
    """2D convolution over images (channels last unless ``data_format`` says otherwise).

    >>> layer = Conv2D(filters=2, kernel_size=[2, 2], input_shape=[28, 28, 1])
    """
    return _build("Conv2D", locals(), ints=("kernel_size", "strides", "dilation_rate"),
                  counts=("filters",))


def SeparableConv2D(filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                    depth_multiplier=1, dilation_rate=(1, 1), activation=None, use_bias=True,
                    kernel_initializer="glorot_uniform", bias_initializer="zeros",
                    kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                    kernel_constraint=None, bias_constraint=None, input_shape=None, **kwargs):
    """Depthwise then pointwise 2D convolution.

    kerasR's ``kernel_*`` initializer, regularizer and constraint apply to both the
    depthwise and the pointwise kernel (Keras 3 names them separately; pass
    ``depthwise_initializer=`` etc. to set one).

    >>> layer = SeparableConv2D(filters=4, kernel_size=3, input_shape=[8, 8, 3])
    """
    args = dict(locals())
    for part in ("initializer", "regularizer", "constraint"):
        value = args.pop(f"kernel_{part}")
        for which in ("depthwise", "pointwise"):
            args["kwargs"].setdefault(f"{which}_{part}", value)
    args["depth_multiplier"] = _int(depth_multiplier, "SeparableConv2D: depth_multiplier",
                                    minimum=1)
    return _build("SeparableConv2D", args, ints=("kernel_size", "strides", "dilation_rate"),
                  counts=("filters",))


def Conv2DTranspose(filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                    dilation_rate=(1, 1), activation=None, use_bias=True,
                    kernel_initializer="glorot_uniform", bias_initializer="zeros",
                    kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                    kernel_constraint=None, bias_constraint=None, input_shape=None, **kwargs):
    """Transposed 2D convolution ("deconvolution").

    >>> layer = Conv2DTranspose(filters=2, kernel_size=3, strides=2)
    """
    return _build("Conv2DTranspose", locals(),
                  ints=("kernel_size", "strides", "dilation_rate"), counts=("filters",))


def Conv3D(filters, kernel_size, strides=(1, 1, 1), padding="valid", data_format=None,
           dilation_rate=(1, 1, 1), activation=None, use_bias=True,
           kernel_initializer="glorot_uniform", bias_initializer="zeros",
           kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
           kernel_constraint=None, bias_constraint=None, input_shape=None, **kwargs):
    """3D convolution over volumes.

    >>> layer = Conv3D(filters=2, kernel_size=[2, 2, 2], input_shape=[8, 8, 8, 1])
    """
    return _build("Conv3D", locals(), ints=("kernel_size", "strides", "dilation_rate"),
                  counts=("filters",))


def Cropping1D(cropping=(1, 1), input_shape=None, **kwargs):
    """Trims ``cropping`` steps from the start and end of axis 1.

    >>> layer = Cropping1D(cropping=[1, 2])
    """
    return _build("Cropping1D", locals(), ints=("cropping",))


def Cropping2D(cropping=0, data_format=None, input_shape=None, **kwargs):
    """Trims rows and columns: an int, ``c(rows, cols)`` or ``list(c(top, bottom), c(l, r))``.

    >>> layer = Cropping2D(cropping=1)
    """
    return _build("Cropping2D", locals(), ints=("cropping",))


def Cropping3D(cropping=0, data_format=None, input_shape=None, **kwargs):
    """Trims the three spatial axes of a volume.

    >>> layer = Cropping3D(cropping=1)
    """
    return _build("Cropping3D", locals(), ints=("cropping",))


def UpSampling1D(size=2, input_shape=None, **kwargs):
    """Repeats each step ``size`` times.

    >>> layer = UpSampling1D(size=2)
    """
    return _build("UpSampling1D", locals(), ints=("size",))


def UpSampling2D(size=(2, 2), data_format=None, input_shape=None, **kwargs):
    """Repeats rows and columns ``size`` times (kerasR dropped ``data_format``; it is used here).

    >>> layer = UpSampling2D(size=[2, 2])
    """
    return _build("UpSampling2D", locals(), ints=("size",))


def UpSampling3D(size=(2, 2, 2), data_format=None, input_shape=None, **kwargs):
    """Repeats the three spatial axes ``size`` times.

    >>> layer = UpSampling3D()
    """
    return _build("UpSampling3D", locals(), ints=("size",))


def ZeroPadding1D(padding=1, input_shape=None, **kwargs):
    """Adds zeros at the start and end of axis 1.

    >>> layer = ZeroPadding1D(padding=2)
    """
    return _build("ZeroPadding1D", locals(), ints=("padding",))


def ZeroPadding2D(padding=1, data_format=None, input_shape=None, **kwargs):
    """Adds rows and columns of zeros around an image.

    >>> layer = ZeroPadding2D(padding=[1, 2])
    """
    return _build("ZeroPadding2D", locals(), ints=("padding",))


def ZeroPadding3D(padding=1, data_format=None, input_shape=None, **kwargs):
    """Adds zeros around a volume.

    >>> layer = ZeroPadding3D(padding=1)
    """
    return _build("ZeroPadding3D", locals(), ints=("padding",))


# --- pooling ---------------------------------------------------------------------------------
def MaxPooling1D(pool_size=2, strides=None, padding="valid", input_shape=None, **kwargs):
    """Max over windows of ``pool_size`` steps.

    >>> layer = MaxPooling1D(pool_size=2)
    """
    return _build("MaxPooling1D", locals(), ints=("pool_size", "strides"))


def MaxPooling2D(pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                 input_shape=None, **kwargs):
    """Max over ``pool_size`` windows of an image.

    >>> layer = MaxPooling2D(pool_size=[2, 2])
    """
    return _build("MaxPooling2D", locals(), ints=("pool_size", "strides"))


def MaxPooling3D(pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None,
                 input_shape=None, **kwargs):
    """Max over ``pool_size`` windows of a volume.

    >>> layer = MaxPooling3D()
    """
    return _build("MaxPooling3D", locals(), ints=("pool_size", "strides"))


def AveragePooling1D(pool_size=2, strides=None, padding="valid", input_shape=None, **kwargs):
    """Mean over windows of ``pool_size`` steps.

    >>> layer = AveragePooling1D(pool_size=2)
    """
    return _build("AveragePooling1D", locals(), ints=("pool_size", "strides"))


def AveragePooling2D(pool_size=(2, 2), strides=None, padding="valid", data_format=None,
                     input_shape=None, **kwargs):
    """Mean over ``pool_size`` windows of an image.

    >>> layer = AveragePooling2D()
    """
    return _build("AveragePooling2D", locals(), ints=("pool_size", "strides"))


def AveragePooling3D(pool_size=(2, 2, 2), strides=None, padding="valid", data_format=None,
                     input_shape=None, **kwargs):
    """Mean over ``pool_size`` windows of a volume.

    >>> layer = AveragePooling3D()
    """
    return _build("AveragePooling3D", locals(), ints=("pool_size", "strides"))


def GlobalMaxPooling1D(input_shape=None, **kwargs):
    """Max over all steps: (batch, steps, features) -> (batch, features).

    >>> layer = GlobalMaxPooling1D()
    """
    return _build("GlobalMaxPooling1D", locals())


def GlobalAveragePooling1D(input_shape=None, **kwargs):
    """Mean over all steps: (batch, steps, features) -> (batch, features).

    >>> layer = GlobalAveragePooling1D()
    """
    return _build("GlobalAveragePooling1D", locals())


def GlobalMaxPooling2D(data_format=None, input_shape=None, **kwargs):
    """Max over rows and columns: (batch, h, w, c) -> (batch, c).

    >>> layer = GlobalMaxPooling2D()
    """
    return _build("GlobalMaxPooling2D", locals())


def GlobalAveragePooling2D(data_format=None, input_shape=None, **kwargs):
    """Mean over rows and columns: (batch, h, w, c) -> (batch, c).

    >>> layer = GlobalAveragePooling2D()
    """
    return _build("GlobalAveragePooling2D", locals())


# --- locally connected -----------------------------------------------------------------------
def LocallyConnected1D(filters, kernel_size, strides=1, padding="valid", activation=None,
                       use_bias=True, kernel_initializer="glorot_uniform",
                       bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                       activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                       input_shape=None, **kwargs):
    """Like Conv1D with a separate kernel at every position.

    >>> layer = LocallyConnected1D(filters=2, kernel_size=3, input_shape=[10, 1])
    """
    return _build("LocallyConnected1D", locals(), ints=("kernel_size", "strides"),
                  counts=("filters",))


def LocallyConnected2D(filters, kernel_size, strides=(1, 1), padding="valid", data_format=None,
                       activation=None, use_bias=True, kernel_initializer="glorot_uniform",
                       bias_initializer="zeros", kernel_regularizer=None, bias_regularizer=None,
                       activity_regularizer=None, kernel_constraint=None, bias_constraint=None,
                       input_shape=None, **kwargs):
    """Like Conv2D with a separate kernel at every position.

    >>> layer = LocallyConnected2D(filters=2, kernel_size=[2, 2])
    """
    return _build("LocallyConnected2D", locals(), ints=("kernel_size", "strides"),
                  counts=("filters",))


# --- recurrent -------------------------------------------------------------------------------
# kerasR passed `dropout` as `recurrent_dropout` too (a bug); here each goes where it says.
def SimpleRNN(units, activation="tanh", use_bias=True, kernel_initializer="glorot_uniform",
              recurrent_initializer="orthogonal", bias_initializer="zeros",
              kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
              activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
              bias_constraint=None, dropout=0.0, recurrent_dropout=0.0, input_shape=None,
              **kwargs):
    """Fully connected RNN: ``h_t = activation(x_t W + h_{t-1} U + b)``.

    >>> layer = SimpleRNN(units=8, input_shape=[10, 3])
    """
    return _build("SimpleRNN", locals(), counts=("units",))


def GRU(units, activation="tanh", recurrent_activation="hard_sigmoid", use_bias=True,
        kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
        bias_initializer="zeros", kernel_regularizer=None, recurrent_regularizer=None,
        bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
        recurrent_constraint=None, bias_constraint=None, dropout=0.0, recurrent_dropout=0.0,
        input_shape=None, **kwargs):
    """Gated recurrent unit (kerasR's default gate activation: ``hard_sigmoid``).

    >>> layer = GRU(units=8, input_shape=[10, 3])
    """
    return _build("GRU", locals(), counts=("units",))


def LSTM(units, activation="tanh", recurrent_activation="hard_sigmoid", use_bias=True,
         kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal",
         bias_initializer="zeros", unit_forget_bias=True, kernel_regularizer=None,
         recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None,
         kernel_constraint=None, recurrent_constraint=None, bias_constraint=None, dropout=0.0,
         recurrent_dropout=0.0, return_sequences=False, input_shape=None, **kwargs):
    """Long short-term memory (kerasR's default gate activation: ``hard_sigmoid``).

    >>> layer = LSTM(units=16, return_sequences=True, input_shape=[10, 3])
    """
    return _build("LSTM", locals(), counts=("units",))


def Embedding(input_dim, output_dim, embeddings_initializer="uniform",
              embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False,
              input_length=None, input_shape=None, **kwargs):
    """Turns integer indexes 0..input_dim-1 into dense vectors of ``output_dim``.

    >>> layer = Embedding(input_dim=20, output_dim=10, input_length=100)
    """
    if input_length is not None:
        input_length = _int(input_length, "Embedding: input_length", minimum=1)
    return _build("Embedding", locals(), counts=("input_dim", "output_dim"))


# --- advanced activations, noise, normalization ----------------------------------------------
def LeakyReLU(alpha=0.3, input_shape=None, **kwargs):
    """``x`` if ``x > 0`` else ``alpha * x`` (Keras 3 calls ``alpha`` negative_slope).

    >>> layer = LeakyReLU(alpha=0.1)
    """
    return _build("LeakyReLU", locals(), rename={"alpha": "negative_slope"})


def PReLU(input_shape=None, **kwargs):
    """Leaky ReLU whose negative slope is learned per unit.

    >>> layer = PReLU()
    """
    return _build("PReLU", locals())


def ELU(alpha=1.0, input_shape=None, **kwargs):
    """Exponential linear unit: ``alpha * (exp(x) - 1)`` for ``x < 0``.

    >>> layer = ELU(alpha=1)
    """
    return _build("ELU", locals())


def ThresholdedReLU(theta=1.0, input_shape=None, **kwargs):
    """``x`` if ``x > theta`` else 0.

    >>> layer = ThresholdedReLU(theta=0.5)
    """
    return _build("ThresholdedReLU", locals())


def GaussianNoise(stddev=1, input_shape=None, **kwargs):
    """Adds zero-centred Gaussian noise during training (kerasR's default ``stddev = 1``).

    >>> layer = GaussianNoise(stddev=0.1)
    """
    return _build("GaussianNoise", locals())


def GaussianDropout(rate=0.5, input_shape=None, **kwargs):
    """Multiplies by 1-centred Gaussian noise during training.

    >>> layer = GaussianDropout(rate=0.2)
    """
    return _build("GaussianDropout", locals())


def BatchNormalization(axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True,
                       beta_initializer="zeros", gamma_initializer="ones",
                       moving_mean_initializer="zeros", moving_variance_initializer="ones",
                       beta_regularizer=None, gamma_regularizer=None, beta_constraint=None,
                       gamma_constraint=None, input_shape=None, **kwargs):
    """Normalizes each feature with batch statistics while training, moving ones after.

    >>> layer = BatchNormalization()
    """
    axis = _int(axis, "BatchNormalization: axis")
    return _build("BatchNormalization", locals())


# --- wrappers --------------------------------------------------------------------------------
def TimeDistributed(layer, **kwargs):
    """Applies ``layer`` to every timestep of its input.

    >>> wrapped = TimeDistributed(Dense(units=4))
    """
    return _build("TimeDistributed", locals())


def Bidirectional(layer, merge_mode="concat", **kwargs):
    """Runs a recurrent ``layer`` forwards and backwards and merges the two outputs.

    >>> wrapped = Bidirectional(LSTM(units=8), merge_mode="concat")
    """
    return _build("Bidirectional", locals())
