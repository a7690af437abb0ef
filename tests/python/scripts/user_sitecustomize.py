"""Says whether the user's own sitecustomize ran before the script."""

import os

print("user sitecustomize:", os.environ.get("USER_SITECUSTOMIZE", "did not run"))
