"""Proofing an episode: the words text preparation is unsure of, heard and fixed (issue 22).

``episode.py`` opens an episode for proofing (its script as spoken, word by word, with each
sentence's place in the MP3), ``fixes.py`` turns a proofreader's choices into corrections and
renders the episode again, ``view.py`` is the JSON view the page, ``--list`` and scripts read,
``preview.py`` speaks a sentence with another form of a word, and ``server.py`` serves the
proofing page (``proof.html.j2``) on this machine.
"""
