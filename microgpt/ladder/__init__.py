"""The ladder: microgpt built up from bigram counts, rung by rung, each rung
measured.

Rungs, bottom to top (one module each, runnable alone:
`python -m microgpt.ladder.bigram`): bigram, mlp, autograd, attention, gpt, adam.
`python -m microgpt.ladder --out FILE` trains them all on the same terms (see
terms.py) and writes what each one buys.
"""

RUNGS = ("bigram", "mlp", "autograd", "attention", "gpt", "adam")
