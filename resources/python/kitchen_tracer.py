"""Lifecycle tracing for CPython 3.9+, standard library only.

Every process, thread and asyncio task becomes a lane. The tracer reports
when each starts, ends, prints a line, and enters or leaves a call that
waits (sleep, joins, conditions, queues, sockets, select). It does not trace
function calls: what a thread does between those moments the engine reads
from the OS scheduler, which is how waiting for the GIL becomes visible.

The script must not see it: types, exceptions and tracebacks stay as they
are untraced. So locks are not wrapped (a lock's type is part of what a
program may test), every wrapper keeps its function's name and signature,
and a wrapper's own frame is taken out of the traceback of any exception
that passes through it.

Records go out on the tracer's one way out: JSON lines on a connection of
this process's own to the engine (a Unix socket, or a named pipe on
Windows), never mixed into the script's stdout or stderr.

One module, loaded by sitecustomize at every traced interpreter's start:
each module Python finds and loads costs start-up time.
"""

import os
import sys
import threading
import time
import _socket
import _thread

# --- the channel to the engine ------------------------------------------------

try:
    # A JSON string, by the C encoder behind json, without importing json (and re): start-up stays
    # short. A lone surrogate passes through and becomes "?" when the line is encoded.
    from _json import encode_basestring as quote
except ImportError:  # pragma: no cover - every CPython has _json
    from json.encoder import py_encode_basestring as quote

_write = os.write

# Texts are cut so no record gets long; the engine refuses longer ones anyway.
MAX_TEXT = 2000
# Records held back (Channel.defer) go out at this size, or this old (well inside the engine's 20 ms margin).
HOLD_BYTES = 16384
HOLD_NS = 5_000_000


class Channel:
    """A connection to the engine. Sends are whole lines under a lock, so
    threads never interleave; a forked child takes over the one its parent
    opened for it just before the fork (see patch_fork)."""

    def __init__(self, address, t0_ns):
        self.address = address
        # The run's zero: a record's time is (time.perf_counter_ns() - t0_ns) / 1000 microseconds, on
        # the clock the engine reads (CLOCK_MONOTONIC on Linux).
        self.t0_ns = t0_ns
        self.lock = _thread.allocate_lock()
        self.broken = False
        # Records held back to go out with the next write (see defer), and since when.
        self.held = ""
        self.held_since = 0
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
        self.held = ""

    def defer(self, lines):
        """Keeps whole JSON lines to go out with a later write: a busy event loop's steps go out together.

        They go out with the next record written at once (any wait, print, or thread's start or end
        is), or once they are HOLD_BYTES long or HOLD_NS old, so the engine hears of them soon.
        """
        with self.lock:
            if not self.held:
                self.held_since = _ns()
            self.held += lines
            if len(self.held) < HOLD_BYTES and _ns() - self.held_since < HOLD_NS:
                return
        self.write("")

    def write(self, lines):
        """Sends whole JSON lines (after any held back) as one write."""
        if self.broken:
            return
        with self.lock:
            if self.held:
                lines = self.held + lines
                self.held = ""
            if not lines:
                return
            # A lone surrogate (a thread named from undecodable bytes) must not raise inside the script.
            data = lines.encode("utf-8", "replace")
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


# --- this process's state -------------------------------------------------------

_ns = time.perf_counter_ns
_getpid = os.getpid
_close = os.close
_get_ident = _thread.get_ident
# The calling thread's CPU time, as the OS accounts it (the same count the engine's sampler reads).
_thread_ns = getattr(time, "thread_time_ns", None)
# Each thread's own state, read and written through the thread's dict (_local.__dict__): its lane key,
# its wait depth, the asyncio task in its slice, the Process it is starting. One dict costs fewer page
# faults after a fork than attribute access to the local (see "records").
_local = threading.local()
# Every key is here from the start: a dict that grows after a fork reallocates (see "records").
_state = {
    "channel": None,  # this process's connection to the engine (None: untraced)
    "pid": None,  # the pid the tracer was installed in
    "prints": 0,  # lines printed by this process
    "next_task": 0,  # asyncio tasks made by this process
    "announce_at_bootstrap": False,
    "done_pid": None,  # the process that has said its work is done
    "spare": None,  # the channel object a forked child takes over (see patch_fork)
    "fork_channel": None,
    "fork_spawned": None,
    "parent_channel": None,
    "command": None,  # how this interpreter was started (see command_line)
}
# The part of a line each thread has written to each stream and not yet ended: {(stream, thread): (lane, text)}.
_partial = {}

# Past this many printed lines a process stops drawing them (they are still printed, and counted).
MAX_PRINTS = 5000
MAX_PARTIAL = 10000


def now_us():
    ch = _state["channel"]
    # Untraced (no engine): records go nowhere, stamps do not matter.
    return (_ns() - ch.t0_ns) / 1000 if ch is not None else 0.0


def thread_cpu():
    """The calling thread's CPU time in microseconds, as JSON (null where the OS does not say)."""
    return "%.3f" % (_thread_ns() / 1000) if _thread_ns is not None else "null"


# --- records -----------------------------------------------------------------
#
# Each record is one JSON line, formatted from a template by one function.
# After a fork, parent and child alike take a page fault (and on some VMs a
# slow page copy, ~20-60 us) for each page they first write to, and a call
# writes to the pages of every function and object it uses: so the paths that
# run around forks (waits, prints, a child's start and end) call few functions
# and build no dicts. Lane keys (p<pid>, p<pid>t<tid>, p<pid>a<n>) and state
# names are the tracer's own and need no escaping; every other text goes
# through quote().

_SPAWN = '{"t":"spawn","parent":"%s","kind":"%s","lanes":[{"key":"%s","name":%s,"detail":%s}],"pid":%s,"tsUs":%.3f}\n'
_READY = '{"t":"ready","lane":"%s","pid":%d,"tid":%d,"cpuUs":%s,"tsUs":%.3f}\n'
_STATE = '{"t":"state","lane":"%s","state":"%s","detail":%s,"cpuUs":null,"tsUs":%.3f}\n'
_DONE = '{"t":"done","lane":"%s","soloUs":null,"error":%s,"cpuUs":%s,"printed":%s,"tsUs":%.3f}\n'
_EXIT = '{"t":"exit","lane":"%s","code":%s,"signal":%s,"tsUs":%.3f}\n'
_PRINT = '{"t":"print","lane":"%s","stream":"%s","text":%s,"tsUs":%.3f}\n'
_NAME = '{"t":"name","lane":"%s","name":%s,"tsUs":%.3f}\n'


# --- lanes -----------------------------------------------------------------


def process_key(pid=None):
    return "p%d" % (pid if pid is not None else os.getpid())


def thread_key():
    """The lane of the calling OS thread: the process lane for the main thread.

    A threading.Thread gets its key (and its lane) as it starts (see patch_threading). A thread
    started with _thread.start_new_thread has no Thread object: it gets a lane the first time it
    does something the tracer sees. (threading.current_thread() would make it a _DummyThread the
    script could see in threading.enumerate(): the main thread is told by its ident instead.)
    """
    mine = _local.__dict__
    key = mine.get("key")
    if key is None:
        # (A forked child's thread is given its new key by the fork hook: see patch_fork.)
        if _get_ident() == threading.main_thread().ident:
            key = mine["key"] = process_key()
        else:
            native = threading.get_native_id()
            key = mine["key"] = "p%dt%d" % (os.getpid(), native)
            spawn(process_key(), "thread", key, "thread %d (started with _thread)" % native)
            ready(key)
    return key


def current_key():
    """The lane that is running now: an asyncio task's during its slice, else the thread's."""
    mine = _local.__dict__
    return mine.get("task_key") or mine.get("key") or thread_key()


def state(key, name, detail=None, ts=None):
    ch = _state["channel"]
    if ch is not None:
        ts = now_us() if ts is None else ts
        ch.write(_STATE % (key, name, "null" if detail is None else quote(detail), ts))


def ready(key, ts=None, pid=None, tid=None, cpu=None):
    """The lane is past its start-up, on this OS thread (or on `pid`/`tid`, for a child not traced itself)."""
    ch = _state["channel"]
    if ch is not None:
        ts = now_us() if ts is None else ts
        ch.write(
            _READY
            % (
                key,
                _getpid() if pid is None else pid,
                threading.get_native_id() if tid is None else tid,
                thread_cpu() if cpu is None else cpu,
                ts,
            )
        )


def spawn(parent, kind, key, name, pid=None, ts=None, detail=None):
    ch = _state["channel"]
    if ch is not None:
        ts = now_us() if ts is None else ts
        detail = "null" if detail is None else quote(clip(detail)[:200])
        ch.write(_SPAWN % (parent, kind, key, quote(name[:120]), detail, "null" if pid is None else pid, ts))


def done(key, error=None, code=None, cpu="null", printed="null"):
    """The lane's work is over (with an error, or an exit code too for a process that reports its own)."""
    ch = _state["channel"]
    if ch is not None:
        ts = (_ns() - ch.t0_ns) / 1000
        # How long a traced lane's work would take alone is not known: soloUs stays null.
        text = _DONE % (key, "null" if error is None else quote(clip(error)), cpu, printed, ts)
        if code is not None:
            # %d: an int subclass (an IntEnum exit code) is written as its number.
            text += _EXIT % (key, "%d" % code, "null", ts)
        ch.write(text)


def exited(key, code, signal_name=None):
    ch = _state["channel"]
    if ch is not None:
        signal_name = "null" if signal_name is None else quote(signal_name)
        ch.write(_EXIT % (key, "null" if code is None else "%d" % code, signal_name, now_us()))


def renamed(key, name):
    ch = _state["channel"]
    if ch is not None:
        ch.write(_NAME % (key, quote(name[:120]), now_us()))


def describe_error(exc_type, exc_value, exc_traceback):
    """The exception's own line first (what a summary shows), then the traceback."""
    import traceback

    text = "".join(traceback.format_exception(exc_type, exc_value, exc_traceback))
    only = traceback.format_exception_only(exc_type, exc_value)
    # A SyntaxError's lines start with where it is (indented); its own line comes after.
    head = next((line for line in only if not line.startswith(" ")), only[-1])
    return head.strip() + "\n" + text


# --- invisible wrappers --------------------------------------------------------
#
# A wrapper runs in a frame of its own, and an exception that passes through
# it would show that frame in its traceback. From Python 3.11 a bare `raise`
# re-raises with the exception's own __traceback__, so each wrapper takes its
# frame out before re-raising. On 3.9 and 3.10 it re-raises the traceback it
# caught, so there the frames are taken out where tracebacks are shown
# instead (see hide_in_tracebacks).

_HERE = (lambda: None).__code__.co_filename


def _without_tracer(tb):
    """The traceback from `tb` with this module's frames taken out (the chain is relinked in place)."""
    while tb is not None and tb.tb_frame.f_code.co_filename == _HERE:
        tb = tb.tb_next
    head = tb
    while tb is not None:
        after = tb.tb_next
        while after is not None and after.tb_frame.f_code.co_filename == _HERE:
            after = after.tb_next
        if after is not tb.tb_next:
            tb.tb_next = after
        tb = after
    return head


def _hide(err):
    """Takes this module's frames out of the traceback an exception carries (before a bare raise)."""
    tb = err.__traceback__
    if tb is not None:
        err.__traceback__ = _without_tracer(tb)


def _hide_all(err):
    """_hide, for the exception and the ones it was raised from or during."""
    seen = set()
    while err is not None and id(err) not in seen:
        seen.add(id(err))
        _hide(err)
        for linked in (err.__cause__, err.__context__):
            if linked is not None and id(linked) not in seen:
                _hide_all(linked)
        err = None


def _like(wrapper, fn):
    """The wrapper, named and documented as the function it wraps (as functools.update_wrapper does)."""
    for name in ("__module__", "__name__", "__qualname__", "__doc__"):
        try:
            setattr(wrapper, name, getattr(fn, name))
        except (AttributeError, TypeError):
            pass
    wrapper.__dict__.update(getattr(fn, "__dict__", {}))
    wrapper.__wrapped__ = fn
    return wrapper


def hide_in_tracebacks():
    """On 3.9 and 3.10 (see above): the traceback module and the exception hooks skip this module's frames."""
    if sys.version_info >= (3, 11):
        return
    import traceback

    walk_tb = traceback.walk_tb
    walk_stack = traceback.walk_stack

    def walk_tb_(tb):
        for frame, lineno in walk_tb(tb):
            if frame.f_code.co_filename != _HERE:
                yield frame, lineno

    def walk_stack_(f):
        # (Where no frame is given, the stack starts where the original's would: above our caller.)
        for frame, lineno in walk_stack(f if f is not None else sys._getframe().f_back.f_back):
            if frame.f_code.co_filename != _HERE:
                yield frame, lineno

    traceback.walk_tb = _like(walk_tb_, walk_tb)
    traceback.walk_stack = _like(walk_stack_, walk_stack)

    # The default hook prints in C, from the traceback objects themselves.
    if sys.excepthook is sys.__excepthook__:
        original = sys.excepthook

        def excepthook(exc_type, exc_value, exc_traceback):
            if exc_value is not None:
                _hide_all(exc_value)
                exc_traceback = exc_value.__traceback__
            return original(exc_type, exc_value, exc_traceback)

        sys.excepthook = _like(excepthook, original)


# --- known waits -------------------------------------------------------------


def _enter(kind, detail):
    """The calling lane starts a call that may wait: it is `kind` while inside.

    Nested waits (a queue.get inside which a Condition waits) keep the
    outermost label. Inside an asyncio task's slice, a wait holds the event
    loop: the task is `blocking` for that time.
    """
    mine = _local.__dict__
    depth = mine.get("depth", 0)
    mine["depth"] = depth + 1
    ch = _state["channel"]
    if depth or ch is None:
        return
    ts = (_ns() - ch.t0_ns) / 1000
    text = _STATE % (mine.get("key") or thread_key(), kind, quote(detail), ts)
    task = mine.get("task_key")
    if task is not None:
        text += _STATE % (task, "blocking", quote("%s holds the event loop" % detail), ts)
    ch.write(text)


def _leave():
    """The call that _enter announced has returned (or raised)."""
    mine = _local.__dict__
    # (Never below 0: a child forked inside a wait starts again from 0.)
    depth = mine.get("depth", 1) - 1
    mine["depth"] = depth if depth > 0 else 0
    ch = _state["channel"]
    if depth > 0 or ch is None:
        return
    ts = (_ns() - ch.t0_ns) / 1000
    text = _STATE % (mine.get("key") or thread_key(), "running", "null", ts)
    task = mine.get("task_key")
    if task is not None:
        text += _STATE % (task, "running", "null", ts)
    ch.write(text)


def _waits(kind, label):
    """Wraps a function: the calling lane is `kind` (with the label) while it runs."""

    def wrap(fn):
        def traced(*args, **kwargs):
            _enter(kind, label)
            try:
                return fn(*args, **kwargs)
            except BaseException as err:
                _hide(err)
                raise
            finally:
                _leave()

        return _like(traced, fn)

    return wrap


def _joins(fn):
    """Wraps Thread.join or Process.join: the calling lane is blocked on the named thread or process."""

    def join(self, timeout=None):
        _enter("blocked", "join(%s)" % getattr(self, "name", "thread"))
        try:
            return fn(self, timeout)
        except BaseException as err:
            _hide(err)
            raise
        finally:
            _leave()

    return _like(join, fn)


def _blocks(timeout):
    return timeout is None or timeout > 0


_original = {}


def _patch(owner, name, make):
    original = getattr(owner, name, None)
    if original is None:
        return
    _original.setdefault("%s.%s" % (getattr(owner, "__name__", owner), name), original)
    setattr(owner, name, make(original))


# --- threads -----------------------------------------------------------------


def patch_threading():
    _patch(threading.Thread, "join", _joins)
    _patch(threading.Condition, "wait", _waits("blocked", "Condition.wait()"))
    traced_event_wait = _waits("blocked", "Event.wait()")(threading.Event.wait)

    def event_wait(self, timeout=None, _traced=traced_event_wait, _original=threading.Event.wait):
        # A set event does not wait: no record.
        if self.is_set():
            return _original(self, timeout)
        try:
            return _traced(self, timeout)
        except BaseException as err:
            _hide(err)
            raise

    threading.Event.wait = _like(event_wait, threading.Event.wait)
    _patch(threading.Semaphore, "acquire", _waits("blocked", "Semaphore.acquire()"))
    _patch(threading.Barrier, "wait", _waits("blocked", "Barrier.wait()"))

    original_start = threading.Thread.start
    original_bootstrap = threading.Thread._bootstrap_inner

    def start(self):
        self._kitchen_spawn = (thread_key(), now_us())
        # start() waits until the new thread runs: label that wait as what it is.
        _enter("blocked", "Thread.start()")
        try:
            return original_start(self)
        except BaseException as err:
            _hide(err)
            raise
        finally:
            _leave()

    def bootstrap_inner(self):
        parent, spawned = getattr(self, "_kitchen_spawn", (process_key(), None))
        key = _local.__dict__["key"] = "p%dt%d" % (os.getpid(), threading.get_native_id())
        name = self.name
        if _state["channel"] is not None:
            try:
                spawn(parent, "thread", key, name, None, spawned)
                ready(key)
            except Exception as err:  # noqa: BLE001 - Thread.start() waits for this thread: it must go on
                sys.stderr.write("[kitchen] thread %r is not traced: %s\n" % (name, err))
        try:
            original_bootstrap(self)
        finally:
            error = _local.__dict__.get("error")
            end_of_thread(key)
            if self.name != name:
                renamed(key, self.name)
            done(key, error, 1 if error else 0, thread_cpu())

    threading.Thread.start = _like(start, original_start)
    threading.Thread._bootstrap_inner = _like(bootstrap_inner, original_bootstrap)

    original_hook = threading.excepthook

    def excepthook(args):
        if args.exc_value is not None:
            _hide_all(args.exc_value)
        if args.exc_type is not SystemExit:
            _local.__dict__["error"] = describe_error(args.exc_type, args.exc_value, args.exc_traceback)
        return original_hook(args)

    threading.excepthook = _like(excepthook, original_hook)


def patch_time():
    def make(fn):
        def sleep(secs):
            _enter("waiting", "time.sleep(%g)" % secs if isinstance(secs, (int, float)) else "time.sleep()")
            try:
                return fn(secs)
            except BaseException as err:
                _hide(err)
                raise
            finally:
                _leave()

        return _like(sleep, fn)

    _patch(time, "sleep", make)


def _waiting_if(blocks, kind, label, fn, *args):
    """Calls fn(*args); while it runs, the calling lane is `kind` (with the label) if the call may block."""
    if not blocks:
        return fn(*args)
    _enter(kind, label)
    try:
        return fn(*args)
    finally:
        _leave()


def patch_queue(queue):
    original_get = queue.Queue.get
    original_put = queue.Queue.put

    def get(self, block=True, timeout=None):
        try:
            blocks = block and _blocks(timeout) and self.empty()
            return _waiting_if(blocks, "waiting", "queue.get()", original_get, self, block, timeout)
        except BaseException as err:
            _hide(err)
            raise

    def put(self, item, block=True, timeout=None):
        try:
            blocks = block and _blocks(timeout) and self.full()
            return _waiting_if(blocks, "blocked", "queue.put() (queue full)", original_put, self, item, block, timeout)
        except BaseException as err:
            _hide(err)
            raise

    queue.Queue.get = _like(get, original_get)
    queue.Queue.put = _like(put, original_put)


def patch_socket(socket):
    for verb in ("accept", "recv", "recv_into", "recvfrom", "recvfrom_into", "connect", "sendall"):
        original = getattr(socket.socket, verb, None)
        if original is None:
            continue
        waiting = _waits("waiting", "socket.%s()" % verb)(original)

        def method(self, *args, _original=original, _waiting=waiting, **kwargs):
            try:
                # Non-blocking sockets (asyncio's) never wait: no record, no cost.
                if self.gettimeout() == 0.0:
                    return _original(self, *args, **kwargs)
                return _waiting(self, *args, **kwargs)
            except BaseException as err:
                _hide(err)
                raise

        setattr(socket.socket, verb, _like(method, original))


def patch_select(select):
    original_select = select.select

    def select_(rlist, wlist, xlist, timeout=None):
        try:
            return _waiting_if(
                _blocks(timeout), "waiting", "select()", original_select, rlist, wlist, xlist, timeout
            )
        except BaseException as err:
            _hide(err)
            raise

    select.select = _like(select_, original_select)


def patch_selectors(selectors):
    idle = "waiting for I/O or a timer (event loop idle)"
    for cls in list(vars(selectors).values()):
        if isinstance(cls, type) and issubclass(cls, selectors.BaseSelector) and "select" in vars(cls):
            original = cls.select

            def sel(self, timeout=None, _original=original):
                try:
                    return _waiting_if(_blocks(timeout), "waiting", idle, _original, self, timeout)
                except BaseException as err:
                    _hide(err)
                    raise

            cls.select = _like(sel, original)


# --- output ------------------------------------------------------------------


def _lines(key, stream, lines, ts):
    """Print records for whole lines, counted; past MAX_PRINTS only counted."""
    records = ""
    for line in lines:
        count = _state["prints"] = _state["prints"] + 1
        if count > MAX_PRINTS:
            continue
        if count == MAX_PRINTS:
            line = "\u2026 more lines were printed; the chart shows the first %d" % MAX_PRINTS
        if len(line) > MAX_TEXT:
            line = clip(line)
        records += _PRINT % (key, stream, quote(_drawable(line.rstrip("\r"))), ts)
    return records


def _drawable(text):
    """Text as it can be drawn: bytes that were not UTF-8 (kept as lone surrogates) become \\xNN."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        return text.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
    except UnicodeEncodeError:  # a lone surrogate that stands for no byte
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _tap(stream, text):
    """A piece of text written to `stream` by the calling thread: whole lines become print records."""
    ch = _state["channel"]
    if ch is None:
        return
    mine = _local.__dict__
    key = mine.get("task_key") or mine.get("key") or thread_key()
    where = (stream, _get_ident())
    held = _partial.get(where)
    if held is not None:
        text = held[1] + text
    if "\n" not in text:
        # print() writes a line and its end in two calls. A line that never ends (a progress bar)
        # is kept to its last part.
        _partial[where] = (key, text[-MAX_PARTIAL:])
        return
    lines = text.split("\n")
    rest = lines.pop()
    if rest:
        _partial[where] = (key, rest[-MAX_PARTIAL:])
    elif held is not None:
        del _partial[where]
    records = _lines(key, stream, lines, (_ns() - ch.t0_ns) / 1000)
    if records:
        ch.write(records)


def end_of_thread(key=None):
    """The calling thread writes no more: a line it left unended is drawn as it is."""
    ch = _state["channel"]
    if ch is None or not _partial:
        return
    ident = _get_ident()
    records = ""
    ts = (_ns() - ch.t0_ns) / 1000
    for where in [w for w in _partial if w[1] == ident]:
        lane, text = _partial.pop(where)
        records += _lines(key or lane, where[0], [text], ts)
    if records:
        ch.write(records)


def end_of_output():
    """The process writes no more: every line left unended is drawn as it is."""
    ch = _state["channel"]
    if ch is None or not _partial:
        return
    records = ""
    ts = (_ns() - ch.t0_ns) / 1000
    for where in list(_partial):
        lane, text = _partial.pop(where)
        records += _lines(lane, where[0], [text], ts)
    if records:
        ch.write(records)


class BufferTap:
    """sys.stdout.buffer / sys.stderr.buffer, passed through unchanged; the bytes written become lines too."""

    def __init__(self, buffer, name):
        self._buffer = buffer
        self._name = name

    def write(self, data):
        written = self._buffer.write(data)
        try:
            text = bytes(data).decode("utf-8", "surrogateescape")
        except (TypeError, ValueError):
            return written
        _tap(self._name, text)
        return written

    def __getattr__(self, name):
        return getattr(self._buffer, name)


class LineTap:
    """sys.stdout / sys.stderr, passed through unchanged; each completed line
    also becomes an instant on the lane that printed it."""

    def __init__(self, stream, name):
        self._stream = stream
        self._name = name
        self._buffer = None
        # multiprocessing flushes both streams around every fork: straight to the stream, not via __getattr__.
        self.flush = stream.flush

    def write(self, text):
        written = self._stream.write(text)
        if isinstance(text, str):
            _tap(self._name, text)
        return written

    @property
    def buffer(self):
        if self._buffer is None:
            self._buffer = BufferTap(self._stream.buffer, self._name)
        return self._buffer

    def __getattr__(self, name):
        return getattr(self._stream, name)


def patch_output():
    # (None where there is no stream: pythonw, or a script started with its stdout closed.)
    if sys.stdout is not None:
        sys.stdout = LineTap(sys.stdout, "stdout")
    if sys.stderr is not None:
        sys.stderr = LineTap(sys.stderr, "stderr")


# --- processes ---------------------------------------------------------------


def command_line():
    """How this interpreter was started, as one string (kept: a forked child was started the same way)."""
    command = _state["command"]
    if command is None:
        argv = getattr(sys, "orig_argv", None)  # 3.10+
        if argv is None:
            # 3.9: for `python -c CODE ARGS` sys.argv is ['-c', ARGS]; Linux keeps the whole command line.
            try:
                with open("/proc/self/cmdline", "rb") as f:
                    argv = f.read().decode("utf-8", "replace").split("\0")
            except OSError:
                argv = sys.argv
        command = _state["command"] = " ".join(argv)
    return command


def mp_launcher():
    """'spawn' or 'forkserver' when this interpreter was started by multiprocessing to run one, else None."""
    command = command_line()
    # (multiprocessing starts a spawned child as `python -c "from multiprocessing.spawn import spawn_main; …"
    # --multiprocessing-fork`: the flag is in sys.argv even where the code is not.)
    if "multiprocessing.spawn import" in command or "--multiprocessing-fork" in command:
        return "spawn"
    if "multiprocessing.forkserver import" in command:
        return "forkserver"
    return None


def _process_name():
    """multiprocessing's name for this process if it has one (it is not imported for that), else the script's."""
    mp = sys.modules.get("multiprocessing")
    if mp is not None:
        try:
            name = mp.current_process().name
            if name != "MainProcess":
                return name
        except Exception:  # noqa: BLE001
            pass
    command = command_line()
    # (A spawned multiprocessing child is named by its Process when it bootstraps.)
    for part, name in (("resource_tracker", "resource tracker"), ("forkserver", "forkserver")):
        if part in command:
            return "%s (pid %d)" % (name, os.getpid())
    script = sys.argv[0] if sys.argv and sys.argv[0] not in ("", "-c", "-m") else "python"
    return "%s (pid %d)" % (os.path.basename(script), os.getpid())


def announce_process(spawned_us=None, name=None, parent=None):
    """This process's lane: spawned (if its parent did not say so already), then ready.

    A multiprocessing child learns its name only when it bootstraps; a spawned
    one, or one forked by the forkserver, announces itself then, so its lane
    never carries a placeholder name that its parent's announcement would lose to.
    """
    ch = _state["channel"]
    if ch is None:
        return
    pid = _getpid()
    key = "p%d" % pid
    ts = (_ns() - ch.t0_ns) / 1000
    spawned = _SPAWN % (
        parent or process_key(os.getppid()),
        "process",
        key,
        quote((name or _process_name())[:120]),
        "null",
        pid,
        ts if spawned_us is None else spawned_us,
    )
    ch.write(spawned + _READY % (key, pid, threading.get_native_id(), thread_cpu(), ts))


def announce_at_start():
    """Called once the tracer is installed in a new interpreter."""
    if mp_launcher() == "spawn":
        _state["announce_at_bootstrap"] = True
    else:
        announce_process()
    # The script runs as `python script.py` would run it, untouched: its lane's work is done once its
    # last line has run or it has raised (Python has printed the traceback by then), before Python
    # waits for its other threads. Threads, exit code and os._exit are the engine's to see.
    register = getattr(threading, "_register_atexit", None)  # 3.9+; atexit comes after the threads
    if register is None:
        import atexit

        register = atexit.register
    register(_interpreter_done)
    # A line left unended when the process exits is drawn as it is (after the threads, at the very end).
    import atexit

    atexit.register(end_of_output)


def _interpreter_done():
    if _state["done_pid"] == os.getpid() or _state["channel"] is None:
        return  # a multiprocessing child has said so already
    _state["done_pid"] = os.getpid()
    end_of_thread()
    # Set by Python as it reports an uncaught exception (sys.last_exc from 3.12).
    err = getattr(sys, "last_exc", None) or getattr(sys, "last_value", None)
    done(
        process_key(),
        None if err is None else describe_error(type(err), err, err.__traceback__),
        None,
        thread_cpu(),
        "%d" % _state["prints"],
    )


def _is_python(program):
    name = os.path.basename(program)
    return "python" in name or program == sys.executable


def _traces_itself(program, words, env):
    """Whether a child will load the tracer and speak for itself: Python, started with the
    engine's environment, without an option that skips it (-I, -E, -S)."""
    if not _is_python(program):
        return False
    if env is not None and "KITCHEN_TRACE_SOCKET" not in env:
        return False
    takes_value = False
    for word in words[1:]:
        if takes_value:
            takes_value = False
            continue
        if not word.startswith("-") or word == "-" or word.startswith("--"):
            break
        letters = word[1:]
        for j, letter in enumerate(letters):
            if letter in "IES":
                return False
            if letter in "cm":
                return True  # the rest is code, or a module and its arguments
            if letter in "XW":
                takes_value = j == len(letters) - 1  # -X dev, but -Xdev
                break
    return True


def _command_name(words, pid):
    """A lane name for a child: its program and arguments, shortened, and its pid (as the engine names them)."""
    text = " ".join([os.path.basename(words[0])] + words[1:]) if words else "process"
    return "%s (pid %d)" % (text if len(text) <= 60 else text[:59] + "\u2026", pid)


def patch_subprocess(subprocess):
    original_popen_init = subprocess.Popen.__init__

    def popen_init(self, args, *rest, **kwargs):
        ts = now_us()
        try:
            original_popen_init(self, args, *rest, **kwargs)
        except BaseException as err:
            _hide(err)
            raise
        try:
            argv = [args] if isinstance(args, (str, bytes, os.PathLike)) else list(args)
            words = [os.fsdecode(a) if isinstance(a, (bytes, os.PathLike)) else str(a) for a in argv]
            if len(words) == 1 and (kwargs.get("shell") or not isinstance(args, (list, tuple))):
                words = ["sh", "-c", words[0]] if kwargs.get("shell") else words[0].split()
            program = kwargs.get("executable") or (words[0] if words else "process")
            program = os.fsdecode(program) if isinstance(program, (bytes, os.PathLike)) else str(program)
            itself = _traces_itself(program, words, kwargs.get("env"))
        except Exception:  # noqa: BLE001 - a name is not worth failing the script for
            words, itself = ["process"], False
        key = process_key(self.pid)
        spawn(current_key(), "process", key, _command_name(words, self.pid), self.pid, ts, " ".join(words))
        # A traced Python child says when its start-up is over itself; anything else runs from its start.
        if not itself:
            ready(key, ts, self.pid, self.pid, "null")

    subprocess.Popen.__init__ = _like(popen_init, original_popen_init)

    original_handle = getattr(subprocess.Popen, "_handle_exitstatus", None)
    if original_handle is not None:

        def handle_exitstatus(self, *args, **kwargs):
            result = original_handle(self, *args, **kwargs)
            code = self.returncode
            if code is not None:
                _report_exit(self.pid, code)
            return result

        subprocess.Popen._handle_exitstatus = _like(handle_exitstatus, original_handle)

    _patch(subprocess.Popen, "wait", _waits("blocked", "Popen.wait()"))
    _patch(subprocess.Popen, "communicate", _waits("blocked", "Popen.communicate()"))


def _report_exit(pid, code):
    """A child's exit as its parent learned it: a code, or (negative) the signal that ended it."""
    if code >= 0:
        exited(process_key(pid), code)
        return
    try:
        import signal

        name = signal.Signals(-code).name
    except (ImportError, ValueError):
        name = "signal %d" % -code
    exited(process_key(pid), None, name)


def patch_waits_for_children():
    """os.wait*: the child's exit status, as its parent reaps it, and the wait itself."""
    to_code = getattr(os, "waitstatus_to_exitcode", None)
    if to_code is None:  # Windows
        return
    no_hang = getattr(os, "WNOHANG", 1)

    def report(pid, status):
        if pid > 0:
            try:
                _report_exit(pid, to_code(status))
            except ValueError:
                pass  # stopped or continued, not ended

    def make(fn, waits_for):
        def wait(*args, **kwargs):
            blocks = not (waits_for(args, kwargs) & no_hang)
            if blocks:
                _enter("blocked", "%s()" % fn.__name__)
            try:
                result = fn(*args, **kwargs)
            except BaseException as err:
                _hide(err)
                raise
            finally:
                if blocks:
                    _leave()
            report(result[0], result[1])
            return result

        return _like(wait, fn)

    def options_at(index):
        return lambda args, kwargs: args[index] if len(args) > index else kwargs.get("options", 0)

    for name, index in (("waitpid", 1), ("wait3", 0), ("wait4", 1)):
        if hasattr(os, name):
            _patch(os, name, lambda fn, index=index: make(fn, options_at(index)))
    if hasattr(os, "wait"):
        _patch(os, "wait", lambda fn: make(fn, lambda args, kwargs: 0))


def patch_mp_process(mp_process):
    original_start = mp_process.BaseProcess.start

    def start(self):
        ts = now_us()
        parent = current_key()
        # A forked child announces itself before this returns: it takes its name and parent from here.
        # (Per thread: two threads may start processes at once.)
        mine = _local.__dict__
        mine["starting"] = (self.name, parent, ts)
        try:
            original_start(self)
        except BaseException as err:
            _hide(err)
            raise
        finally:
            mine["starting"] = None
        # A forked child has announced itself already; a spawned one takes a while to start.
        if getattr(self._popen, "method", None) != "fork":
            spawn(parent, "process", process_key(self.pid), self.name, self.pid, ts)

    mp_process.BaseProcess.start = _like(start, original_start)
    _patch(mp_process.BaseProcess, "join", _joins)

    original_bootstrap = mp_process.BaseProcess._bootstrap

    def bootstrap(self, *args, **kwargs):
        # This says when the child's work is done, with its exit code (so the interpreter does not
        # when Process._bootstrap shuts threading down).
        pid = _state["done_pid"] = _getpid()
        if _state["announce_at_bootstrap"]:
            _state["announce_at_bootstrap"] = False
            announce_process(None, self.name, process_key(getattr(self, "_parent_pid", None) or os.getppid()))
        run = self.run
        error = None

        def run_and_report():
            nonlocal error
            try:
                return run()
            except SystemExit as err:
                _hide(err)
                raise
            except BaseException as err:
                _hide(err)
                # multiprocessing prints the traceback and exits with 1: the lane says why as well.
                error = describe_error(type(err), err, err.__traceback__)
                raise

        self.run = _like(run_and_report, run)
        code = original_bootstrap(self, *args, **kwargs)
        # (The child ends with os._exit: no atexit, so its last words are said here.)
        end_of_output()
        done("p%d" % pid, error, code, thread_cpu(), "%d" % _state["prints"])
        return code

    mp_process.BaseProcess._bootstrap = _like(bootstrap, original_bootstrap)


def patch_mp_pool(mp_pool):
    _patch(mp_pool.ApplyResult, "wait", _waits("blocked", "waiting for pool results"))


def patch_mp_connection(mp_connection):
    _patch(mp_connection.Connection, "recv", _waits("waiting", "Connection.recv()"))
    _patch(mp_connection.Connection, "recv_bytes", _waits("waiting", "Connection.recv_bytes()"))


def patch_futures(futures_base):
    _patch(futures_base.Future, "result", _waits("blocked", "Future.result()"))
    _patch(futures_base, "wait", _waits("blocked", "concurrent.futures.wait()"))


def _quietly_close(fd):
    try:
        _close(fd)
    except OSError:
        pass  # the script closed it already (daemons close every descriptor)


def patch_fork():
    """A forked child gets a connection of its own, made by its parent just before the fork.

    Right after a fork, every page either process first writes to faults (see
    "records"), and so does freeing an object made before it. So the hooks
    below allocate nothing and free nothing: the parent keeps one spare
    channel object and opens a new connection on it before each fork, and the
    child keeps what it no longer needs.
    """
    if not hasattr(os, "register_at_fork"):
        return  # Windows: no fork()

    # One fork at a time (two threads may fork at once): there is one spare, taken by the next child.
    forking = _thread.allocate_lock()

    def before_fork():
        ch = _state["channel"]
        if ch is None:
            return
        forking.acquire()
        _state["fork_spawned"] = (_ns() - ch.t0_ns) / 1000
        # No engine to talk to any more (a stopped run): the child stays untraced, without trying.
        spare = None
        if not ch.broken:
            # Records held back go out now: the child must not send them again.
            if ch.held:
                ch.write("")
            spare = _state["spare"]
            try:
                if spare is None:
                    spare = _state["spare"] = Channel(ch.address, ch.t0_ns)  # connects
                else:
                    spare.connect()
            except OSError:
                spare = None  # the child goes untraced
        _state["fork_channel"] = spare

    def after_fork_in_parent():
        if _state["channel"] is None:
            return
        spare = _state["fork_channel"]
        if spare is not None:
            # The child's connection is the child's: were it left open here, the engine would not see the child end.
            spare.broken = True
            _quietly_close(spare.fd)
        forking.release()

    def after_fork_in_child():
        ch = _state["channel"]
        if ch is None:
            return
        forking.release()  # this process's own forks are its own
        # The parent's connection is the parent's: were it left open here, the engine would not see the parent end.
        ch.broken = True
        _quietly_close(ch.fd)
        spare = _state["fork_channel"]
        _state["channel"] = spare
        # Kept, not freed: the parent's channel, and the spare, which is this process's channel now.
        _state["parent_channel"] = ch
        _state["spare"] = None
        if spare is None:
            return
        _state["prints"] = 0
        if _partial:
            _partial.clear()  # the parent's unended lines are the parent's
        mine = _local.__dict__
        # This thread is the process's main thread now, in no asyncio task's slice and in no wait.
        mine["key"] = "p%d" % _getpid()
        if mine.get("task_key") is not None:
            mine["task_key"] = None
        if mine.get("depth"):
            mine["depth"] = 0
        # A multiprocessing Process this thread was starting (not a fork of this child's own, later).
        starting = mine.get("starting")
        if starting is not None:
            mine["starting"] = None
            name, parent, ts = starting
            announce_process(ts, name, parent)
        elif mp_launcher() == "forkserver" and os.getppid() == _state["pid"]:
            # The forkserver forks only multiprocessing children: each is named when it bootstraps.
            _state["announce_at_bootstrap"] = True
        else:
            announce_process(_state["fork_spawned"])

    os.register_at_fork(before=before_fork, after_in_parent=after_fork_in_parent, after_in_child=after_fork_in_child)


# --- asyncio -----------------------------------------------------------------

# A task that waits this long after it could go on was held back by the event loop (µs).
LOOP_BUSY_US = 1000
LOOP_BUSY = "ready; the event loop is busy"
_LOOP_BUSY_JSON = quote(LOOP_BUSY)


def patch_asyncio(base_events):
    """Each task is a lane; each step the loop runs of it (Handle._run of its step) is one running slice.

    The task's coroutine is left as it is (nothing wraps it, so nothing of the
    tracer is in its frames or its tracebacks). A task is ready to go on from
    the moment its wake-up is scheduled, or, when a timer fires late because
    the loop was busy, from the moment the timer was due: the stretch until
    the loop runs it is `blocked`, held back by the busy loop.

    A busy loop runs a step in a few microseconds: the hooks below are on
    that path, so they test a type before anything else, and a step's records
    are held back and sent with others (see Channel.defer).
    """
    import asyncio
    import weakref
    from asyncio import events, tasks

    task_types = tuple({tasks.Task, getattr(tasks, "_PyTask", tasks.Task), getattr(tasks, "_CTask", tasks.Task)})
    # Each traced task's [lane key, name last reported, ready since (µs) or None], by a weak reference
    # to it: a task is freed (and Python's "destroyed but pending" warning still shows) as untraced.
    traced = {}
    ref = weakref.ref

    def forget(r):
        traced.pop(r, None)

    # While a late timer's callback runs: when it was due, on the run's clock.
    late = [None]

    def awaiting(task):
        """What a suspended task waits on, e.g. "await sleep()"."""
        coro = task.get_coro()
        inner = getattr(coro, "cr_await", None)
        if inner is None:
            return "await"
        name = getattr(inner, "__qualname__", None)
        if name:
            return "await %s()" % name
        return "await a future (gather, wait_for, …)"

    def outcome(task):
        if task.cancelled():
            return "cancelled"
        # The exception as the task keeps it, not task.exception(): that would mark it retrieved.
        err = getattr(task, "_exception", None)
        return None if err is None else describe_error(type(err), err, err.__traceback__)

    original_create_task = base_events.BaseEventLoop.create_task

    def create_task(self, coro, *args, **kwargs):
        task = original_create_task(self, coro, *args, **kwargs)
        if (
            _state["channel"] is None
            or not isinstance(task, task_types)
            or not asyncio.iscoroutine(coro)
            # asyncio.run's own clean-up tasks are not the program's.
            or getattr(coro, "__qualname__", "").startswith("BaseEventLoop.")
        ):
            return task
        _state["next_task"] += 1
        key = "p%da%d" % (os.getpid(), _state["next_task"])
        ts = now_us()
        name = task.get_name()
        spawn(current_key(), "task", key, name, None, ts, "coroutine %s()" % getattr(coro, "__qualname__", "?"))
        ready(key, ts, cpu="null")
        if task.done():  # an eager task (3.12+) may finish inside create_task
            done(key, outcome(task))
        else:
            traced[ref(task, forget)] = [key, name, None]
            # Ready to take its first step as soon as the loop gets to it.
            state(key, "blocked", LOOP_BUSY, ts)
        return task

    base_events.BaseEventLoop.create_task = _like(create_task, original_create_task)

    original_call_soon = base_events.BaseEventLoop._call_soon

    def _call_soon(self, callback, args, context):
        handle = original_call_soon(self, callback, args, context)
        owner = getattr(callback, "__self__", None)
        if isinstance(owner, task_types):
            lane = traced.get(ref(owner))
            if lane is not None and lane[2] is None:
                lane[2] = late[0] if late[0] is not None else now_us()
        return handle

    base_events.BaseEventLoop._call_soon = _like(_call_soon, original_call_soon)

    original_run = events.Handle._run

    def _run(self):
        owner = getattr(self._callback, "__self__", None)
        if isinstance(owner, task_types):
            lane = traced.get(ref(owner))
            if lane is not None:
                return _step(self, owner, lane)
        when = getattr(self, "_when", None)
        if when is None or _state["channel"] is None:
            return original_run(self)
        # A timer: callbacks it schedules (a sleeping task's wake-up) were due when it was.
        overdue = self._loop.time() - when
        if overdue * 1e6 < LOOP_BUSY_US:
            return original_run(self)
        late[0] = now_us() - overdue * 1e6
        try:
            return original_run(self)
        except BaseException as err:
            _hide(err)
            raise
        finally:
            late[0] = None

    def _step(handle, task, lane):
        ch = _state["channel"]
        if ch is None:  # a forked child that could not be traced
            return original_run(handle)
        key = lane[0]
        ts = (_ns() - ch.t0_ns) / 1000
        text = ""
        name = task.get_name()
        if name != lane[1]:
            lane[1] = name
            text = _NAME % (key, quote(name[:120]), ts)
        since = lane[2]
        if since is not None:
            lane[2] = None
            if ts - since >= LOOP_BUSY_US:
                text += _STATE % (key, "blocked", _LOOP_BUSY_JSON, since)
        ch.defer(text + _STATE % (key, "running", "null", ts))
        mine = _local.__dict__
        previous = mine.get("task_key")
        mine["task_key"] = key
        try:
            return original_run(handle)
        except BaseException as err:
            _hide(err)
            raise
        finally:
            mine["task_key"] = previous
            ts = (_ns() - ch.t0_ns) / 1000
            name = task.get_name()
            text = ""
            if name != lane[1]:
                lane[1] = name
                text = _NAME % (key, quote(name[:120]), ts)
            if task.done():
                traced.pop(ref(task), None)
                ch.defer(text)
                done(key, outcome(task))
            else:
                ch.defer(text + _STATE % (key, "waiting", quote(awaiting(task)), ts))

    events.Handle._run = _like(_run, original_run)


# --- installing --------------------------------------------------------------

# Modules patched when the script imports them (or at once if already imported):
# a script that never imports asyncio pays nothing for asyncio's tracing.
_ON_IMPORT = {
    "queue": patch_queue,
    "socket": patch_socket,
    "select": patch_select,
    "selectors": patch_selectors,
    "subprocess": patch_subprocess,
    "multiprocessing.process": patch_mp_process,
    "multiprocessing.pool": patch_mp_pool,
    "multiprocessing.connection": patch_mp_connection,
    "concurrent.futures._base": patch_futures,
    "asyncio.base_events": patch_asyncio,
}


def _apply(name, patch, module):
    try:
        patch(module)
    except Exception as err:  # noqa: BLE001 - one missing patch must not stop the script or the rest
        sys.stderr.write("[kitchen] tracing is partial (%s failed: %s)\n" % (name, err))


class _AfterImport:
    """A meta path finder that finds nothing itself: it wraps the loader of the
    modules in _ON_IMPORT so their patch runs right after they execute."""

    def find_spec(self, name, path=None, target=None):
        patch = _ON_IMPORT.get(name)
        if patch is None:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(name, path, target)
            if spec is not None and spec.loader is not None and hasattr(spec.loader, "exec_module"):
                del _ON_IMPORT[name]
                spec.loader = _PatchingLoader(spec.loader, name, patch)
                return spec
        return None


class _PatchingLoader:
    def __init__(self, loader, name, patch):
        self._loader = loader
        self._name = name
        self._patch = patch

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        module.__loader__ = self._loader
        self._loader.exec_module(module)
        _apply(self._name, self._patch, module)

    def __getattr__(self, name):
        return getattr(self._loader, name)


def install(ch):
    """Starts tracing this process: patches, then announces its main lane."""
    if _state["channel"] is not None:
        return
    _state["channel"] = ch
    _state["pid"] = os.getpid()
    command_line()  # read once, before any fork
    for name, patch in (
        ("threading", patch_threading),
        ("time", patch_time),
        ("os.wait", patch_waits_for_children),
        ("fork", patch_fork),
        ("output", patch_output),
        ("tracebacks", hide_in_tracebacks),
    ):
        try:
            patch()
        except Exception as err:  # noqa: BLE001
            sys.stderr.write("[kitchen] tracing is partial (%s failed: %s)\n" % (name, err))
    for name in list(_ON_IMPORT):
        module = sys.modules.get(name)
        if module is not None:
            _apply(name, _ON_IMPORT.pop(name), module)
    sys.meta_path.insert(0, _AfterImport())


def start():
    """Traces this process if the engine asked for it (called from sitecustomize)."""
    ch = from_environment()
    if ch is None:
        return False
    install(ch)
    announce_at_start()
    return True
