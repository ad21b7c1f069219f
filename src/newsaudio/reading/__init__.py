"""Reading: a file, a folder's files or a URL → an :class:`~.article.Article` → its script.

Takes plain text as scraped, Markdown or a saved or fetched web page; gives the article's headline,
lead and sections with site chrome dropped, and the :class:`~newsaudio.reading.script.Script` of
segments to be spoken (``load.load_article``, ``fetch.fetch``, ``script.build_script``).
"""
