"""Sample submission records, as `course grade` saves them, for the exports and the report."""

from __future__ import annotations


def grade(exercise, status, points, max_points=2, passed=0, total=3, message=""):
    return {
        "exercise": exercise,
        "points": points,
        "max_points": max_points,
        "status": status,
        "message": message,
        "probes_passed": passed,
        "probes_total": total,
    }


def record(name, *grades):
    return {
        "submission": name,
        "points": sum(g["points"] for g in grades),
        "max_points": sum(g["max_points"] for g in grades),
        "seconds": 12.4,
        "exercises": list(grades),
    }


SECRET = "expected [[0.1234, 5.678]], got [[1, 2]] for probe x=[9.87, 6.54]"

RECORDS = [
    record("ada", grade("f", "ok", 2.0, passed=3), grade("g", "wrong", 0.67, 2, 1, 3, SECRET)),
    record("bob", grade("f", "malformed", 0.0, message="not JSON"), grade("g", "malformed", 0.0)),
    record("cy", grade("f", "timeout", 0.0), grade("g", "error", 0.0, message=SECRET)),
    record("dee", grade("f", "kernel_died", 0.0), grade("g", "not_attempted", 0.0)),
]
