"""The tracer's one way out: JSON records, one a line, on a connection of
this process's own to the engine (a Unix socket, or a named pipe on
Windows), never mixed into the script's stdout or stderr."""

import os
import sys
import _socket
import _thread

try:
    # A JSON string, by the C encoder behind json, without importing json (and re): start-up stays
    # short. A lone surrogate passes through and becomes "?" when the line is encoded.
    from _json import encode_basestring as quote
except ImportError:  # pragma: no cover - every CPython has _json
    from json.encoder import py_encode_basestring as quote

_write = os.write

# Texts are cut so no record gets long; the engine refuses longer ones anyway.
MAX_TEXT = 2000


class Channel:
    """A connection to the engine. Sends are whole lines under a lock, so
    threads never interleave; a forked child takes over the one its parent
    opened for it just before the fork (see tracer.patch_fork)."""

    def __init__(self, address, t0_ns):
        self.address = address
        # The run's zero: a record's time is (time.perf_counter_ns() - t0_ns) / 1000 microseconds, on
        # the clock the engine reads (CLOCK_MONOTONIC on Linux).
        self.t0_ns = t0_ns
        self.lock = _thread.allocate_lock()
        self.broken = False
        self._pipe = None
        self.fd = None
        if sys.platform == "win32":
            self._pipe = open(address, "wb", buffering=0)
        else:
            self.connect()

    def connect(self):
        """Opens a new connection to the engine on this object (a spare's, before each fork)."""
        # The C-level socket type: the tracer patches the Python socket class
        # and must not trace its own sends.
        sock = _socket.socket(_socket.AF_UNIX, _socket.SOCK_STREAM)
        try:
            sock.connect(self.address)
        except OSError:
            sock.close()
            raise
        # A bare descriptor (close-on-exec, as Python makes them): right after a fork,
        # writing to it or closing it touches few objects, and no socket object is
        # left to close it again behind the script's back.
        self.fd = sock.detach()
        self.broken = False

    def write(self, lines):
        """Sends whole JSON lines as one write: a new process's first records cost one system call, not two."""
        if self.broken:
            return
        # A lone surrogate (a thread named from undecodable bytes) must not raise inside the script.
        data = lines.encode("utf-8", "replace")
        with self.lock:
            try:
                if self._pipe is not None:
                    self._pipe.write(data)
                    return
                sent = _write(self.fd, data)
                # A blocking socket takes it all in one write unless a signal cuts in.
                while sent < len(data):
                    sent += _write(self.fd, data[sent:])
            except OSError:
                # The engine went away (stopped run): keep the script running untraced.
                self.broken = True


def clip(text):
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "\u2026"


def from_environment():
    """The channel named by the environment, or None when not traced."""
    address = os.environ.get("KITCHEN_TRACE_SOCKET")
    t0 = os.environ.get("KITCHEN_T0_NS")
    if not address or not t0:
        return None
    return Channel(address, int(t0))
