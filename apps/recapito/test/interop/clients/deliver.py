#!/usr/bin/env python3
"""An MDA for fetchmail: writes the message on standard input to DIR/NNN.eml (001, 002...)."""
import os
import sys

folder = sys.argv[1]
name = os.path.join(folder, f'{len(os.listdir(folder)) + 1:03d}.eml')
with open(name, 'xb') as f:
    f.write(sys.stdin.buffer.read())
