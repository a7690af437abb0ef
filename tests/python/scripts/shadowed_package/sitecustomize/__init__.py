"""A user's own sitecustomize as a package, shadowed by the tracer's: it must still run."""

import os

os.environ["USER_SITECUSTOMIZE"] = "a package"
