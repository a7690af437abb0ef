"""Loaded by every Python process the engine starts (this folder is first on
PYTHONPATH): traces the process, then runs the sitecustomize it shadows."""

import os
import sys


def _chain():
    """Runs the next sitecustomize on sys.path, if there is one, as Python would have.

    Looked for with two stat calls a folder rather than importlib's finders:
    every traced process runs this at start-up, and nearly always finds nothing.
    """
    here = os.path.dirname(os.path.abspath(__file__))
    for folder in sys.path:
        folder = os.path.abspath(folder or ".")
        if folder == here:
            continue
        package = os.path.join(folder, "sitecustomize")
        for path, locations in ((package + ".py", None), (os.path.join(package, "__init__.py"), [package])):
            if os.path.isfile(path):
                # Loaded as this file was, by the same kinds of loader and spec (importlib.machinery's
                # SourceFileLoader and ModuleSpec): the importlib package is not imported yet at this
                # point of start-up, and importing it costs about a millisecond.
                loader = type(__loader__)("sitecustomize", path)
                spec = type(__spec__)("sitecustomize", loader, origin=path, is_package=locations is not None)
                spec.has_location = True
                module = type(sys)("sitecustomize")
                module.__spec__, module.__loader__, module.__file__ = spec, loader, path
                if locations is not None:
                    spec.submodule_search_locations = module.__path__ = locations
                loader.exec_module(module)
                return


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
