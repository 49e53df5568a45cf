"""Int8 quantization: the affine grid, the exact integer product, the straight-through
estimator, post-training quantization and QAT on digits, checkpoints, sizes and bad input."""

import warnings

import numpy as np
import pytest

import chainrule as cr
from chainrule import nn, optim
from chainrule.compress.quantize import convert, fake_quantize, prepare_qat, quantize
from chainrule.data import Standardizer, load_digits, stratified_split
from chainrule.nn.fakequant import affine_params, quantize_affine
from chainrule.nn.quantized import QATLinear, QuantizedLinear
from chainrule.nn.specs import layer_specs
from chainrule.train import fit, load_checkpoint, save_checkpoint
from chainrule.train.compiled_step import CompileFallbackWarning
from chainrule.train.mlp import build_mlp, mlp_from_config

CONFIG = {"inputs": 64, "hidden": [128], "outputs": 10, "activation": "relu"}


@pytest.fixture(scope="module")
def digits():
    X, y = load_digits()
    train, _, test = stratified_split(X, y, val=0.15, test=0.15, seed=0)
    scale = Standardizer().fit(train[0])
    return (scale.transform(train[0]), train[1]), (scale.transform(test[0]), test[1])


@pytest.fixture(scope="module")
def trained(digits):
    net = build_mlp(**CONFIG)
    fit(net, nn.softmax_cross_entropy, digits[0], optim.adam(1e-2), epochs=10, batch_size=32)
    return net


def accuracy(model, data):
    return float(np.mean(np.argmax(model(data[0]), axis=1) == data[1]))


def weights(shape, seed=0):
    return np.random.default_rng(seed).normal(size=shape)


# --- the grid -----------------------------------------------------------------------------
@pytest.mark.parametrize("per_channel", [True, False])
def test_round_trip_within_half_a_step(per_channel):
    W = weights((40, 7)) * np.array([0.01, 0.1, 1, 3, 10, 0.5, 2]) + 0.3
    W[3, 2] = 0.0
    layer = QuantizedLinear.from_weights(W, None, per_channel)
    error = np.abs(layer.dequantized_weight() - W)
    assert np.all(error <= layer.w_scale / 2 * (1 + 1e-9))
    assert error[3, 2] == 0.0                                # 0.0 is on the grid
    assert layer.W_q.dtype == np.int8 and layer.w_zero.dtype == np.int8
    assert layer.W_q.min() == -128 and layer.W_q.max() >= 126    # the range is used
    assert layer.w_scale.shape == ((7,) if per_channel else ())


def test_affine_params_values():
    scale, zero = affine_params(np.array([0.0, -1.0, 2.0]), np.array([2.55, 1.0, 3.0]), 0, 255)
    np.testing.assert_allclose(scale, [0.01, 2 / 255, 3 / 255])
    assert zero.tolist() == [0.0, 128.0, 0.0]    # ReLU outputs: zero point 0; [2, 3] holds 0
    assert affine_params(0.0, 0.0, -128, 127) == (1.0, -128.0)


def test_per_channel_beats_per_tensor_on_unequal_columns():
    W = weights((64, 6)) * np.array([1e-3, 1e-2, 0.1, 1.0, 10.0, 100.0])
    errors = [np.abs(QuantizedLinear.from_weights(W, None, pc).dequantized_weight() - W)
              for pc in (True, False)]
    column = [e.max(axis=0) / np.abs(W).max(axis=0) for e in errors]
    assert np.all(column[0] < 0.005)                          # each column: 8 bits of its own
    assert column[1][0] > 0.5                                 # small columns rounded to ~0
    assert np.all(errors[0].max(axis=0)[:5] < errors[1].max(axis=0)[:5] / 5)
    assert errors[0].mean() < errors[1].mean() / 2


# --- the integer product ------------------------------------------------------------------
def test_accumulator_equals_the_integer_matmul():
    W, X = weights((3000, 9)), weights((33, 3000), 1)
    X[0] = 10.0                            # saturates: x_q - x_zero = 255 - 128 on the row
    W[:, 0] = -1.0                         # range [-1, 0]: W_q - w_zero = -128 - 127
    layer = QuantizedLinear.from_weights(W, np.zeros(9), x_range=(-2.0, 2.0))
    x_q = quantize_affine(X, layer.x_scale, layer.x_zero, 0, 255, np.uint8)
    exact = ((x_q.astype(np.int64) - layer.x_zero)
             @ (layer.W_q.astype(np.int64) - layer.w_zero))
    assert exact[0, 0] == 3000 * 127 * -255        # beyond float32's integers (2**24)
    np.testing.assert_array_equal(layer.accumulate(X), exact)
    assert np.array_equal(exact.astype(np.int32), exact)   # an int32 accumulator holds it
    np.testing.assert_array_equal(layer(X), exact * (layer.x_scale * layer.w_scale))


@pytest.mark.parametrize("per_channel", [True, False])
def test_integer_path_equals_float_matmul_of_dequantized(per_channel):
    W, b, X = weights((30, 5)), weights(5, 1), weights((20, 30), 2)
    layer = QuantizedLinear.from_weights(W, b, per_channel, x_range=(X.min(), X.max()))
    x_q = np.clip(np.round(X / layer.x_scale) + layer.x_zero, 0, 255)
    x_deq = (x_q - layer.x_zero) * layer.x_scale
    assert np.abs(x_deq - X).max() <= layer.x_scale / 2 * (1 + 1e-9)
    np.testing.assert_allclose(layer(X), x_deq @ layer.dequantized_weight() + b,
                               rtol=1e-12, atol=1e-12)
    dx, dw = layer.x_scale / 2, layer.w_scale / 2          # and near the float layer
    bound = np.abs(X) @ (np.abs(W) * 0 + dw) + dx * np.abs(W).sum(axis=0) + 30 * dx * dw
    assert np.all(np.abs(layer(X) - (X @ W + b)) <= bound * (1 + 1e-9))


def test_inputs_beyond_the_calibration_range_saturate():
    layer = QuantizedLinear.from_weights(weights((3, 2)), np.zeros(2), x_range=(-1.0, 1.0))
    x = np.array([[5.0, -7.0, 0.5]])
    np.testing.assert_array_equal(layer(x), layer(np.clip(x, -1.0, 1.0)))


def test_weight_only_layer_is_differentiable_in_its_input_the_integer_one_is_not():
    W, X = weights((4, 3)), weights((2, 4), 1)
    plain = QuantizedLinear.from_weights(W, np.ones(3))
    cr.check_grad(lambda x: plain(x), X)
    assert QuantizedLinear.from_weights(W, None).num_parameters() == 0
    integer = QuantizedLinear.from_weights(W, None, x_range=(-3.0, 3.0))
    for derivative in (cr.grad(lambda x: np.sum(integer(x))),
                       lambda x: cr.jvp(integer, (x,), (x,))):
        with pytest.raises(cr.NoDerivativeError, match="rounds its input.*prepare_qat"):
            derivative(X)


def test_fit_trains_the_float_layers_after_an_integer_one():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4))
    y = (X[:, 0] > 0).astype(int)
    net = nn.Sequential(nn.Linear(4, 8, rng=0), nn.ReLU(), nn.Linear(8, 2, rng=1))
    q = quantize(net, X, layers=[0])
    before = q.layers[2].W.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error", CompileFallbackWarning)   # the integer product compiles
        fit(q, nn.softmax_cross_entropy, (X, y), optim.adam(1e-2), epochs=2, batch_size=20)
    assert not np.array_equal(q.layers[2].W, before)
    np.testing.assert_array_equal(q.layers[0].W_q, quantize(net, X, layers=[0]).layers[0].W_q)


# --- the straight-through estimator -------------------------------------------------------
def test_fake_quantize_forward_is_the_int8_round_trip():
    W = weights((10, 4))
    scale, zero = affine_params(W.min(axis=0), W.max(axis=0), -128, 127)
    layer = QuantizedLinear.from_weights(W, None)
    np.testing.assert_array_equal(fake_quantize(W, scale, zero), layer.dequantized_weight())


def test_ste_vjp_and_jvp_are_the_clipped_identity():
    x = np.linspace(-3, 3, 61) + 0.013                         # off the grid points
    scale, zero, lo, hi = 0.1, 3.0, -5, 12    # grid [-0.8, 0.9]; rounding onto it: +-0.05
    inside = (x >= -0.85) & (x <= 0.95)
    g = weights(61, 3)
    _, vjp = cr.vjp(lambda x: fake_quantize(x, scale, zero, qmin=lo, qmax=hi), x)
    np.testing.assert_array_equal(vjp(g)[0], np.where(inside, g, 0.0))
    _, tangent = cr.jvp(lambda x: fake_quantize(x, scale, zero, qmin=lo, qmax=hi), (x,), (g,))
    np.testing.assert_array_equal(tangent, np.where(inside, g, 0.0))
    # the exact derivative of the surrogate clip(x, (lo - zero - 1/2) s, (hi - zero + 1/2) s)
    surrogate = cr.grad(lambda x: np.sum(g * np.clip(x, -0.85, 0.95)))(x)
    np.testing.assert_array_equal(vjp(g)[0], surrogate)


def test_ste_is_deliberately_not_the_true_derivative():
    def f(x):
        return np.sum(fake_quantize(x, 0.1, 0.0, qmin=-20, qmax=20))

    x = np.array([0.12, 0.37, 5.0])                            # between grid points; clipped
    np.testing.assert_array_equal(cr.numerical_grad(f, x, eps=1e-4), [0.0, 0.0, 0.0])
    np.testing.assert_array_equal(cr.grad(f)(x), [1.0, 1.0, 0.0])
    assert not cr.check_grad(f, x, modes=("rev",), order=1, raise_on_failure=False).ok


def test_qat_layer_gradients():
    W, b, X = weights((6, 4)), weights(4, 1), weights((5, 6), 2)
    layer = QATLinear(W, b)
    Wq = QuantizedLinear.from_weights(W, None).dequantized_weight()
    # truly differentiable in its input and bias: finite differences agree
    def output(b, x):
        layer.b = b
        return layer(x)

    cr.check_grad(output, b, X)
    layer.b = b
    # in W the STE passes the gradient of the layer computed with the grid weights
    g = cr.grad(lambda m: np.sum(np.sin(m(X))))(layer)
    np.testing.assert_allclose(g.W, X.T @ np.cos(X @ Wq + b), rtol=1e-12)
    assert cr.jit(cr.grad(lambda m: np.sum(np.sin(m(X)))))(layer).W.tolist() == g.W.tolist()


# --- networks -----------------------------------------------------------------------------
def test_post_training_quantization_on_digits(trained, digits):
    float_acc = accuracy(trained, digits[1])
    assert float_acc > 0.96
    calibration = digits[0][0][:256]
    for per_channel in (True, False):
        for cal in (None, calibration):
            acc = accuracy(quantize(trained, cal, per_channel), digits[1])
            assert acc >= float_acc - 0.01, (per_channel, cal is None, acc, float_acc)
    q = quantize(trained, calibration)
    assert np.abs(q(digits[1][0]) - trained(digits[1][0])).max() < 0.5


def test_qat_fine_tuning_with_fit(trained, digits):
    qat = prepare_qat(trained)
    before = qat.layers[0].W.copy()
    with warnings.catch_warnings():
        warnings.simplefilter("error", CompileFallbackWarning)   # the step compiles
        history = fit(qat, nn.softmax_cross_entropy, digits[0], optim.adam(1e-3), epochs=3,
                      batch_size=32)
    assert len(history.epochs) == 3 and not np.array_equal(qat.layers[0].W, before)
    float_acc = accuracy(trained, digits[1])
    assert accuracy(qat, digits[1]) >= float_acc - 0.01
    int8 = convert(qat, digits[0][0][:256])
    assert [type(m).__name__ for m in int8] == ["QuantizedLinear", "ReLU", "QuantizedLinear"]
    assert accuracy(int8, digits[1]) >= float_acc - 0.01
    np.testing.assert_allclose(convert(qat)(digits[1][0]), qat(digits[1][0]), rtol=0,
                               atol=1e-12)


def test_chosen_layers_only(trained):
    q = quantize(trained, layers=[2])
    assert [type(m).__name__ for m in q] == ["Linear", "ReLU", "QuantizedLinear"]
    np.testing.assert_array_equal(q.layers[0].W, trained.layers[0].W)
    assert q.layers[0].W is not trained.layers[0].W


@pytest.mark.parametrize("make", [
    lambda net, cal: quantize(net, cal),
    lambda net, cal: quantize(net, per_channel=False),
    lambda net, cal: prepare_qat(net, per_channel=False),
], ids=["int8-activations", "int8-per-tensor-weight-only", "qat"])
def test_checkpoint_round_trip(trained, digits, tmp_path, make):
    model = make(trained, digits[0][0][:100])
    path = tmp_path / "q.npz"
    save_checkpoint(path, model, config={"model": {**CONFIG, "compressed": layer_specs(model)}})
    ckpt = load_checkpoint(path)
    assert {k: v.dtype for k, v in ckpt.model_state.items()} == {
        k: v.dtype for k, v in model.state_dict().items()}            # int8 stays int8
    rebuilt = ckpt.load_into(mlp_from_config(ckpt.config["model"]))
    assert [type(m) for m in rebuilt] == [type(m) for m in model]
    np.testing.assert_array_equal(rebuilt(digits[1][0]), model(digits[1][0]))


def test_sizes():
    big = nn.Linear(512, 512, rng=0)
    q = quantize(nn.Sequential(big)).layers[0]
    float_bytes = big.W.nbytes + big.b.nbytes
    assert q.nbytes() == 512 * 512 + 512 * 8 + 512 + 512 * 8
    assert 1 / 8 <= q.nbytes() / float_bytes < 0.14
    assert q.num_stored() == 512 * 512 + 3 * 512
    withx = quantize(nn.Sequential(big), np.ones((2, 512))).layers[0]
    assert withx.nbytes() == q.nbytes() + 9 and withx.num_stored() == q.num_stored() + 2
    qat = prepare_qat(nn.Sequential(big)).layers[0]
    assert (qat.nbytes(), qat.num_stored()) == (float_bytes, big.W.size + big.b.size)
    spec = q.spec()
    assert spec == {"kind": "int8", "in_features": 512, "out_features": 512,
                    "per_channel": True, "activations": False}


def test_digits_network_is_over_four_times_smaller(trained):
    q = quantize(trained, np.zeros((1, 64)))
    float_bytes = sum(p.nbytes for p in trained.parameters())
    assert float_bytes / sum(m.nbytes() for m in q.layers[::2]) > 6


# --- bad input and the input model --------------------------------------------------------
def test_bad_input(trained):
    broken = trained.clone()
    broken.layers[2].W[0, 0] = np.nan
    with pytest.raises(ValueError, match=r"quantize: layer 2 .*1 non-finite .* in W"):
        quantize(broken)
    with pytest.raises(ValueError, match=r"prepare_qat: layer 2 "):
        prepare_qat(broken)
    cal = np.zeros((10, 64))
    cal[4, 3] = np.inf
    with pytest.raises(ValueError, match=r"calibration has NaN or inf in 1 rows .*row 4"):
        quantize(trained, cal)
    with pytest.raises(ValueError, match=r"32 features per row, but layer 0 .* takes 64"):
        quantize(trained, np.zeros((10, 32)))
    with pytest.raises(ValueError, match="non-empty 2-D array"):
        quantize(trained, np.zeros(64))
    with pytest.raises(ValueError, match="expected an nn.Sequential .* got Linear"):
        quantize(trained.layers[0])
    with pytest.raises(ValueError, match=r"layer 1 is ReLU, not a Linear; choose among \[0, 2\]"):
        quantize(trained, layers=[1])
    with pytest.raises(ValueError, match="has no Linear layer"):
        quantize(nn.Sequential(nn.ReLU()))
    with pytest.raises(ValueError, match="convert: the model has no QATLinear"):
        convert(trained)


def test_input_model_unchanged(trained, digits):
    state = {k: v.copy() for k, v in trained.state_dict().items()}
    qat = prepare_qat(trained)
    fit(qat, nn.softmax_cross_entropy, digits[0], optim.adam(1e-2), epochs=1, batch_size=64)
    for model in (quantize(trained, digits[0][0][:50]), qat, convert(qat)):
        assert model is not trained
    assert [type(m).__name__ for m in trained] == ["Linear", "ReLU", "Linear"]
    assert all(np.array_equal(v, state[k]) for k, v in trained.state_dict().items())
