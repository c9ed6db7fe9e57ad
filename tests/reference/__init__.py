"""Earlier implementations kept verbatim as references for the speed-ups that replaced them.

Each module here is the code as it was before a rewrite (git history names the commit);
the tests prove that the new code gives the same results on the sample network and on
random data. They are regression pins, not outside references: each metric's outside
reference (a hand calculation, a published or R value) is in its own test file.
"""
