"""Hearken's benchmark suite: see bench/run and the README's "Speed" section."""
