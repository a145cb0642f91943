//! Reads the locked Rocket version so the start-up line reports the exact build.

use std::{env, fs, path::Path};

fn main() {
    let lock_path = Path::new(&env::var("CARGO_MANIFEST_DIR").unwrap()).join("Cargo.lock");
    println!("cargo:rerun-if-changed={}", lock_path.display());
    let lock = fs::read_to_string(&lock_path).unwrap_or_default();
    let rocket = locked_version(&lock, "rocket").unwrap_or("0.5");
    println!("cargo:rustc-env=ROCKET_VERSION={rocket}");
}

/// The `version` line following `name = "<name>"` in a Cargo.lock.
fn locked_version<'a>(lock: &'a str, name: &str) -> Option<&'a str> {
    let entry = format!("name = \"{name}\"\nversion = \"");
    let start = lock.find(&entry)? + entry.len();
    let end = start + lock[start..].find('"')?;
    Some(&lock[start..end])
}
