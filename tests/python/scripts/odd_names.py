"""A thread whose name holds a lone surrogate (as os.fsdecode makes of undecodable bytes)."""

import threading

t = threading.Thread(target=lambda: None, name="worker-\udcff")
t.start()
t.join()
print("still here")
