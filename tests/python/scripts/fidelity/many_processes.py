"""200 short processes at once, more than the cores: the CPU they use cannot exceed the cores."""
import multiprocessing
import time


def work(_):
    start = time.perf_counter()
    while time.perf_counter() - start < 0.02:
        pass


if __name__ == "__main__":
    processes = [multiprocessing.Process(target=work, args=(i,)) for i in range(200)]
    for p in processes:
        p.start()
    for p in processes:
        p.join()
