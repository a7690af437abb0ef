"""Programs that are not Python, started three ways; prints each one's pid and status."""
import os
import subprocess

done = subprocess.run(["sleep", "0.3"])
print("sleep %d" % done.returncode)
shell = subprocess.Popen("sleep 0.2; exit 4", shell=True)
print("shell pid %d status %d" % (shell.pid, shell.wait()))
status = os.system("sleep 0.1")
print("system %d" % os.waitstatus_to_exitcode(status))
