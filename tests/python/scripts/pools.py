"""A multiprocessing Pool and a ProcessPoolExecutor, two workers each."""
import concurrent.futures
import multiprocessing


def square(x):
    return x * x


if __name__ == "__main__":
    with multiprocessing.Pool(2) as pool:
        print("pool", sum(pool.map(square, range(20))))
    with concurrent.futures.ProcessPoolExecutor(2) as executor:
        print("executor", sum(executor.map(square, range(20))))
