#!/usr/bin/env python3
"""The plugin boundary's version: a plugin built against other libs/ui headers must be
refused by its interface id, not crash the shell. Fails when libs/ui's exported headers
changed but WbModuleInterface_iid did not, naming what to do; `--record` writes the new
pair (id, digest of the headers) to libs/ui/sdk-abi.txt after the id was bumped.
Usage: check_sdk_iid.py <source-root> [--record]"""
import hashlib
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
record = "--record" in sys.argv[2:]
include = root / "libs" / "ui" / "include" / "workbench" / "ui"
recorded_path = root / "libs" / "ui" / "sdk-abi.txt"
iid_line = re.compile(r'^#define WbModuleInterface_iid "([^"]+)"\s*$', re.M)

headers = sorted(include.glob("*.h"))
if not headers:
    sys.exit(f"no headers in {include}")
iid = None
digest = hashlib.sha256()
for h in headers:
    text = h.read_text()
    m = iid_line.search(text)
    if m:
        iid = m.group(1)
        text = iid_line.sub("", text)  # bumping the id alone does not change the digest
    digest.update(h.name.encode() + b"\0" + text.encode() + b"\0")
if not iid:
    sys.exit("WbModuleInterface_iid is not defined in libs/ui's headers")
current = f"iid {iid}\nheaders {digest.hexdigest()}\n"

if record:
    recorded_path.write_text(current)
    print(f"recorded {iid}")
    sys.exit(0)
if not recorded_path.is_file():
    sys.exit(f"{recorded_path.relative_to(root)} is missing: bump the id if the headers "
             "changed, then run check_sdk_iid.py <root> --record")
fields = dict(line.split(" ", 1) for line in recorded_path.read_text().splitlines() if line)
if fields.get("iid") == iid and fields.get("headers") == digest.hexdigest():
    print(f"libs/ui headers match interface {iid}")
    sys.exit(0)
if fields.get("iid") == iid:
    print(f"libs/ui's exported headers changed but the interface id is still {iid}: a "
          "plugin built against the old headers would load and misbehave. Bump "
          "WbModuleInterface_iid in moduleinterface.h, then run "
          "tests/guards/check_sdk_iid.py . --record")
else:
    print(f"the interface id is now {iid} (recorded: {fields.get('iid')}): run "
          "tests/guards/check_sdk_iid.py . --record")
sys.exit(1)
