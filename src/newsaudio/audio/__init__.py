"""Audio: segments of speech → one mastered MP3 (44.1 kHz mono, −16 LUFS, −1 dBTP, 96 kbps).

Takes :class:`~newsaudio.audio.segments.SegmentAudio` in spoken order; gives the MP3 file and
:class:`~newsaudio.audio.segments.MasteredAudio` (chapter and sentence times, measured loudness).
"""
