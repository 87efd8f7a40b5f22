"""wbtrace: runs a Python script under tracing and streams what CPython did as JSON lines.

Run it as ``python3 -m wbtrace [options] SCRIPT [args...]``; see README.md next to this
package for the options and the line schema.
"""

PROTOCOL_VERSION = 1
