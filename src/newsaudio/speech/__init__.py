"""Speech: a prepared script and a voice profile → each segment's audio, sentence by sentence.

Takes :class:`~newsaudio.textprep.PreparedScript` and a
:class:`~newsaudio.speech.voices.VoiceProfile`; gives
:class:`~newsaudio.audio.segments.SegmentAudio` (samples and where each sentence is heard) from
the profile's engines (``engines/``), through the cache of synthesized sentences.
"""
