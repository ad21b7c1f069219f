"""Publishing: a mastered episode → its files in place, the catalog, the feed and the page.

Takes the MP3, its chapter and sentence marks, the prepared script and the article's metadata;
gives ID3 tags, captions, transcript, JSON chapters, the catalog entry, ``feed.xml`` and
``index.html``, written atomically (``publish.py``).
"""
