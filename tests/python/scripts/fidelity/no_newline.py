"""Two lines; the last has no newline."""
print("first")
print("the last line, without a newline", end="")
