"""kerasR's function names on top of lamina, so R code written for kerasR ports line by line.

kerasR (Taylor Arnold's R interface to Keras) builds a model with layer *functions* and
trains it with ``keras_compile`` / ``keras_fit`` / ``keras_predict``. Every name kerasR
exports is here, with kerasR's argument names and defaults (docs/kerasr.md maps each one to
its lamina equivalent). R's ``mod$add(...)`` becomes ``mod.add(...)`` and
``boston$X_train`` becomes ``boston.X_train`` (or ``boston["X_train"]``)::

    from lamina.kerasr import *

    mod = Sequential()
    mod.add(Dense(units=50, input_shape=13))
    mod.add(Activation("relu"))
    mod.add(Dense(units=1))
    keras_compile(mod, loss="mse", optimizer=RMSprop())
    boston = load_boston_housing()
    X_train = normalize(boston.X_train)
    keras_fit(mod, X_train, boston.Y_train, batch_size=32, epochs=200, validation_split=0.1)
    pred = keras_predict(mod, normalize(boston.X_test))

R conventions kept: numbers R stores as doubles (``units = 50``, ``input_shape = 13``,
``kernel_size = c(3, 3)``) are accepted as whole-number floats and vectors; ``-1`` turns
gradient clipping off; class indexes are 0-based, as kerasR's were. Differences, on
purpose: ``keras_fit`` returns the ``History`` (kerasR returns an invisible 0); optimizers
take ``learning_rate`` as well as kerasR's ``lr``; layer functions pass extra keyword
arguments (``name=``, ...) to the lamina layer.
"""
from lamina.kerasr._coerce import RList
from lamina.kerasr.applications import (
    VGG16,
    VGG19,
    InceptionV3,
    ResNet50,
    Xception,
    decode_predictions,
    preprocess_input,
)
from lamina.kerasr.callbacks import (
    CSVLogger,
    EarlyStopping,
    ModelCheckpoint,
    ReduceLROnPlateau,
    TensorBoard,
)
from lamina.kerasr.data import (
    Tokenizer,
    expand_dims,
    img_to_array,
    load_boston_housing,
    load_cifar10,
    load_cifar100,
    load_imdb,
    load_img,
    load_mnist,
    load_reuters,
    normalize,
    one_hot,
    pad_sequences,
    text_to_word_sequence,
    to_categorical,
)
from lamina.kerasr.layers import (
    ELU,
    GRU,
    LSTM,
    Activation,
    ActivityRegularization,
    AveragePooling1D,
    AveragePooling2D,
    AveragePooling3D,
    BatchNormalization,
    Bidirectional,
    Conv1D,
    Conv2D,
    Conv2DTranspose,
    Conv3D,
    Cropping1D,
    Cropping2D,
    Cropping3D,
    Dense,
    Dropout,
    Embedding,
    Flatten,
    GaussianDropout,
    GaussianNoise,
    GlobalAveragePooling1D,
    GlobalAveragePooling2D,
    GlobalMaxPooling1D,
    GlobalMaxPooling2D,
    Lambda,
    LeakyReLU,
    LocallyConnected1D,
    LocallyConnected2D,
    Masking,
    MaxPooling1D,
    MaxPooling2D,
    MaxPooling3D,
    Permute,
    PReLU,
    RepeatVector,
    Reshape,
    SeparableConv2D,
    SimpleRNN,
    ThresholdedReLU,
    TimeDistributed,
    UpSampling1D,
    UpSampling2D,
    UpSampling3D,
    ZeroPadding1D,
    ZeroPadding2D,
    ZeroPadding3D,
)
from lamina.kerasr.models import (
    Sequential,
    keras_available,
    keras_check,
    keras_compile,
    keras_fit,
    keras_init,
    keras_load,
    keras_load_weights,
    keras_model_from_json,
    keras_model_to_json,
    keras_predict,
    keras_predict_classes,
    keras_predict_proba,
    keras_save,
    keras_save_weights,
    plot_model,
    run_examples,
)
from lamina.kerasr.optimizers import SGD, Adadelta, Adagrad, Adam, Adamax, Nadam, RMSprop
from lamina.kerasr.weights import (
    Constant,
    Identity,
    Ones,
    Orthogonal,
    RandomNormal,
    RandomUniform,
    TruncatedNormal,
    VarianceScaling,
    Zeros,
    glorot_normal,
    glorot_uniform,
    he_normal,
    he_uniform,
    l1,
    l1_l2,
    l2,
    lecun_uniform,
    max_norm,
    non_neg,
    unit_norm,
)

__all__ = sorted(name for name in dir() if not name.startswith("_")
                 and name not in {"applications", "callbacks", "data", "layers", "models",
                                  "optimizers", "weights"})
