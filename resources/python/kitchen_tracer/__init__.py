"""Concurrency Kitchen's Python tracer: lifecycle events of every process,
thread and asyncio task, sent to the engine that started the script."""

from .channel import from_environment
from . import tracer


def start():
    """Traces this process if the engine asked for it (called from sitecustomize)."""
    ch = from_environment()
    if ch is None:
        return False
    tracer.install(ch)
    tracer.announce_at_start()
    return True
