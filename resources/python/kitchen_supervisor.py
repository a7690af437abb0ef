"""The parent of a traced script: it makes sure nothing the script starts outlives the run.

    python -I -S kitchen_supervisor.py PARENT_PID -- PYTHON [OPTIONS] SCRIPT [ARGS]

Run by the engine (untraced, standard library only) before the run begins. On
Linux it becomes a child subreaper (processes the script leaves behind, even
those that start a session of their own or fork twice to become daemons, are
re-parented to it rather than to init) and asks for SIGTERM when the engine
dies. It says `ready` on fd 3, waits for one line on stdin (the run's zero on
the monotonic clock), starts the script with that in its environment, says
`started PID`, reaps every process that ends under it, and says `exit STATUS`
(a waitpid status) when the script ends. It exits once nothing is left under
it. On SIGTERM (Stop, Ctrl-C, the engine gone) it ends everything under it:
SIGTERM, then SIGKILL to whatever is still there a moment later, until no
process is left, then it exits.
"""

import os
import sys
import time

# The C module under `signal` (which imports enum): the run waits for this process to start, and the
# constants and signal() it needs are all here. The script is started with os.posix_spawn, not the
# subprocess module, for the same reason (its import is about 10 ms).
import _signal as signal

# How long the processes under it get after SIGTERM before SIGKILL.
GRACE_S = 0.3
PR_SET_PDEATHSIG = 1
PR_SET_CHILD_SUBREAPER = 36

report_fd = 3


def say(line):
    try:
        os.write(report_fd, (line + "\n").encode())
    except OSError:
        pass  # the engine is gone: SIGTERM follows (see PR_SET_PDEATHSIG)


def become_subreaper(parent):
    """Linux: orphans come here, and the engine's death is a SIGTERM. Elsewhere: neither (best effort)."""
    if not sys.platform.startswith("linux"):
        return
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM, 0, 0, 0)
    except (OSError, AttributeError):
        return
    # The engine may have died before the death signal was asked for.
    if os.getppid() != parent:
        os.kill(os.getpid(), signal.SIGTERM)


def descendants():
    """Every process under this one, from /proc (parents before children); empty where there is no /proc."""
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    children = {}
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry, "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2 :].split()
        if len(fields) > 1 and fields[0] != b"Z":
            children.setdefault(int(fields[1]), []).append(int(entry))
    found = []
    todo = [os.getpid()]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def signal_all(sig):
    """Signals everything under this process; true if anything was there."""
    pids = descendants()
    if not pids and not os.path.isdir("/proc"):
        # No /proc (macOS): the process group is what can be reached.
        try:
            os.killpg(os.getpgrp(), sig)
        except OSError:
            pass
        return False
    for pid in pids:
        try:
            os.kill(pid, sig)
        except OSError:
            pass
    return bool(pids)


def reap():
    """Reaps whatever has ended under this process; the (pid, status) pairs, until none is left now."""
    ended = []
    while True:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return ended, True  # nothing is left under this process
        if pid == 0:
            return ended, False
        ended.append((pid, status))


class Run:
    def __init__(self):
        self.script = None
        self.status = None
        self.stopping = False

    def stop(self, *_):
        """SIGTERM: ends everything under this process, then exits with the script's status."""
        if self.stopping:
            return
        self.stopping = True
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        deadline = time.monotonic() + GRACE_S
        signal_all(signal.SIGTERM)
        while True:
            ended, none_left = reap()
            self.note(ended)
            if none_left:
                break
            if time.monotonic() >= deadline:
                # (Processes forked meanwhile, and orphans come here, are found again each time.)
                signal_all(signal.SIGKILL)
            time.sleep(0.01)
        self.finish()

    def note(self, ended):
        for pid, status in ended:
            if pid == self.script:
                self.status = status
                say("exit %d" % status)

    def finish(self):
        say("done")
        # The script's own status, as a shell would see it: its code, or the signal that ended it.
        status = self.status if self.status is not None else 0
        if os.WIFSIGNALED(status):
            signal.signal(os.WTERMSIG(status), signal.SIG_DFL)
            os.kill(os.getpid(), os.WTERMSIG(status))
        os._exit(os.WEXITSTATUS(status) if os.WIFEXITED(status) else 1)


def main():
    parent = int(sys.argv[1])
    command = sys.argv[sys.argv.index("--") + 1 :]
    become_subreaper(parent)
    run = Run()
    signal.signal(signal.SIGTERM, run.stop)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the engine's to act on
    say("ready")
    line = sys.stdin.readline()
    if not line:
        os._exit(0)  # the engine let the run go before it started
    os.environ["KITCHEN_T0_NS"] = line.strip()
    # The script must not hold the engine's report pipe (the only descriptor above 2 this process was
    # given; its own are not inheritable).
    os.set_inheritable(report_fd, False)
    try:
        child = os.posix_spawn(
            command[0],
            command,
            os.environ,
            # Its stdin is /dev/null (this one's is the engine's pipe); Ctrl-C, SIGPIPE and SIGXFSZ act as
            # they do for a script started from a shell (here SIGINT is ignored, and Python ignores SIGPIPE).
            file_actions=[(os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0)],
            setsigdef=(signal.SIGINT, signal.SIGPIPE, signal.SIGXFSZ),
        )
    except OSError as err:
        say("failed %s" % err)
        os._exit(127)
    run.script = child
    say("started %d" % child)
    while not run.stopping:
        try:
            pid, status = os.waitpid(-1, 0)
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        run.note([(pid, status)])
    if not run.stopping:
        run.finish()


if __name__ == "__main__":
    main()
