#!/bin/bash
# Self-test: a test that never ends; the host's timeout must kill the VM.
exec sleep 100000
