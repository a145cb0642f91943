#!/usr/bin/env bash
# Builds the release binary (${CARGO_TARGET_DIR:-target}/release/gauntlet-rocket); cargo makes this idempotent.
set -euo pipefail
cd "$(dirname "$0")"
exec cargo build --release --locked
