"""Starts many processes at once, each sleeping a little."""
import multiprocessing
import time


def nap():
    time.sleep(0.1)


if __name__ == "__main__":
    processes = [multiprocessing.Process(target=nap) for _ in range(24)]
    for p in processes:
        p.start()
    for p in processes:
        p.join()
    print("all joined")
