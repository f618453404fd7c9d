"""Arabic news -> conflict events. Stages: sources, crawl, extract, validate, store, load, publish."""

import logging

logging.getLogger(__name__).addHandler(logging.NullHandler())
