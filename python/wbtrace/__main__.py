import sys

# Checked before anything else is imported, so an old interpreter gets a clear message.
if not ((3, 8) <= sys.version_info[:2] <= (3, 13)):
    sys.stderr.write(
        "wbtrace: Python %d.%d is not supported; run it with Python 3.8 to 3.13.\n"
        % sys.version_info[:2]
    )
    sys.exit(2)

from wbtrace.runner import main  # noqa: E402

sys.exit(main(sys.argv[1:]))
