"""newsaudio: Arabic news articles into chaptered, diacritized audio and a podcast feed."""

__version__ = "0.1.0"
