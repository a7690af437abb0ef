"""Two threads start forked processes at the same time, 8 each; every child prints its name."""
import multiprocessing
import threading

fork = multiprocessing.get_context("fork")


def child(name):
    print("child %s" % name)


def starter(label):
    for i in range(8):
        p = fork.Process(target=child, args=("%s-%d" % (label, i),), name="%s-%d" % (label, i))
        p.start()
        p.join()


if __name__ == "__main__":
    threads = [threading.Thread(target=starter, args=(label,), name="starter-%s" % label) for label in "ab"]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
