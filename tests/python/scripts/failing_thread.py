"""A thread that raises; the main thread goes on and exits normally."""
import threading


def broken():
    print("about to fail")
    raise ValueError("the sauce burned")


t = threading.Thread(target=broken, name="Saucier")
t.start()
t.join()
print("main is fine")
