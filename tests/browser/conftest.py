"""The browser tests open the paper of the session's build.

The build fixture lives in tests/build/conftest.py, which pytest applies to tests/build/ only,
so it is re-exported here. A fixture imported into a second conftest is a second fixture: when
both directories run, the paper is built twice. Moving `built` into tests/conftest.py makes one
build serve both, and this re-export then steps aside.
"""

import contextlib

# If the fixture moved up to tests/conftest.py, every test sees it and nothing is needed here.
with contextlib.suppress(ImportError):
    from tests.build.conftest import built  # noqa: F401
