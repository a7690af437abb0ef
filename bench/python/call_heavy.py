"""A call-heavy script: millions of small Python function calls and no waits,
the case where a per-call tracer would cost the most."""


def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)


def main():
    total = 0
    for _ in range(4):
        total += fib(27)
    print("fib total", total)


main()
