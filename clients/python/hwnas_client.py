"""Compatibility shim: the client is now the `hwnas` package (clients/python/hwnas).

Old code keeps working from a checkout:
    import sys; sys.path.insert(0, "clients/python")
    from hwnas_client import HwnasClient
New code: `pip install ./clients/python` and `from hwnas import HwnasClient`.
`python3 hwnas_client.py ARGS` still runs the command line.
"""
import sys

from hwnas.cli import COMMANDS, USAGE, main, parse_cli  # noqa: F401
from hwnas.client import *  # noqa: F401,F403
from hwnas.client import __all__  # noqa: F401

if __name__ == "__main__":
    sys.exit(main())
