"""Output the tracer must not lose: bytes that are not UTF-8, more lines than the chart keeps,
and a last line without a newline."""
import sys

sys.stdout.buffer.write(b"caf\xe9 au lait\n")
sys.stdout.flush()
for i in range(6000):
    print("line %d" % i)
print("no newline at the end", end="")
