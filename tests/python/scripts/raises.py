"""Raises at top level: exit code 1 and a traceback, as plain Python."""


def cook():
    raise RuntimeError("out of pasta")


cook()
