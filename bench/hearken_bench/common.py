"""What every part of the benchmark shares."""

import sys
import time


class BenchError(Exception):
    """A failure the benchmark explains in one message and stops on."""


def say(message):
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)
