"""Check runner shared by the Python client scripts: each check prints
"PASS name" or "FAIL name: why"; the process exits 1 if any failed."""

import sys
import traceback

_failures = 0


def check(name, conn=None):
    """Decorator: run the function now as check `name`. After a failure the
    connection, if given, is rolled back so that the next check starts
    clean."""

    def run(fn):
        global _failures
        try:
            fn()
            print("PASS " + name, flush=True)
        except Exception as e:  # noqa: BLE001 - every failure is reported
            _failures += 1
            why = f"{type(e).__name__}: {e}".replace("\n", " ")
            print(f"FAIL {name}: {why}", flush=True)
            traceback.print_exc(file=sys.stderr)
            if conn is not None:
                try:
                    conn.rollback()
                except Exception:  # noqa: BLE001
                    pass
        return fn

    return run


def expect(ok, what):
    if not ok:
        raise AssertionError(what)


def finish():
    sys.exit(1 if _failures else 0)
