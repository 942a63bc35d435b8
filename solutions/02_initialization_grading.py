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
}

POINTS = {
    "compute_fans": 1,
    "glorot_uniform_limit": 1,
    "propagate_variance": 1,
    "init_for_activation": 1,
}
