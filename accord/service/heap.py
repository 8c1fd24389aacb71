"""The garbage collector, tuned once start-up is over.

After start-up the heap holds ~150,000 long-lived objects (scikit-learn, the models, Connexion,
the bundled contract). CPython's collector walks all of them in a full collection, which a
service allocating a few hundred containers per request (a batch of 100 parsed, 100 predictions
built) triggered about once every 300 batch requests, at ~0.3 s each; and its young generation
was collected about once per batch request. Measured in-process, this was most of what a batch
of 100 cost beyond a single instance. So, once the app is built:

- `gc.freeze()` moves everything alive to a generation the collector never walks (the
  objects stay alive anyway: they are the program);
- the young-generation threshold goes from 700 to 10,000 allocations, so a request's
  temporaries are freed by reference counting before a collection would visit them.
  Cycles are still collected, a little later.
"""

from __future__ import annotations

import gc

#: Container allocations (net of frees) before a young-generation collection; CPython's is 700.
YOUNG_THRESHOLD = 10_000


def settle_heap() -> None:
    """Collect once, freeze what is alive, and raise the young-generation threshold."""
    gc.collect()
    gc.freeze()
    _, older, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, older, oldest)
