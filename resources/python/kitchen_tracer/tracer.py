"""Lifecycle tracing for CPython 3.9+, standard library only.

Every process, thread and asyncio task becomes a lane. The tracer reports
when each starts, ends, prints a line, and enters or leaves a call that
waits (sleep, locks, joins, queues, sockets, select). It does not trace
function calls: what a thread does between those moments the engine reads
from the OS scheduler, which is how waiting for the GIL becomes visible.
"""

import os
import sys
import threading
import time
import _thread

from .channel import clip

_local = threading.local()
_state = {"channel": None, "pid": None, "prints": 0, "next_task": 0, "starting": None}

# Past this many printed lines a process stops drawing them (they are still printed).
MAX_PRINTS = 5000
MAX_PARTIAL = 10000


def channel():
    return _state["channel"]


def send(*records):
    ch = _state["channel"]
    if ch is not None:
        ch.send(*records)


def now_us():
    ch = _state["channel"]
    # Untraced (python -m kitchen_tracer outside the engine): records go nowhere, stamps do not matter.
    return ch.now_us() if ch is not None else 0.0


# --- lanes -----------------------------------------------------------------


def process_key(pid=None):
    return "p%d" % (pid if pid is not None else os.getpid())


def thread_key():
    """The lane of the calling OS thread: the process lane for the main thread."""
    key = getattr(_local, "key", None)
    if key is None or getattr(_local, "pid", None) != os.getpid():
        if threading.current_thread() is threading.main_thread():
            key = process_key()
        else:
            key = "p%dt%d" % (os.getpid(), threading.get_native_id())
        _local.key = key
        _local.pid = os.getpid()
    return key


def current_key():
    """The lane that is running now: an asyncio task's during its slice, else the thread's."""
    task = getattr(_local, "task_key", None)
    return task if task is not None else thread_key()


def state(key, name, detail=None, ts=None):
    send({"t": "state", "lane": key, "state": name, "detail": detail, "cpuUs": None, "tsUs": now_us() if ts is None else ts})


def ready_record(key, ts=None):
    return {"t": "ready", "lane": key, "pid": os.getpid(), "tid": threading.get_native_id(), "tsUs": now_us() if ts is None else ts}


def ready(key, ts=None):
    send(ready_record(key, ts))


def spawn_record(parent, kind, key, name, pid=None, ts=None):
    return {
        "t": "spawn",
        "parent": parent,
        "kind": kind,
        "lanes": [{"key": key, "name": clip(name)[:120]}],
        "pid": pid,
        "tsUs": now_us() if ts is None else ts,
    }


def spawn(parent, kind, key, name, pid=None, ts=None):
    send(spawn_record(parent, kind, key, name, pid, ts))


def done_record(key, error=None):
    # How long a traced lane's work would take alone is not known: soloUs stays null.
    return {"t": "done", "lane": key, "soloUs": None, "error": None if error is None else clip(error)[:4000], "tsUs": now_us()}


def done(key, error=None):
    send(done_record(key, error))


def describe_error(exc_type, exc_value, exc_traceback):
    """The exception's own line first (what a summary shows), then the traceback."""
    import traceback

    text = "".join(traceback.format_exception(exc_type, exc_value, exc_traceback))
    last = "".join(traceback.format_exception_only(exc_type, exc_value)).strip()
    return last + "\n" + text


def exit_record(key, code):
    return {"t": "exit", "lane": key, "code": code, "signal": None, "tsUs": now_us()}


def exited(key, code):
    send(exit_record(key, code))


# --- known waits -------------------------------------------------------------


def _stack():
    stack = getattr(_local, "waits", None)
    if stack is None:
        stack = _local.waits = []
    return stack


class Wait:
    """A call that may wait: the lane is `waiting` or `blocked` while inside.
    Nested waits (a queue.get inside which a Condition waits) keep the
    outermost label. Inside an asyncio task's slice, a wait holds the event
    loop: the task is `blocking` for that time."""

    __slots__ = ("kind", "detail")

    def __init__(self, kind, detail):
        self.kind = kind
        self.detail = detail

    def __enter__(self):
        stack = _stack()
        stack.append(self)
        if len(stack) == 1 and _state["channel"] is not None:
            ts = now_us()
            state(thread_key(), self.kind, self.detail, ts)
            task = getattr(_local, "task_key", None)
            if task is not None:
                state(task, "blocking", "%s holds the event loop" % self.detail, ts)

    def __exit__(self, *exc):
        stack = _stack()
        stack.pop()
        if not stack and _state["channel"] is not None:
            ts = now_us()
            state(thread_key(), "running", None, ts)
            task = getattr(_local, "task_key", None)
            if task is not None:
                state(task, "running", None, ts)
        return False


def _waits(kind, label):
    """Wraps a function: the calling lane is `kind` while it runs."""

    def wrap(fn):
        def traced(*args, **kwargs):
            with Wait(kind, label(*args, **kwargs) if callable(label) else label):
                return fn(*args, **kwargs)

        traced.__name__ = getattr(fn, "__name__", "traced")
        traced.__qualname__ = getattr(fn, "__qualname__", traced.__name__)
        traced.__doc__ = getattr(fn, "__doc__", None)
        traced.__wrapped__ = fn
        return traced

    return wrap


def _blocks(timeout):
    return timeout is None or timeout > 0


# --- locks -------------------------------------------------------------------


class TracedLock:
    """threading.Lock, reporting `blocked` only when acquire has to wait."""

    _label = "Lock.acquire()"

    def __init__(self, lock=None):
        self._lock = lock if lock is not None else _thread.allocate_lock()

    def acquire(self, blocking=True, timeout=-1):
        if self._lock.acquire(False):
            return True
        if not blocking:
            return False
        with Wait("blocked", self._label):
            return self._lock.acquire(True, timeout)

    __enter__ = acquire

    def __exit__(self, *exc):
        self._lock.release()

    def release(self):
        self._lock.release()

    def locked(self):
        return self._lock.locked()

    def _at_fork_reinit(self):
        self._lock._at_fork_reinit()

    def __repr__(self):
        return repr(self._lock)

    def __getattr__(self, name):
        # Private helpers of the real lock (RLock._recursion_count, …) work as before.
        return getattr(self._lock, name)


class TracedRLock(TracedLock):
    """threading.RLock, with the methods threading.Condition relies on."""

    _label = "RLock.acquire()"

    def __init__(self):
        TracedLock.__init__(self, _original["RLock"]())

    def _is_owned(self):
        return self._lock._is_owned()

    def _release_save(self):
        return self._lock._release_save()

    def _acquire_restore(self, state_):
        with Wait("blocked", self._label):
            return self._lock._acquire_restore(state_)

    def locked(self):
        return self._lock._is_owned()


_original = {}


def _patch(owner, name, make):
    original = getattr(owner, name, None)
    if original is None:
        return
    _original.setdefault("%s.%s" % (getattr(owner, "__name__", owner), name), original)
    setattr(owner, name, make(original))


def _thread_name(t):
    return "join(%s)" % getattr(t, "name", "thread")


def patch_threading():
    _original["RLock"] = threading.RLock
    threading.Lock = TracedLock
    threading.RLock = TracedRLock
    _patch(threading.Thread, "join", _waits("blocked", lambda self, timeout=None: _thread_name(self)))
    _patch(threading.Condition, "wait", _waits("blocked", "Condition.wait()"))
    event_wait = threading.Event.wait
    traced_event_wait = _waits("blocked", "Event.wait()")(event_wait)
    threading.Event.wait = lambda self, timeout=None: True if self.is_set() else traced_event_wait(self, timeout)
    _patch(threading.Semaphore, "acquire", _waits("blocked", "Semaphore.acquire()"))
    _patch(threading.Barrier, "wait", _waits("blocked", "Barrier.wait()"))

    original_start = threading.Thread.start
    original_bootstrap = threading.Thread._bootstrap_inner

    def start(self):
        self._kitchen_spawn = (thread_key(), now_us() if _state["channel"] is not None else 0)
        # start() waits until the new thread runs: label that wait as what it is.
        with Wait("blocked", "Thread.start()"):
            return original_start(self)

    def bootstrap_inner(self):
        parent, spawned = getattr(self, "_kitchen_spawn", (process_key(), None))
        key = thread_key()
        if _state["channel"] is not None:
            try:
                spawn(parent, "thread", key, self.name, None, spawned)
                ready(key)
            except Exception as err:  # noqa: BLE001 - Thread.start() waits for this thread: it must go on
                sys.stderr.write("[kitchen] thread %r is not traced: %s\n" % (self.name, err))
        try:
            original_bootstrap(self)
        finally:
            if _state["channel"] is not None:
                done(key, getattr(_local, "error", None))
                exited(key, 1 if getattr(_local, "error", None) else 0)

    threading.Thread.start = start
    threading.Thread._bootstrap_inner = bootstrap_inner

    original_hook = threading.excepthook

    def excepthook(args):
        if args.exc_type is not SystemExit:
            _local.error = describe_error(args.exc_type, args.exc_value, args.exc_traceback)
        original_hook(args)

    threading.excepthook = excepthook


def patch_time():
    _patch(time, "sleep", _waits("waiting", lambda secs: "time.sleep(%g)" % secs))


def patch_queue(queue):
    def label(verb):
        return lambda self, block=True, timeout=None, *rest: "queue.%s()" % verb

    for cls in (queue.Queue,):
        original_get = cls.get
        original_put = cls.put

        def get(self, block=True, timeout=None, _get=original_get):
            if block and _blocks(timeout) and self.empty():
                with Wait("waiting", "queue.get()"):
                    return _get(self, block, timeout)
            return _get(self, block, timeout)

        def put(self, item, block=True, timeout=None, _put=original_put):
            if block and _blocks(timeout) and self.full():
                with Wait("blocked", "queue.put() (queue full)"):
                    return _put(self, item, block, timeout)
            return _put(self, item, block, timeout)

        cls.get = get
        cls.put = put


def patch_socket(socket):
    def sock_label(verb):
        return lambda self, *a, **k: "socket.%s()" % verb

    for verb in ("accept", "recv", "recv_into", "recvfrom", "recvfrom_into", "connect", "sendall"):
        original = getattr(socket.socket, verb, None)
        if original is None:
            continue
        waiting = _waits("waiting", sock_label(verb))(original)

        def method(self, *args, _original=original, _waiting=waiting, **kwargs):
            # Non-blocking sockets (asyncio's) never wait: no record, no cost.
            if self.gettimeout() == 0.0:
                return _original(self, *args, **kwargs)
            return _waiting(self, *args, **kwargs)

        setattr(socket.socket, verb, method)


def patch_select(select):
    original_select = select.select

    def select_(rlist, wlist, xlist, timeout=None):
        if not _blocks(timeout):
            return original_select(rlist, wlist, xlist, timeout)
        with Wait("waiting", "select()"):
            return original_select(rlist, wlist, xlist, timeout)

    select.select = select_


def patch_selectors(selectors):
    for cls in list(vars(selectors).values()):
        if isinstance(cls, type) and issubclass(cls, selectors.BaseSelector) and "select" in vars(cls):
            original = cls.select

            def sel(self, timeout=None, _original=original):
                if not _blocks(timeout):
                    return _original(self, timeout)
                with Wait("waiting", "waiting for I/O or a timer (event loop idle)"):
                    return _original(self, timeout)

            cls.select = sel


# --- output ------------------------------------------------------------------


class LineTap:
    """sys.stdout / sys.stderr, passed through unchanged; each completed line
    also becomes an instant on the lane that printed it."""

    def __init__(self, stream, name):
        self._stream = stream
        self._name = name
        self._partial = threading.local()

    def write(self, text):
        written = self._stream.write(text)
        if _state["channel"] is not None and isinstance(text, str):
            buffered = getattr(self._partial, "text", "") + text
            *lines, rest = buffered.split("\n")
            # A line that never ends (a progress bar) is kept to its last part.
            self._partial.text = rest[-MAX_PARTIAL:]
            for line in lines:
                _print_record(line)
        return written

    def __getattr__(self, name):
        return getattr(self._stream, name)


def _print_record(line):
    _state["prints"] += 1
    count = _state["prints"]
    if count > MAX_PRINTS:
        return
    text = line if count < MAX_PRINTS else "\u2026 more lines were printed; the chart shows the first %d" % MAX_PRINTS
    send({"t": "print", "lane": current_key(), "text": clip(text.rstrip("\r")), "tsUs": now_us()})


def patch_output():
    sys.stdout = LineTap(sys.stdout, "stdout")
    sys.stderr = LineTap(sys.stderr, "stderr")


# --- processes ---------------------------------------------------------------


def mp_launcher():
    """'spawn' or 'forkserver' when this interpreter was started by multiprocessing to run one, else None."""
    command = " ".join(getattr(sys, "orig_argv", sys.argv))
    for name in ("spawn", "forkserver"):
        if "multiprocessing.%s import" % name in command:
            return name
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
    command = " ".join(getattr(sys, "orig_argv", sys.argv))
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
    key = process_key()
    spawned = spawn_record(parent or process_key(os.getppid()), "process", key, name or _process_name(), os.getpid(), spawned_us)
    send(spawned, ready_record(key))


def announce_at_start():
    """Called once the tracer is installed in a new interpreter."""
    if mp_launcher() == "spawn":
        _state["announce_at_bootstrap"] = True
    else:
        announce_process()


def patch_subprocess(subprocess):
    original_popen_init = subprocess.Popen.__init__

    def popen_init(self, args, *rest, **kwargs):
        ts = now_us()
        original_popen_init(self, args, *rest, **kwargs)
        program = args if isinstance(args, (str, bytes)) else (args[0] if args else "")
        program = os.fsdecode(program) if isinstance(program, bytes) else str(program)
        # Only Python children trace themselves; others would be lanes nobody reports on.
        if "python" in os.path.basename(program.split()[0] if program else "") or program == sys.executable:
            spawn(current_key(), "process", process_key(self.pid), "%s (pid %d)" % (os.path.basename(program), self.pid), self.pid, ts)

    subprocess.Popen.__init__ = popen_init

    original_handle = getattr(subprocess.Popen, "_handle_exitstatus", None)
    if original_handle is not None:

        def handle_exitstatus(self, *args, **kwargs):
            result = original_handle(self, *args, **kwargs)
            if self.returncode is not None:
                send({"t": "exit", "lane": process_key(self.pid), "code": self.returncode, "signal": None, "tsUs": now_us()})
            return result

        subprocess.Popen._handle_exitstatus = handle_exitstatus

    _patch(subprocess.Popen, "wait", _waits("blocked", "Popen.wait()"))
    _patch(subprocess.Popen, "communicate", _waits("blocked", "Popen.communicate()"))


def patch_mp_process(mp_process):
    original_start = mp_process.BaseProcess.start

    def start(self):
        ts = now_us()
        # A forked child announces itself before this returns: it takes its name and parent from here.
        _state["starting"] = (threading.get_ident(), self.name, current_key(), ts)
        try:
            original_start(self)
        finally:
            _state["starting"] = None
        # A forked child has announced itself already; a spawned one takes a while to start.
        if getattr(self._popen, "method", None) != "fork":
            spawn(current_key(), "process", process_key(self.pid), self.name, self.pid, ts)

    mp_process.BaseProcess.start = start
    _patch(mp_process.BaseProcess, "join", _waits("blocked", lambda self, timeout=None: "join(%s)" % self.name))

    original_bootstrap = mp_process.BaseProcess._bootstrap

    def bootstrap(self, *args, **kwargs):
        if _state.pop("announce_at_bootstrap", False):
            announce_process(None, self.name, process_key(getattr(self, "_parent_pid", None) or os.getppid()))
        code = original_bootstrap(self, *args, **kwargs)
        key = process_key()
        send(done_record(key), exit_record(key, code))
        return code

    mp_process.BaseProcess._bootstrap = bootstrap


def patch_mp_pool(mp_pool):
    _patch(mp_pool.ApplyResult, "wait", _waits("blocked", "waiting for pool results"))


def patch_mp_connection(mp_connection):
    _patch(mp_connection.Connection, "recv", _waits("waiting", "Connection.recv()"))
    _patch(mp_connection.Connection, "recv_bytes", _waits("waiting", "Connection.recv_bytes()"))


def patch_futures(futures_base):
    _patch(futures_base.Future, "result", _waits("blocked", "Future.result()"))
    _patch(futures_base, "wait", _waits("blocked", "concurrent.futures.wait()"))


def _spare_channel(ch):
    try:
        return ch.spare()
    except OSError:
        return None


def patch_fork():
    """A forked child gets a connection of its own, made by its parent just before the fork."""
    if not hasattr(os, "register_at_fork"):
        return  # Windows: no fork()

    def before_fork():
        ch = _state["channel"]
        if ch is None:
            return
        _state["fork_spawned"] = now_us()
        # No engine to talk to any more (a stopped run): the child stays untraced, without trying.
        _state["fork_channel"] = None if ch.broken else _spare_channel(ch)

    def after_fork_in_parent():
        spare = _state.pop("fork_channel", None)
        if spare is not None:
            spare.close()

    def after_fork_in_child():
        ch = _state["channel"]
        if ch is None:
            return
        engine_gone = ch.broken
        # The parent's connection is the parent's: were it left open here, the engine would not see the parent end.
        ch.close()
        spare = _state.pop("fork_channel", None)
        if spare is None and not engine_gone:
            spare = _spare_channel(ch)
        _state["channel"] = spare
        if spare is None:
            return
        _state["prints"] = 0
        _local.__dict__.clear()
        starting, _state["starting"] = _state.get("starting"), None
        if starting is not None and starting[0] == threading.get_ident():
            _, name, parent, ts = starting
            announce_process(ts, name, parent)
        elif mp_launcher() == "forkserver" and os.getppid() == _state["pid"]:
            # The forkserver forks only multiprocessing children: each is named when it bootstraps.
            _state["announce_at_bootstrap"] = True
        else:
            announce_process(_state.get("fork_spawned"))

    os.register_at_fork(before=before_fork, after_in_parent=after_fork_in_parent, after_in_child=after_fork_in_child)


# --- asyncio -----------------------------------------------------------------


def patch_asyncio(base_events):
    import asyncio
    import collections.abc

    class TracedCoroutine(collections.abc.Coroutine):
        """Wraps a task's coroutine: each send or throw is one running slice of the task's lane."""

        def __init__(self, coro, key):
            self._coro = coro
            self._key = key
            self.__name__ = getattr(coro, "__name__", "coroutine")
            self.__qualname__ = getattr(coro, "__qualname__", self.__name__)

        @property
        def cr_code(self):
            return getattr(self._coro, "cr_code", None)

        @property
        def cr_frame(self):
            return getattr(self._coro, "cr_frame", None)

        @property
        def cr_running(self):
            return getattr(self._coro, "cr_running", False)

        @property
        def cr_await(self):
            return getattr(self._coro, "cr_await", None)

        def _slice(self, method, *args):
            state(self._key, "running")
            previous = getattr(_local, "task_key", None)
            _local.task_key = self._key
            try:
                result = method(*args)
            except StopIteration:
                _local.task_key = previous
                done(self._key)
                raise
            except BaseException as err:
                _local.task_key = previous
                import asyncio

                if isinstance(err, asyncio.CancelledError):
                    done(self._key, "cancelled")
                else:
                    done(self._key, describe_error(type(err), err, err.__traceback__))
                raise
            _local.task_key = previous
            state(self._key, "waiting", _awaiting(self._coro))
            return result

        def send(self, value):
            return self._slice(self._coro.send, value)

        def __next__(self):
            return self._slice(self._coro.send, None)

        def throw(self, *args):
            return self._slice(self._coro.throw, *args)

        def close(self):
            return self._coro.close()

        def __await__(self):
            return self

        def __iter__(self):
            return self

    def _awaiting(coro):
        """What a suspended coroutine waits on, e.g. "await sleep()"."""
        inner = getattr(coro, "cr_await", None)
        if inner is None:
            return "await"
        name = getattr(inner, "__qualname__", None)
        if name:
            return "await %s()" % name
        return "await a future (gather, wait_for, …)"

    original_create_task = base_events.BaseEventLoop.create_task

    def create_task(self, coro, *args, **kwargs):
        if (
            _state["channel"] is None
            or isinstance(coro, TracedCoroutine)
            or not asyncio.iscoroutine(coro)
            # asyncio.run's own clean-up tasks are not the program's.
            or getattr(coro, "__qualname__", "").startswith("BaseEventLoop.")
        ):
            return original_create_task(self, coro, *args, **kwargs)
        _state["next_task"] += 1
        key = "p%da%d" % (os.getpid(), _state["next_task"])
        parent = current_key()
        ts = now_us()
        traced = TracedCoroutine(coro, key)
        task = original_create_task(self, traced, *args, **kwargs)
        spawn(parent, "task", key, "%s (%s)" % (task.get_name(), traced.__qualname__), None, ts)
        ready(key, ts)
        state(key, "waiting", "scheduled", ts)
        return task

    base_events.BaseEventLoop.create_task = create_task


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
    for name, patch in (("threading", patch_threading), ("time", patch_time), ("fork", patch_fork), ("output", patch_output)):
        try:
            patch()
        except Exception as err:  # noqa: BLE001
            sys.stderr.write("[kitchen] tracing is partial (%s failed: %s)\n" % (name, err))
    for name in list(_ON_IMPORT):
        module = sys.modules.get(name)
        if module is not None:
            _apply(name, _ON_IMPORT.pop(name), module)
    sys.meta_path.insert(0, _AfterImport())
