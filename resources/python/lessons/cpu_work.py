"""The same CPU-bound work for the threads and processes lessons: pure
Python arithmetic, which holds the GIL the whole time."""


def crunch(n):
    """Sum of squares modulo a prime, computed the slow way on purpose."""
    total = 0
    for i in range(n):
        total = (total + i * i) % 1_000_003
    return total
