"""microgpt: a complete GPT in pure, dependency-free Python, one module per act
of a story.

data (the world) -> engine (autograd) -> model (the mind) -> train
-> sample (the voice).
"""
