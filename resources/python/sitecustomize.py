"""Loaded by every Python process the engine starts (this folder is first on
PYTHONPATH): traces the process, then runs the sitecustomize it shadows."""

import os
import sys


def _chain():
    """Runs the next sitecustomize on sys.path, if there is one, as Python would have."""
    import importlib.machinery
    import importlib.util

    here = os.path.dirname(os.path.abspath(__file__))
    path = [p for p in sys.path if os.path.abspath(p or ".") != here]
    spec = importlib.machinery.PathFinder.find_spec("sitecustomize", path)
    if spec is None or spec.loader is None:
        return
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)


if os.environ.get("KITCHEN_TRACE_SOCKET"):
    try:
        import kitchen_tracer

        kitchen_tracer.start()
    except Exception as err:  # noqa: BLE001 - tracing must never stop the script itself
        sys.stderr.write("[kitchen] this process is not traced: %s\n" % err)
try:
    _chain()
except Exception as err:  # noqa: BLE001
    sys.stderr.write("[kitchen] the shadowed sitecustomize failed: %s\n" % err)
