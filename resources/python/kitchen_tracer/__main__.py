"""python -m kitchen_tracer script.py [args]: runs the script as Python
would (sys.argv, __main__, sys.path[0], exit code), traced."""

import os
import runpy
import sys
import traceback

from . import tracer

USAGE = "usage: python -m kitchen_tracer script.py [args...]"


def _user_traceback(err, path):
    """The traceback from the script's own frames on, as Python would print it."""
    tb = err.__traceback__
    while tb is not None and os.path.abspath(tb.tb_frame.f_code.co_filename) != path:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(err), err, tb))


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
        runpy.run_path(path, run_name="__main__")
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
