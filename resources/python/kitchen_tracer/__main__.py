"""python -m kitchen_tracer script.py [args]: runs the script as `python
script.py` would (sys.argv, a fresh __main__, sys.path[0], the exit code),
traced. It execs the file itself rather than through runpy, which would
import more than the script does."""

import os
import sys

from . import tracer

USAGE = "usage: python -m kitchen_tracer script.py [args...]"


def _user_traceback(err, path):
    """The traceback from the script's own frames on, as Python would print it."""
    import traceback

    tb = err.__traceback__
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) != path:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(err), err, tb))


def _run(path):
    """Executes the file as the __main__ module, the way the interpreter runs a script."""
    import types

    with open(path, "rb") as source:
        code = compile(source.read(), path, "exec", dont_inherit=True)
    main = types.ModuleType("__main__")
    main.__file__ = path
    main.__cached__ = None
    main.__builtins__ = __builtins__
    sys.modules["__main__"] = main
    exec(code, main.__dict__)


def main(argv):
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv or argv[0] in ("-h", "--help"):
        print(USAGE, file=sys.stderr)
        return 2
    path = os.path.abspath(argv[0])
    if not os.path.isfile(path):
        print("kitchen_tracer: can't open file %r: no such file" % argv[0], file=sys.stderr)
        return 2
    sys.argv = list(argv)
    sys.path[0] = os.path.dirname(path)
    key = tracer.process_key()
    try:
        _run(path)
    except SystemExit as exit_:
        code = exit_.code
        if code is None:
            code = 0
        elif not isinstance(code, int):
            print(code, file=sys.stderr)
            code = 1
        # The exit code says how it ended; it is not an exception to report.
        tracer.done(key)
        return code
    except KeyboardInterrupt:
        tracer.done(key, "KeyboardInterrupt")
        raise
    except BaseException as err:  # noqa: BLE001 - every failure of the script is reported, as Python does
        text = _user_traceback(err, path)
        sys.stderr.write(text)
        tracer.done(key, text.strip().splitlines()[-1] + "\n" + text)
        return 1
    tracer.done(key)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
