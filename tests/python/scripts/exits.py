"""Exits with the code given, after printing a line."""
import sys

print("exiting with", sys.argv[1])
sys.exit(int(sys.argv[1]))
