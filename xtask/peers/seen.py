"""The steps a peer script saw behave as Okta would: `expect` records one or stops the script
with {"failed": ..., "seen": [...]}; `done` prints {"seen": [...]}."""

import json
import sys

seen = []


def expect(step, ok, detail=""):
    if not ok:
        print(json.dumps({"failed": step, "detail": str(detail)[:400], "seen": seen}))
        sys.exit(1)
    seen.append(step)


def done():
    print(json.dumps({"seen": seen}))
