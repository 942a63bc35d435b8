import keras
import numpy as np
import pytest

from course_lib import optimizers

BUILTIN = keras.optimizers

#: (name, from-scratch class, Keras built-in class, keyword arguments)
PAIRS = [
    ("sgd", optimizers.SGD, BUILTIN.SGD, {"learning_rate": 0.05}),
    ("momentum", optimizers.SGD, BUILTIN.SGD, {"learning_rate": 0.05, "momentum": 0.9}),
    (
        "nesterov",
        optimizers.SGD,
        BUILTIN.SGD,
        {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True},
    ),
    ("adagrad", optimizers.Adagrad, BUILTIN.Adagrad, {"learning_rate": 0.05}),
    ("rmsprop", optimizers.RMSprop, BUILTIN.RMSprop, {"learning_rate": 0.01}),
    (
        "rmsprop_centred_momentum",
        optimizers.RMSprop,
        BUILTIN.RMSprop,
        {"learning_rate": 0.01, "centered": True, "momentum": 0.5},
    ),
    ("adam", optimizers.Adam, BUILTIN.Adam, {"learning_rate": 0.01}),
    ("adamw", optimizers.AdamW, BUILTIN.AdamW, {"learning_rate": 0.01, "weight_decay": 0.05}),
]


def warmup_cosine():
    return BUILTIN.schedules.CosineDecay(0.0, 80, warmup_target=0.01, warmup_steps=20)


@pytest.mark.parametrize(
    ("ours", "theirs", "kwargs"), [p[1:] for p in PAIRS], ids=[p[0] for p in PAIRS]
)
def test_tracks_the_builtin_over_100_steps(ours, theirs, kwargs):
    assert optimizers.max_weight_difference(ours(**kwargs), theirs(**kwargs), steps=100) < 1e-5


@pytest.mark.parametrize(
    ("ours", "theirs", "kwargs"), [p[1:] for p in PAIRS], ids=[p[0] for p in PAIRS]
)
def test_tracks_the_builtin_with_warmup_decay_clipping_and_ema(ours, theirs, kwargs):
    def make(cls):
        extras = {"weight_decay": 0.01, "global_clipnorm": 0.5, "use_ema": True}
        return cls(**{**kwargs, **extras, "learning_rate": warmup_cosine()})

    assert optimizers.max_weight_difference(make(ours), make(theirs), steps=100) < 1e-5


def test_adamw_is_adam_with_weight_decay():
    difference = optimizers.max_weight_difference(
        optimizers.AdamW(0.01, weight_decay=0.1), optimizers.Adam(0.01, weight_decay=0.1)
    )
    assert difference == 0.0


def test_weight_decay_changes_the_weights():
    """The test above could pass if weight_decay were ignored: it is not."""
    difference = optimizers.max_weight_difference(
        optimizers.AdamW(0.01, weight_decay=0.1), optimizers.Adam(0.01)
    )
    assert difference > 1e-3


@pytest.mark.parametrize(
    ("ours", "kwargs"), [(p[1], p[3]) for p in PAIRS], ids=[p[0] for p in PAIRS]
)
def test_config_round_trips(ours, kwargs):
    optimizer = ours(**kwargs, clipnorm=1.0)
    clone = keras.optimizers.deserialize(keras.optimizers.serialize(optimizer))
    assert type(clone) is ours
    assert clone.get_config() == optimizer.get_config()


def small_model(optimizer):
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(4), keras.layers.Dense(1)])
    model.compile(optimizer=optimizer, loss="mse")
    return model


@pytest.mark.parametrize(
    "optimizer",
    [
        optimizers.SGD(0.01, momentum=0.9, nesterov=True),
        optimizers.RMSprop(0.01, centered=True),
        optimizers.Adam(0.01),
    ],
    ids=lambda o: type(o).__name__,
)
def test_state_survives_a_keras_file(optimizer, tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(64, 3)), rng.normal(size=(64, 1))
    model = small_model(optimizer)
    model.fit(x, y, batch_size=16, epochs=2, verbose=0)
    model.save(tmp_path / "model.keras")
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    assert type(loaded.optimizer) is type(optimizer)
    assert int(loaded.optimizer.iterations) == int(optimizer.iterations) == 8
    slots = [v.numpy() for v in optimizer.variables]
    assert len(slots) > 2  # iterations, learning rate and at least one slot per weight
    for saved, restored in zip(slots, loaded.optimizer.variables, strict=True):
        np.testing.assert_array_equal(saved, restored.numpy())
    # Training on from the file and from memory gives the same weights.
    model.fit(x, y, batch_size=16, epochs=1, verbose=0, shuffle=False)
    loaded.fit(x, y, batch_size=16, epochs=1, verbose=0, shuffle=False)
    for mine, theirs in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_allclose(mine, theirs, atol=1e-6)


def test_slots_are_created_from_the_weights():
    optimizer = optimizers.RMSprop(0.01, centered=True, momentum=0.5)
    weight = keras.Variable(np.zeros((2, 3), "float32"), name="kernel")
    optimizer.build([weight])
    for name in ("mean_square", "mean_gradient", "momentum"):
        assert optimizer.slot(name, weight).shape == (2, 3)
    assert optimizers.SGD(0.1).slot_names() == ()


def test_momentum_outside_its_range_is_refused():
    with pytest.raises(ValueError, match="momentum"):
        optimizers.SGD(0.1, momentum=1.0)
