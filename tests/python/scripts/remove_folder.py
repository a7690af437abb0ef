"""Removes the folder named on its command line (where the trace was to go), then exits with 4."""
import shutil
import sys

shutil.rmtree(sys.argv[1])
sys.exit(4)
