"""Every lamina.kerasr function starts with kerasR's arguments, in kerasR's order, with
kerasR's defaults (read from kerasR 0.6's R sources; R's TRUE/NULL/c(2, 2) written in
Python). lamina may add arguments after them (learning_rate=, path=, **kwargs)."""
import inspect
from pathlib import Path

import pytest

from lamina import kerasr

F = '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n'
W = ("use_bias=True, kernel_initializer='glorot_uniform', bias_initializer='zeros', "
     "kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, "
     "kernel_constraint=None, bias_constraint=None, input_shape=None")
RW = ("kernel_initializer='glorot_uniform', recurrent_initializer='orthogonal', "
      "bias_initializer='zeros'")
RR = ("kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, "
      "activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, "
      "bias_constraint=None, dropout=0.0, recurrent_dropout=0.0")
APP = ("include_top=True, weights='imagenet', input_tensor=None, input_shape=None, "
       "pooling=None, classes=1000")
CLIP = "clipnorm=-1, clipvalue=-1"
PRED = "model, x, batch_size=32, verbose=1"
SEED = "seed=None"

KERASR = {
    "Activation": "activation, input_shape=None",
    "ActivityRegularization": "l1=0.0, l2=0.0, input_shape=None",
    "Adadelta": f"lr=1.0, rho=0.95, epsilon=1e-08, decay=0.0, {CLIP}",
    "Adagrad": f"lr=0.01, epsilon=1e-08, decay=0.0, {CLIP}",
    "Adam": f"lr=0.001, beta_1=0.9, beta_2=0.999, epsilon=1e-08, decay=0.0, {CLIP}",
    "Adamax": f"lr=0.002, beta_1=0.9, beta_2=0.999, epsilon=1e-08, decay=0.0, {CLIP}",
    "AveragePooling1D": "pool_size=2, strides=None, padding='valid', input_shape=None",
    "AveragePooling2D": "pool_size=(2, 2), strides=None, padding='valid', data_format=None, "
                        "input_shape=None",
    "AveragePooling3D": "pool_size=(2, 2, 2), strides=None, padding='valid', data_format=None, "
                        "input_shape=None",
    "BatchNormalization": "axis=-1, momentum=0.99, epsilon=1e-3, center=True, scale=True, "
                          "beta_initializer='zeros', gamma_initializer='ones', "
                          "moving_mean_initializer='zeros', moving_variance_initializer='ones', "
                          "beta_regularizer=None, gamma_regularizer=None, beta_constraint=None, "
                          "gamma_constraint=None, input_shape=None",
    "Bidirectional": "layer, merge_mode='concat'",
    "CSVLogger": "filename, separator=',', append=False",
    "Constant": "value=0.0",
    "Conv1D": f"filters, kernel_size, strides=1, padding='valid', dilation_rate=1, "
              f"activation=None, {W}",
    "Conv2D": f"filters, kernel_size, strides=(1, 1), padding='valid', data_format=None, "
              f"dilation_rate=(1, 1), activation=None, {W}",
    "Conv2DTranspose": f"filters, kernel_size, strides=(1, 1), padding='valid', "
                       f"data_format=None, dilation_rate=(1, 1), activation=None, {W}",
    "Conv3D": f"filters, kernel_size, strides=(1, 1, 1), padding='valid', data_format=None, "
              f"dilation_rate=(1, 1, 1), activation=None, {W}",
    "Cropping1D": "cropping=(1, 1), input_shape=None",
    "Cropping2D": "cropping=0, data_format=None, input_shape=None",
    "Cropping3D": "cropping=0, data_format=None, input_shape=None",
    "Dense": f"units, activation='linear', {W}",
    "Dropout": "rate, noise_shape=None, seed=None, input_shape=None",
    "ELU": "alpha=1.0, input_shape=None",
    "EarlyStopping": "monitor='val_loss', min_delta=0, patience=0, verbose=0, mode='auto'",
    "Embedding": "input_dim, output_dim, embeddings_initializer='uniform', "
                 "embeddings_regularizer=None, embeddings_constraint=None, mask_zero=False, "
                 "input_length=None, input_shape=None",
    "Flatten": "input_shape=None",
    "GRU": f"units, activation='tanh', recurrent_activation='hard_sigmoid', use_bias=True, "
           f"{RW}, {RR}, input_shape=None",
    "GaussianDropout": "rate=0.5, input_shape=None",
    "GaussianNoise": "stddev=1, input_shape=None",
    "GlobalAveragePooling1D": "input_shape=None",
    "GlobalAveragePooling2D": "data_format=None, input_shape=None",
    "GlobalMaxPooling1D": "input_shape=None",
    "GlobalMaxPooling2D": "data_format=None, input_shape=None",
    "Identity": "gain=1.0",
    "InceptionV3": APP,
    "LSTM": f"units, activation='tanh', recurrent_activation='hard_sigmoid', use_bias=True, "
            f"{RW}, unit_forget_bias=True, {RR}, return_sequences=False, input_shape=None",
    "LeakyReLU": "alpha=0.3, input_shape=None",
    "LocallyConnected1D": f"filters, kernel_size, strides=1, padding='valid', activation=None, "
                          f"{W}",
    "LocallyConnected2D": f"filters, kernel_size, strides=(1, 1), padding='valid', "
                          f"data_format=None, activation=None, {W}",
    "Masking": "mask_value, input_shape=None",
    "MaxPooling1D": "pool_size=2, strides=None, padding='valid', input_shape=None",
    "MaxPooling2D": "pool_size=(2, 2), strides=None, padding='valid', data_format=None, "
                    "input_shape=None",
    "MaxPooling3D": "pool_size=(2, 2, 2), strides=None, padding='valid', data_format=None, "
                    "input_shape=None",
    "ModelCheckpoint": "filepath, monitor='val_loss', verbose=0, save_best_only=False, "
                       "save_weights_only=False, mode='auto', period=1",
    "Nadam": f"lr=0.002, beta_1=0.9, beta_2=0.999, epsilon=1e-08, schedule_decay=0.004, {CLIP}",
    "Ones": "",
    "Orthogonal": f"gain=1.0, {SEED}",
    "PReLU": "input_shape=None",
    "Permute": "dims, input_shape=None",
    "RMSprop": f"lr=0.001, rho=0.9, epsilon=1e-08, decay=0.0, {CLIP}",
    "RandomNormal": f"mean=0.0, stddev=0.05, {SEED}",
    "RandomUniform": f"minval=-0.05, maxval=0.05, {SEED}",
    "ReduceLROnPlateau": "monitor='val_loss', factor=0.1, patience=10, verbose=0, mode='auto', "
                         "epsilon=0.0001, cooldown=0, min_lr=0",
    "RepeatVector": "n, input_shape=None",
    "ResNet50": APP,
    "Reshape": "target_shape, input_shape=None",
    "SGD": f"lr=0.01, momentum=0.0, decay=0.0, nesterov=False, {CLIP}",
    "SeparableConv2D": f"filters, kernel_size, strides=(1, 1), padding='valid', "
                       f"data_format=None, depth_multiplier=1, dilation_rate=(1, 1), "
                       f"activation=None, {W}",
    "Sequential": "layers=None",
    "SimpleRNN": f"units, activation='tanh', use_bias=True, {RW}, {RR}, input_shape=None",
    "TensorBoard": "log_dir='./logs', histogram_freq=0, write_graph=True, write_images=False",
    "ThresholdedReLU": "theta=1.0, input_shape=None",
    "TimeDistributed": "layer",
    "Tokenizer": f"num_words=None, filters={F!r}, lower=True, split=' '",
    "TruncatedNormal": f"mean=0.0, stddev=0.05, {SEED}",
    "UpSampling1D": "size=2, input_shape=None",
    "UpSampling2D": "size=(2, 2), data_format=None, input_shape=None",
    "UpSampling3D": "size=(2, 2, 2), data_format=None, input_shape=None",
    "VGG16": APP,
    "VGG19": APP,
    "VarianceScaling": f"scale=1.0, mode='fan_in', distribution='normal', {SEED}",
    "Xception": APP,
    "ZeroPadding1D": "padding=1, input_shape=None",
    "ZeroPadding2D": "padding=1, data_format=None, input_shape=None",
    "ZeroPadding3D": "padding=1, data_format=None, input_shape=None",
    "Zeros": "",
    # R's model = c("Xception", ...) is match.arg'ed: its default is the first choice
    "decode_predictions": "pred, model='Xception', top=5",
    "expand_dims": "a, axis=0",
    "glorot_normal": SEED,
    "glorot_uniform": SEED,
    "he_normal": SEED,
    "he_uniform": SEED,
    "img_to_array": "img, data_format=None",
    "keras_available": "silent=False",
    "keras_compile": "model, optimizer, loss, metrics=None, sample_weight_mode=None",
    "keras_fit": "model, x, y, batch_size=32, epochs=10, verbose=1, callbacks=None, "
                 "validation_split=0.0, validation_data=None, shuffle=True, class_weight=None, "
                 "sample_weight=None, initial_epoch=0",
    "keras_init": "",
    "keras_load": "path='model.h5'",
    "keras_load_weights": "model, path='model.h5'",
    "keras_model_from_json": "path='model.json'",
    "keras_model_to_json": "model, path='model.json'",
    "keras_predict": PRED,
    "keras_predict_classes": PRED,
    "keras_predict_proba": PRED,
    "keras_save": "model, path='model.h5'",
    "keras_save_weights": "model, path='model.h5'",
    "l1": "l=0.01",
    "l1_l2": "l1=0.01, l2=0.01",
    "l2": "l=0.01",
    "lecun_uniform": SEED,
    "load_boston_housing": "",
    "load_cifar10": "",
    "load_cifar100": "label_mode='fine'",
    "load_imdb": "num_words=None, skip_top=0, maxlen=None, seed=113, start_char=1, oov_char=2, "
                 "index_from=3",
    "load_img": "path, grayscale=False, target_size=None",
    "load_mnist": "",
    "load_reuters": "num_words=None, skip_top=0, maxlen=1000, test_split=0.2, seed=113, "
                    "start_char=1, oov_char=2, index_from=3",
    "max_norm": "max_value=2.0, axis=0",
    "non_neg": "",
    "normalize": "x, axis=-1, order=2",
    "one_hot": f"text, n, filters={F!r}, lower=True, split=' '",
    "pad_sequences": "sequences, maxlen=None, dtype='int32', padding='pre', truncating='pre', "
                     "value=0",
    "plot_model": "model, to_file='model.png', show_shapes=False, show_layer_names=True",
    "preprocess_input": "img, model='Xception'",
    "run_examples": "",
    "text_to_word_sequence": f"text, filters={F!r}, lower=True, split=' '",
    "to_categorical": "y, num_classes=None",
    "unit_norm": "",
}


def test_every_export_has_a_signature_here():
    lines = (Path(__file__).parent / "fixtures" / "kerasr_namespace.txt").read_text()
    names = {s.strip() for s in lines.splitlines() if s.strip() and not s.startswith("#")}
    assert names == set(KERASR)


@pytest.mark.parametrize("name", sorted(KERASR))
def test_signature_starts_with_kerasr_arguments_and_defaults(name):
    want = list(inspect.signature(eval(f"lambda {KERASR[name]}: None")).parameters.values())
    got = [p for p in inspect.signature(getattr(kerasr, name)).parameters.values()
           if p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
    assert [p.name for p in got[:len(want)]] == [p.name for p in want], name
    for g, w in zip(got, want):
        assert (g.default is g.empty) == (w.default is w.empty), f"{name}({g.name})"
        if w.default is not w.empty:
            assert g.default == w.default, f"{name}({g.name}): {g.default!r} != {w.default!r}"
    # anything lamina adds comes after kerasR's arguments and has a default
    assert all(p.default is not p.empty for p in got[len(want):]), name
