"""Runs CPython's own regression tests and writes each test's outcome as JSON.

    python run_tests.py OUT.json NAME [NAME ...]

Each NAME is a test module (test.test_threading) or one test in it
(test.test_threading.LockTests.test_timeout). OUT.json maps every test id
to ok, FAIL, ERROR, skip, xfail or xpass; a module that cannot be loaded
is ERROR under its own name. Standard library only.
"""

import json
import sys
import unittest


class Outcomes(unittest.TextTestResult):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.outcomes = {}

    def addSuccess(self, test):
        super().addSuccess(test)
        self.outcomes.setdefault(test.id(), "ok")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.outcomes[test.id()] = "FAIL"

    def addError(self, test, err):
        super().addError(test, err)
        self.outcomes[test.id()] = "ERROR"

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.outcomes[test.id()] = "skip"

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self.outcomes[test.id()] = "xfail"

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self.outcomes[test.id()] = "xpass"

    def addSubTest(self, test, subtest, err):
        super().addSubTest(test, subtest, err)
        if err is not None:
            self.outcomes[test.id()] = "FAIL"


def main(out, names):
    outcomes = {}
    for name in names:
        try:
            suite = unittest.defaultTestLoader.loadTestsFromName(name)
        except Exception as err:  # noqa: BLE001 - reported as the module's outcome
            print("cannot load %s: %s" % (name, err), file=sys.stderr)
            outcomes[name] = "ERROR"
            continue
        result = unittest.TextTestRunner(resultclass=Outcomes, verbosity=0, stream=sys.stderr).run(suite)
        outcomes.update(result.outcomes)
    with open(out, "w") as f:
        json.dump(outcomes, f, indent=0, sort_keys=True)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
