"""The learner's view: tracks, stages, items, marking them, progress, moving machines.

Every function takes an open Store and returns frozen data from
``learner.results``; nothing here prints.
"""
