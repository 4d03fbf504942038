"""Working with support: the support bundle (``bundle.py``), its replay, and the browser session (``serve.py``)."""
