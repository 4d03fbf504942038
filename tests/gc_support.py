"""The cyclic collector for tests that must see only the garbage they make themselves."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def only_new_garbage() -> Iterator[None]:
    """Inside the block, a collection looks only at objects made inside it.

    Everything that exists when the block starts is frozen (``gc.freeze``): garbage an earlier test left is not
    collected in the block, so its finalizers cannot be taken for this test's, and a ``gc.collect()`` in the block
    walks only the block's own objects. A worker's heap holds hundreds of thousands of objects by the end of a run,
    and a full collection of it cost 0.1-0.5 s of CPU; the tests that use this (test_serve, test_sandbox_relay,
    test_doctor_run_races) used to pay two each, one to clear earlier garbage and one to find their own. Earlier
    garbage is collected after the block, by whichever collection comes next.
    """
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
