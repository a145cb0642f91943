#!/usr/bin/env bash
# Builds the release binary (target/release/gauntlet-axum); cargo makes this idempotent.
set -euo pipefail
cd "$(dirname "$0")"
exec cargo build --release --locked
