"""dltrack: a study tracker and link curator for deep-learning reading lists.

The words the code uses, each for one thing:

- catalogue: a file of tracks; ``data/seed.json`` is the packaged one.
- track: one curriculum, an ordered list of stages; stage: one step of a track.
- item: something to read or study (an article, paper, book, repo, course,
  topic or video). Its id is a promise: it never comes to mean another item.
- placement: where an item stands, a stage and a position; one item may stand
  in several places and is still one item.
- status: where the learner is with an item: unread, reading, done, skipped.
- verdict: what a link check concluded: ok, moved, dead, blocked, error.
- origin: what an HTTP connection goes to, a (host, port) pair; politeness and
  the offline detection count per origin.
- source: the document a track was made from.
"""

__version__ = "0.1.0"
