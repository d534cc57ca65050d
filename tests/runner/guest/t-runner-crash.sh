#!/bin/bash
# Self-test: the kernel crashes; the run must fail without a result.
echo c >/proc/sysrq-trigger
