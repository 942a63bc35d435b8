"""Chapter 02: hidden probes (inputs only), tolerances and points; read by the grader."""

PROBES = {
    "compute_fans": [((128, 7),), ((7, 7, 3, 64),), ((1, 1, 256, 512),), ((3, 2, 5),)],
    "glorot_uniform_limit": [(128, 64), (1, 1), (784, 10)],
    "propagate_variance": [
        (1.0, 50, 0.04, 3, False),
        (0.5, 256, 1 / 256, 10, True),
        (3.0, 64, 2 / 64, 8, True),
        (1.0, 10, 0.1, 1, True),
    ],
    "init_for_activation": [
        ("sigmoid",),
        ("leaky_relu",),
        ("elu",),
        ("gelu",),
        ("softmax",),
        ("linear",),
    ],
    # (gain, fan_in, fan_out, seed), run through the harness below.
    "ScaledGlorotUniform": [(2.0, 200, 300, 21), (0.5, 512, 64, 22), (4.0, 128, 128, 23)],
    # (gain, activation, seed): graded against the reference's runs over BAND's seeds.
    "deep_net_accuracy": [(1.0, "sigmoid", 101), (4.0, "sigmoid", 102), (1.0, "tanh", 103)],
}

TOLERANCE = {
    # leaky ReLU's exact scale is 2 / (1 + 0.2²) = 1.92; He's 2 is accepted too.
    "init_for_activation": (0.05, 0.0),
    # Sample statistics of 25,000 to 65,000 draws: about 1 % apart from seed to seed.
    "ScaledGlorotUniform": (0.03, 0.005),
}

HARNESS = {"ScaledGlorotUniform": "course_lib.checks.harness:initializer_statistics"}

BAND = {"deep_net_accuracy": {"seeds": range(4), "margin": 0.1}}

POINTS = {
    "compute_fans": 1,
    "glorot_uniform_limit": 1,
    "propagate_variance": 1,
    "init_for_activation": 1,
    "ScaledGlorotUniform": 2,
    "deep_net_accuracy": 2,
}

# Built-ins (and course_lib counterparts) an answer must not use: it earns 0 if it does.
# The same as each exercise's `forbid` in course_lib/checks (a test keeps them equal).
FORBID = {
    "compute_fans": ["keras.src.initializers.random_initializers.compute_fans"],
    "ScaledGlorotUniform": [
        "keras.initializers.GlorotUniform",
        "keras.initializers.VarianceScaling",
    ],
}
