"""The WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

import gc

from service import create_app

app = create_app()
# What the imports and the app built lives as long as the process: kept out of the collector's
# sight, so that a full collection, when one comes, does not walk those ~140,000 objects again
# (about 50 ms each time, inside some reader's request).
gc.freeze()
