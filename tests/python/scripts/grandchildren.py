"""A process that starts a Python child with subprocess: the script's grandchild."""
import multiprocessing
import subprocess
import sys


def middle():
    print("middle is running")
    subprocess.run([sys.executable, "-c", "print('grandchild is running')"], check=True)


if __name__ == "__main__":
    p = multiprocessing.Process(target=middle, name="middle")
    p.start()
    p.join()
