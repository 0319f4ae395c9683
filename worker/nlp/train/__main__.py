"""``python -m worker.nlp.train``: see :mod:`worker.nlp.train`."""

import sys

from worker.nlp.train import main

sys.exit(main())
